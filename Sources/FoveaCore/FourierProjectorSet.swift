import Numerics

/// K projectors of one geometry (same N, P and padded box) sliced together at one view: the K
/// padded transforms are stored interleaved (voxel-major, class fastest), so one trilinear
/// neighbourhood — index arithmetic and cache lines — serves every class. Each class's values
/// are bit-identical to `FourierProjector.project` of that class (same operations, same order).
public struct FourierProjectorSet: Sendable {
    /// Box N of the projections, pixels.
    public let size: Int
    /// Integer padding factor P.
    public let padding: Int
    /// Number of classes K.
    public let count: Int
    /// Padded box Np = P·N of the transforms.
    let paddedSize: Int
    /// Interleaved transforms: value of class k at half-space index v is `values[k + K·v]`.
    let values: [Complex<Float>]

    /// Interleaves `projectors` (at least one; all of the same size, padding and padded box).
    public init(_ projectors: [FourierProjector]) {
        precondition(!projectors.isEmpty, "A projector set needs at least one projector")
        let first = projectors[0]
        precondition(projectors.allSatisfy { $0.size == first.size && $0.padding == first.padding
            && $0.transform.size == first.transform.size }, "Projectors of a set must share their geometry")
        size = first.size
        padding = first.padding
        count = projectors.count
        paddedSize = first.transform.size
        let k = projectors.count, voxels = first.transform.values.count
        var interleaved = [Complex<Float>](repeating: .zero, count: k * voxels)
        interleaved.withUnsafeMutableBufferPointer { out in
            for (c, projector) in projectors.enumerated() {
                projector.transform.values.withUnsafeBufferPointer { t in
                    for v in 0..<voxels { out[c + k * v] = t[v] }
                }
            }
        }
        values = interleaved
    }

    /// Writes the K centred N×N spectra at `rotation` into `outputs[k]` ((N/2 + 1)·N values each),
    /// for kx² + ky² ≤ maxRadius² (default N/2) and 0 elsewhere, as `FourierProjector.project`.
    public func project(_ rotation: RotationMatrix, maxRadius: Double? = nil,
                        into outputs: [UnsafeMutableBufferPointer<Complex<Float>>]) {
        let w = size / 2 + 1, values = w * size, k = count
        precondition(outputs.count == k && outputs.allSatisfy { $0.count == values }, "Need K buffers of (N/2+1)·N values")
        let interleaved = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: k * values)
        defer { interleaved.deallocate() }
        projectInterleaved(rotation, maxRadius: maxRadius, into: interleaved)
        for c in 0..<k {
            for i in 0..<values { outputs[c][i] = interleaved[c + k * i] }
        }
    }

    /// As `project(_:maxRadius:into:)`, with the K spectra interleaved in one buffer: class k's
    /// value at half-plane index i is `output[k + K·i]` ((N/2 + 1)·N·K values). The K classes of a
    /// neighbour are adjacent, so the (re, im) pairs of all classes are combined in one loop over
    /// contiguous lanes (which the compiler vectorises), each lane with the operations and order of
    /// `FourierProjector.project`: the values are the same bit for bit.
    public func projectInterleaved(_ rotation: RotationMatrix, maxRadius: Double? = nil,
                                   into output: UnsafeMutableBufferPointer<Complex<Float>>) {
        let n = size, w = n / 2 + 1, np = paddedSize, wp = np / 2 + 1, halfNp = np / 2, k = count
        precondition(output.count == k * w * n, "Need K·(N/2+1)·N values")
        let radius = maxRadius ?? Double(n / 2)
        let p = Float(padding)
        let (ax, ay, az) = (p * Float(rotation[0, 0]), p * Float(rotation[1, 0]), p * Float(rotation[2, 0]))
        let (bx, by, bz) = (p * Float(rotation[0, 1]), p * Float(rotation[1, 1]), p * Float(rotation[2, 1]))
        let o = UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: Float.self)
        let lanes = 2 * k   // Floats per frequency: (re, im) of each class
        values.withUnsafeBufferPointer { t in
            let f = UnsafeRawPointer(t.baseAddress!).assumingMemoryBound(to: Float.self)
            for j in 0..<n {
                let kyInt = FourierGrid.frequency(index: j, size: n)
                let ky = Float(kyInt)
                let rowBase = w * j
                let remaining = radius * radius - Double(kyInt * kyInt)
                let lastColumn = remaining < 0 ? -1 : Swift.min(w - 1, Int(remaining.squareRoot()))
                let zeroFrom = Swift.max(0, lastColumn + 1)
                (o + lanes * (rowBase + zeroFrom)).update(repeating: 0, count: lanes * (w - zeroFrom))
                guard lastColumn >= 0 else { continue }
                for i in 0...lastColumn {
                    let kx = Float(i)
                    var qx = kx * ax + ky * bx, qy = kx * ay + ky * by, qz = kx * az + ky * bz
                    var conjugate = false
                    if qx < 0 { qx = -qx; qy = -qy; qz = -qz; conjugate = true }
                    let x0 = trilinearFloor(qx), y0 = trilinearFloor(qy), z0 = trilinearFloor(qz)
                    let dx = qx - Float(x0), dy = qy - Float(y0), dz = qz - Float(z0)
                    let out = o + lanes * (rowBase + i)
                    if x0 < halfNp && y0 >= -halfNp && y0 + 1 < halfNp && z0 >= -halfNp && z0 + 1 < halfNp {
                        let yi0 = y0 < 0 ? y0 + np : y0, yi1 = y0 + 1 < 0 ? y0 + 1 + np : y0 + 1
                        let zi0 = z0 < 0 ? z0 + np : z0, zi1 = z0 + 1 < 0 ? z0 + 1 + np : z0 + 1
                        let ex = 1 - dx, ey = 1 - dy, ez = 1 - dz
                        let w00 = ey * ez, w10 = dy * ez, w01 = ey * dz, w11 = dy * dz
                        // Float offsets of the x0 neighbour of class 0; x0 + 1 is `lanes` Floats further.
                        let a00 = f + lanes * (wp * (yi0 + np * zi0) + x0), a10 = f + lanes * (wp * (yi1 + np * zi0) + x0)
                        let a01 = f + lanes * (wp * (yi0 + np * zi1) + x0), a11 = f + lanes * (wp * (yi1 + np * zi1) + x0)
                        // Lane l: the real (even l) or imaginary (odd l) part of class l / 2.
                        for l in 0..<lanes {
                            let t00 = (a00[l] * ex + a00[l + lanes] * dx) * w00, t10 = (a10[l] * ex + a10[l + lanes] * dx) * w10
                            let t01 = (a01[l] * ex + a01[l + lanes] * dx) * w01, t11 = (a11[l] * ex + a11[l + lanes] * dx) * w11
                            out[l] = t00 + t10 + t01 + t11
                        }
                        if conjugate {
                            for l in stride(from: 1, to: lanes, by: 2) { out[l] = -out[l] }
                        }
                        continue
                    }
                    for c in 0..<k {
                        let value = FourierProjector.edgeSum(t, x0, y0, z0, dx, dy, dz, width: wp, size: np, half: halfNp,
                                                             stride: k, offset: c)
                        out[2 * c] = value.real
                        out[2 * c + 1] = conjugate ? -value.imaginary : value.imaginary
                    }
                }
            }
        }
    }
}
