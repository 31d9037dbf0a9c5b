import Numerics

/// Central-slice projector of a 3-D map (docs/algorithm.md §4.1 steps 3–5, §5.1 step 1).
///
/// Preparation: the N³ map is zero-padded by an integer factor P into an Np = P·N box (centre
/// voxel N/2 goes to Np/2), divided by the trilinear-interpolation apodisation
/// [sinc(πx/Np)·sinc(πy/Np)·sinc(πz/Np)]² (x, y, z in voxels from the centre), and transformed
/// with the centred FFT. The transform is scaled as if unpadded (÷ N³, not ÷ Np³), so a slice is
/// exactly the centred, ÷N²-normalised spectrum of the N×N image of **means along the ray**
/// (1/N)·Σ_z V — the §1.1 convention, whatever the padding.
///
/// Slice: the value at integer (kx, ky) of the N-box spectrum is read at P·M·(kx, ky, 0)ᵀ
/// (M = `RotationMatrix(angles)`, so a map point r projects to (Mᵀ·r)_xy) by trilinear
/// interpolation of the complex half-space array; points with negative x are read at the Friedel
/// mate and conjugated; neighbours outside the array count as 0.
public struct FourierProjector: Sendable {
    /// Box N of the map and of the projections, pixels.
    public let size: Int
    /// Integer padding factor P ≥ 1.
    public let padding: Int
    /// Å per pixel of the map and the projections.
    public let pixelSize: Double
    /// Centred transform of the corrected, padded map; box Np = P·N, scaled ÷ N³.
    public let transform: HalfComplexVolume

    /// Prepares `volume` (even size N) for projection.
    /// - Parameters:
    ///   - padding: padding factor P (2 is accurate to ≈ 1e-3 for smooth maps, 1 is faster).
    ///   - sincCorrectionRadius: if given (pixels), the sinc² division is applied only inside this
    ///     radius and voxels outside are divided by the 1-D value sinc²(πR/Np), as cisTEM does
    ///     (avoids amplifying corner noise); nil corrects every voxel.
    ///   - workspace: an FFT workspace of the padded box (P·N)³ to transform in. Nil (the default)
    ///     transforms the padded map plane by plane straight into the projector's own array, so
    ///     preparing holds only that array (8·(P·N)²·(P·N/2 + 1) bytes) and a plane per thread
    ///     instead of two more arrays of the padded box. The result does not depend on it.
    public init(volume: Volume, padding: Int = 2, sincCorrectionRadius: Double? = nil,
                planner: FFTPlanner = .shared, workspace: FFTWorkspace? = nil) {
        precondition(volume.size % 2 == 0, "The projector needs an even box")
        precondition(padding >= 1, "Padding factor must be ≥ 1")
        let n = volume.size, np = padding * n
        size = n
        self.padding = padding
        pixelSize = volume.pixelSize
        var t = HalfComplexVolume(size: np)
        if let workspace {
            precondition(workspace.plan.dimensions == [np, np, np], "The workspace must be of the padded box")
            t.values.withUnsafeMutableBufferPointer { output in
                workspace.forward(filling: { Self.fillPaddedAndSincCorrected(volume, paddedSize: np, radius: sincCorrectionRadius, into: $0) },
                                  into: output)
            }
        } else {
            let correction = SincCorrection(size: n, paddedSize: np, radius: sincCorrectionRadius)
            volume.voxels.withUnsafeBufferPointer { source in
                nonisolated(unsafe) let source = source
                t.values.withUnsafeMutableBufferPointer { output in
                    planner.plan3D(size: np).forward(fillingPlanes: { z, plane in correction.fillPlane(z, of: source, into: plane) },
                                                     into: output)
                }
            }
        }
        let scale = Float(padding * padding * padding)  // ÷Np³ → ÷N³
        if padding > 1 { t.values.withUnsafeMutableBufferPointer { v in for i in 0..<v.count { v[i] = v[i].scaled(by: scale) } } }
        transform = t
    }

    /// Bytes of the transform of a projector of an N box at padding P: (P·N)²·(P·N/2 + 1) complex
    /// Float values (1 GiB at N = 320, P = 2).
    public static func transformBytes(size n: Int, padding: Int) -> Double {
        let np = Double(padding * n)
        return np * np * (np / 2 + 1) * 8
    }

    /// A projector over a transform prepared elsewhere (e.g. on another MPI rank and broadcast):
    /// `transform` must be what `init(volume:padding:…)` (and `binned(to:)`) made for these values.
    public init(size: Int, padding: Int, pixelSize: Double, transform: HalfComplexVolume) {
        self.size = size
        self.padding = padding
        self.pixelSize = pixelSize
        self.transform = transform
    }

    /// This projector at a smaller box (binning to a classification resolution, §4.1 step 6):
    /// the padded transform is Fourier-cropped to P·newSize, so projections have box `newSize`,
    /// pixel size p·N/newSize and the same values at every frequency |k| < newSize/2 − 1; pad
    /// them back to N with `HalfComplexImage.resized(to:)`.
    public func binned(to newSize: Int) -> FourierProjector {
        precondition(newSize % 2 == 0 && newSize > 0 && newSize <= size, "Binned box must be even and at most N")
        return FourierProjector(size: newSize, padding: padding, pixelSize: pixelSize * Double(size) / Double(newSize),
                                transform: transform.resized(to: padding * newSize))
    }

    /// Writes the map padded into an Np box (x fastest, Np³ values; zero outside the map) and
    /// divided by the trilinear apodisation into `out`.
    static func fillPaddedAndSincCorrected(_ volume: Volume, paddedSize np: Int, radius: Double?,
                                           into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == np * np * np, "The padded buffer needs Np³ values")
        let correction = SincCorrection(size: volume.size, paddedSize: np, radius: radius)
        volume.voxels.withUnsafeBufferPointer { source in
            nonisolated(unsafe) let (source, out) = (source, out)
            VolumeThreads.forEachChunk(of: np) { planes in
                for z in planes {
                    correction.fillPlane(z, of: source, into: UnsafeMutableBufferPointer(rebasing: out[(np * np * z)..<(np * np * (z + 1))]))
                }
            }
        }
    }

    /// The padding and apodisation correction of an N³ map into an Np box, one padded plane at a time.
    struct SincCorrection {
        let size: Int, paddedSize: Int
        /// 1/sinc(π(i − N/2)/Np) for i in 0..<N.
        let axis: [Double]
        /// Radius (pixels) beyond which voxels get the 1-D factor `outside`; nil: none.
        let radius: Double?
        let outside: Double?

        init(size n: Int, paddedSize np: Int, radius: Double?) {
            func sinc(_ x: Double) -> Double { x == 0 ? 1 : Double.sin(x) / x }
            size = n
            paddedSize = np
            axis = (0..<n).map { 1 / sinc(Double.pi * Double($0 - n / 2) / Double(np)) }
            self.radius = radius
            outside = radius.map { 1 / (sinc(Double.pi * $0 / Double(np)) * sinc(Double.pi * $0 / Double(np))) }
        }

        /// Writes padded plane `z` (Np² values, x fastest; zero outside the map) of the map `source`.
        func fillPlane(_ pz: Int, of source: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
            let n = size, np = paddedSize, offset = np / 2 - n / 2
            out.update(repeating: 0)
            let z = pz - offset
            guard z >= 0 && z < n else { return }
            for y in 0..<n {
                let sourceRow = n * (y + n * z), targetRow = offset + np * (y + offset)
                for x in 0..<n {
                    var factor = axis[x] * axis[y] * axis[z]
                    factor *= factor
                    if let radius, let outside {
                        let (dx, dy, dz) = (Double(x - n / 2), Double(y - n / 2), Double(z - n / 2))
                        if dx * dx + dy * dy + dz * dz > radius * radius { factor = outside }
                    }
                    out[targetRow + x] = source[sourceRow + x] * Float(factor)
                }
            }
        }
    }

    /// The centred N×N spectrum of the projection along `rotation`, computed for
    /// kx² + ky² ≤ maxRadius² (Fourier pixels of the N box; default N/2) and 0 elsewhere.
    public func projection(_ rotation: RotationMatrix, maxRadius: Double? = nil) -> HalfComplexImage {
        var out = HalfComplexImage(size: size)
        out.values.withUnsafeMutableBufferPointer { project(rotation, maxRadius: maxRadius, into: $0) }
        return out
    }

    /// As `projection(_:maxRadius:)`, writing into `output` ((N/2 + 1)·N values); allocation-free.
    public func project(_ rotation: RotationMatrix, maxRadius: Double? = nil,
                        into output: UnsafeMutableBufferPointer<Complex<Float>>) {
        let n = size, w = n / 2 + 1, np = transform.size, wp = np / 2 + 1, halfNp = np / 2
        precondition(output.count == w * n, "Projection buffer needs (N/2+1)·N values")
        let radius = maxRadius ?? Double(n / 2)
        let p = Float(padding)
        // Columns of P·M for the in-plane axes.
        let (ax, ay, az) = (p * Float(rotation[0, 0]), p * Float(rotation[1, 0]), p * Float(rotation[2, 0]))
        let (bx, by, bz) = (p * Float(rotation[0, 1]), p * Float(rotation[1, 1]), p * Float(rotation[2, 1]))
        transform.values.withUnsafeBufferPointer { t in
            for j in 0..<n {
                let kyInt = FourierGrid.frequency(index: j, size: n)
                let ky = Float(kyInt)
                let rowBase = w * j
                // Columns inside the radius: kx ≤ √(r² − ky²).
                let remaining = radius * radius - Double(kyInt * kyInt)
                let lastColumn = remaining < 0 ? -1 : Swift.min(w - 1, Int(remaining.squareRoot()))
                for i in 0..<w where i > lastColumn { output[rowBase + i] = .zero }
                guard lastColumn >= 0 else { continue }
                for i in 0...lastColumn {
                    let kx = Float(i)
                    var qx = kx * ax + ky * bx, qy = kx * ay + ky * by, qz = kx * az + ky * bz
                    var conjugate = false
                    if qx < 0 { qx = -qx; qy = -qy; qz = -qz; conjugate = true }
                    let value = Self.interpolate(t, qx, qy, qz, width: wp, size: np, half: halfNp)
                    output[rowBase + i] = conjugate ? value.conjugate : value
                }
            }
        }
    }

    /// Trilinear interpolation of a half-space array at (qx ≥ 0, qy, qz) in Fourier pixels;
    /// neighbours outside x ∈ [0, Np/2], y, z ∈ [−Np/2, Np/2 − 1] contribute 0.
    @inline(__always)
    static func interpolate(_ t: UnsafeBufferPointer<Complex<Float>>, _ qx: Float, _ qy: Float, _ qz: Float,
                            width wp: Int, size np: Int, half: Int) -> Complex<Float> {
        let x0 = trilinearFloor(qx), y0 = trilinearFloor(qy), z0 = trilinearFloor(qz)
        let dx = qx - Float(x0), dy = qy - Float(y0), dz = qz - Float(z0)
        if x0 < half && y0 >= -half && y0 + 1 < half && z0 >= -half && z0 + 1 < half {
            // All 8 neighbours inside: branch-free path.
            let yi0 = y0 < 0 ? y0 + np : y0, yi1 = y0 + 1 < 0 ? y0 + 1 + np : y0 + 1
            let zi0 = z0 < 0 ? z0 + np : z0, zi1 = z0 + 1 < 0 ? z0 + 1 + np : z0 + 1
            let f = UnsafeRawPointer(t.baseAddress!).assumingMemoryBound(to: Float.self)
            let a00 = f + 2 * (wp * (yi0 + np * zi0) + x0), a10 = f + 2 * (wp * (yi1 + np * zi0) + x0)
            let a01 = f + 2 * (wp * (yi0 + np * zi1) + x0), a11 = f + 2 * (wp * (yi1 + np * zi1) + x0)
            let ex = 1 - dx, ey = 1 - dy, ez = 1 - dz
            let w00 = ey * ez, w10 = dy * ez, w01 = ey * dz, w11 = dy * dz
            let re = (a00[0] * ex + a00[2] * dx) * w00 + (a10[0] * ex + a10[2] * dx) * w10
                + (a01[0] * ex + a01[2] * dx) * w01 + (a11[0] * ex + a11[2] * dx) * w11
            let im = (a00[1] * ex + a00[3] * dx) * w00 + (a10[1] * ex + a10[3] * dx) * w10
                + (a01[1] * ex + a01[3] * dx) * w01 + (a11[1] * ex + a11[3] * dx) * w11
            return Complex(re, im)
        }
        return edgeSum(t, x0, y0, z0, dx, dy, dz, width: wp, size: np, half: half)
    }

    /// The trilinear sum at a neighbourhood that reaches the edge of the half-space array: the 8
    /// neighbours of (x0, y0, z0) with fractions (dx, dy, dz), those outside x ∈ [0, Np/2],
    /// y, z ∈ [−Np/2, Np/2 − 1] skipped. The array holds `stride` interleaved transforms, this
    /// one at `offset` (value of half-space index v at `t[offset + stride·v]`; 1 and 0 for one
    /// transform, `FourierProjectorSet` for K).
    @inline(__always)
    static func edgeSum(_ t: UnsafeBufferPointer<Complex<Float>>, _ x0: Int, _ y0: Int, _ z0: Int,
                        _ dx: Float, _ dy: Float, _ dz: Float, width wp: Int, size np: Int, half: Int,
                        stride: Int = 1, offset: Int = 0) -> Complex<Float> {
        var re: Float = 0, im: Float = 0
        for c in 0..<2 {
            let z = z0 + c
            if z < -half || z >= half { continue }
            let wz = c == 0 ? 1 - dz : dz
            let zi = z < 0 ? z + np : z
            for b in 0..<2 {
                let y = y0 + b
                if y < -half || y >= half { continue }
                let wyz = (b == 0 ? 1 - dy : dy) * wz
                let row = wp * ((y < 0 ? y + np : y) + np * zi)
                for a in 0..<2 {
                    let x = x0 + a
                    if x > half { continue }
                    let weight = (a == 0 ? 1 - dx : dx) * wyz
                    let v = t[offset + stride * (row + x)]
                    re += v.real * weight
                    im += v.imaginary * weight
                }
            }
        }
        return Complex(re, im)
    }
}

/// ⌊v⌋ without a libm call (`rounded(.down)` is one on baseline x86-64, which lacks SSE4.1).
@inline(__always) func trilinearFloor(_ v: Float) -> Int {
    let t = Int(v)
    return v < Float(t) ? t - 1 : t
}

/// ⌊v⌋ without a libm call.
@inline(__always) func trilinearFloor(_ v: Double) -> Int {
    let t = Int(v)
    return v < Double(t) ? t - 1 : t
}
