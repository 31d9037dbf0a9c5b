import Numerics

/// The regularising term τ(k) added to Σctf² when a reconstruction is finalised:
/// V̂(k) = ΣX̂·CTF·w / (ΣCTF²·w + τ(k)).
public enum WienerRegularisation: Sendable, Equatable {
    /// τ = c everywhere (cisTEM's half maps use c = 100; §8.3 step 2). c = 0 is a plain ratio.
    case constant(Double)
    /// τ(k) = c / SSNR(|k|) (cisTEM Calculate3DOptimal, §8.3 step 6, with the γ factor folded into
    /// the given values). `perShell[s]` is the SSNR at |k| = s Fourier pixels of the N box,
    /// linearly interpolated between shells; where it is ≤ 0 (or beyond the last shell) V̂ = 0.
    case ssnr(perShell: [Double], wienerConstant: Double)
}

extension ReconstructionAccumulator {
    /// The x = 0 plane Friedel-completed (cisTEM CompleteEdges, §8.3 step 1): every (0, ky, kz)
    /// and its mate (0, −ky, −kz) (indices modulo Np) both become S = value + conj(mate value)
    /// (resp. conj S), and ctf² becomes the sum of the pair; a self-mate such as the origin becomes
    /// 2·Re (2× for ctf²). Unlike cisTEM this also pairs (0, 0, ±kz). Only that plane changes, so
    /// it is kept apart (Np² values, not a copy of the Np³/2 sums): index j + Np·l of the plane is
    /// grid voxel (0, j, l).
    public struct FriedelPlane: Sendable {
        /// Completed numerators, interleaved real and imaginary, 2·Np².
        public var numerator: [Double]
        /// Completed Σctf², Np².
        public var ctfSquared: [Double]
    }

    /// The Friedel-completed x = 0 plane of these sums (`FriedelPlane`).
    public func friedelPlane() -> FriedelPlane {
        let np = paddedSize, wp = np / 2 + 1
        var plane = FriedelPlane(numerator: [Double](repeating: 0, count: 2 * np * np),
                                 ctfSquared: [Double](repeating: 0, count: np * np))
        for l in 0..<np {
            for j in 0..<np {
                let q = j + np * l, mate = (np - j) % np + np * ((np - l) % np)
                if mate < q { continue }  // each pair once
                let a = wp * q, b = wp * mate
                let re = numerator[2 * a] + numerator[2 * b], im = numerator[2 * a + 1] - numerator[2 * b + 1]
                let c = ctfSquared[a] + ctfSquared[b]
                plane.numerator[2 * q] = re; plane.numerator[2 * q + 1] = im
                plane.numerator[2 * mate] = re; plane.numerator[2 * mate + 1] = -im
                plane.ctfSquared[q] = c; plane.ctfSquared[mate] = c
            }
        }
        return plane
    }

    /// A copy with the x = 0 plane Friedel-completed (`friedelPlane()`). Apply once, to the
    /// totals; the accumulator itself is left as plain sums.
    public func friedelCompleted() -> ReconstructionAccumulator {
        var out = self
        let plane = friedelPlane()
        let np = paddedSize, wp = np / 2 + 1
        for q in 0..<(np * np) {
            out.numerator[2 * wp * q] = plane.numerator[2 * q]
            out.numerator[2 * wp * q + 1] = plane.numerator[2 * q + 1]
            out.ctfSquared[wp * q] = plane.ctfSquared[q]
        }
        return out
    }

    /// The reconstructed N³ map (§8.3): Friedel completion, V̂ = Σvalue/(Σctf² + τ) where
    /// Σctf² > 0 (else 0), centred inverse FFT on the Np grid, central N³ crop, and, if
    /// `gridCorrection`, division by the trilinear kernel's real-space profile
    /// [sinc(πx/Np)·sinc(πy/Np)·sinc(πz/Np)]² (x, y, z in voxels from the centre).
    /// The scale matches the projector: inserting projections of V gives back V.
    public func finalised(regularisation: WienerRegularisation, gridCorrection: Bool = true,
                          pixelSize: Double = 1, planner: FFTPlanner = .shared) -> Volume {
        let plane = friedelPlane()
        let n = size, np = paddedSize, wp = np / 2 + 1
        let p = Double(padding)
        let scale = 1 / (p * p * p)  // the Np transform is ÷Np³, the images ÷N²·(1/N along z)
        var spectrum = HalfComplexVolume(size: np)
        spectrum.values.withUnsafeMutableBufferPointer { out in
            numerator.withUnsafeBufferPointer { num in
                ctfSquared.withUnsafeBufferPointer { c2 in
                    // Each voxel alone: the planes are split over `VolumeThreads` without changing a bit.
                    nonisolated(unsafe) let (out, num, c2) = (out, num, c2)
                    VolumeThreads.forEachChunk(of: paddedSize) { planes in
                    forEachGridVoxel(planes: planes) { index, kx, radiusSquared in
                        // The x = 0 plane from its Friedel-completed copy, the rest as summed.
                        let q = index / wp
                        let weight = kx == 0 ? plane.ctfSquared[q] : c2[index]
                        let re = kx == 0 ? plane.numerator[2 * q] : num[2 * index]
                        let im = kx == 0 ? plane.numerator[2 * q + 1] : num[2 * index + 1]
                        guard weight > 0 else { return }
                        let tau: Double
                        switch regularisation {
                        case .constant(let c): tau = c
                        case .ssnr(let perShell, let c):
                            let ssnr = Self.interpolated(perShell, at: radiusSquared.squareRoot() / p)
                            guard ssnr > 0 else { return }
                            tau = c / ssnr
                        }
                        let factor = scale / (weight + tau)
                        out[index] = Complex(Float(re * factor), Float(im * factor))
                    }
                    }
                }
            }
        }
        let padded = spectrum.realSpace(pixelSize: pixelSize, planner: planner)
        return Self.cropCentre(padded, to: n, gridCorrection: gridCorrection)
    }

    /// Calls `body(index, kx, |q|²)` for every voxel of the padded half-space grid, x fastest
    /// (q in Fourier pixels of the Np grid).
    @inline(__always)
    func forEachGridVoxel(_ body: (_ index: Int, _ kx: Int, _ radiusSquared: Double) -> Void) {
        forEachGridVoxel(planes: 0..<paddedSize, body)
    }

    /// `forEachGridVoxel(_:)` over the z planes `planes` (indices l of the Np grid) only.
    @inline(__always)
    func forEachGridVoxel(planes: Range<Int>, _ body: (_ index: Int, _ kx: Int, _ radiusSquared: Double) -> Void) {
        let np = paddedSize, wp = np / 2 + 1
        for l in planes {
            let kz = Double(FourierGrid.frequency(index: l, size: np))
            for j in 0..<np {
                let ky = Double(FourierGrid.frequency(index: j, size: np))
                let base = wp * (j + np * l), r2 = ky * ky + kz * kz
                for i in 0..<wp { body(base + i, i, Double(i * i) + r2) }
            }
        }
    }

    /// Value of a per-shell curve at fractional shell s (linear; 0 beyond the last shell).
    static func interpolated(_ curve: [Double], at s: Double) -> Double {
        let s0 = Int(s)
        guard s0 + 1 < curve.count else { return s0 < curve.count ? curve[s0] : 0 }
        let f = s - Double(s0)
        return curve[s0] * (1 - f) + curve[s0 + 1] * f
    }

    /// The central n³ of `padded`, divided by the trilinear apodisation if asked.
    static func cropCentre(_ padded: Volume, to n: Int, gridCorrection: Bool) -> Volume {
        let np = padded.size, offset = np / 2 - n / 2
        func sinc(_ x: Double) -> Double { x == 0 ? 1 : Double.sin(x) / x }
        let axis = (0..<n).map { gridCorrection ? 1 / sinc(Double.pi * Double($0 - n / 2) / Double(np)) : 1 }
        var out = Volume(size: n, pixelSize: padded.pixelSize)
        out.voxels.withUnsafeMutableBufferPointer { target in
            padded.voxels.withUnsafeBufferPointer { source in
                nonisolated(unsafe) let (target, source) = (target, source)
                VolumeThreads.forEachChunk(of: n) { planes in
                    for z in planes {
                        for y in 0..<n {
                            for x in 0..<n {
                                let f = axis[x] * axis[y] * axis[z]
                                target[x + n * (y + n * z)] = source[x + offset + np * (y + offset + np * (z + offset))] * Float(f * f)
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}

/// Per-shell totals of a reconstruction's Σctf², for SSNR estimates (§8.3 step 5).
public struct ReconstructionShellStatistics: Sendable, Equatable {
    /// Fourier voxels with Σctf² > 0 per shell, counted over the full space (k and −k).
    public let voxelCount: [Double]
    /// Σctf² per shell over the same voxels.
    public let ctfSquaredSum: [Double]
}

extension ReconstructionAccumulator {
    /// Shell statistics of the Friedel-completed sums. Shell s (0 … N/2) holds grid voxels with
    /// round(|q|/P) = s, i.e. |k| in Fourier pixels of the N box. Voxels with kx > 0 count twice
    /// (k and −k), those on the kx = 0 plane once, so ctfSquaredSum/voxelCount is the mean Σctf²
    /// per voxel (cisTEM's n_b/Σ_b ctf2 up to its x = 0 weighting).
    public func shellStatistics() -> ReconstructionShellStatistics {
        let plane = friedelPlane()
        let shells = size / 2 + 1, p = Double(padding), wp = paddedSize / 2 + 1
        // Partial sums over fixed blocks of z planes, added in block order: the same bits for any
        // number of `VolumeThreads`.
        let sums = ctfSquared.withUnsafeBufferPointer { c2 in
            nonisolated(unsafe) let c2 = c2
            return VolumeThreads.blockSums(of: paddedSize, width: 2 * shells) { planes, sums in
                forEachGridVoxel(planes: planes) { index, kx, radiusSquared in
                    let value = kx == 0 ? plane.ctfSquared[index / wp] : c2[index]
                    guard value > 0 else { return }
                    let shell = Int((radiusSquared.squareRoot() / p).rounded())
                    guard shell < shells else { return }
                    let multiplicity: Double = kx == 0 ? 1 : 2
                    sums[shell] += multiplicity
                    sums[shells + shell] += multiplicity * value
                }
            }
        }
        let count = Array(sums[0..<shells]), sum = Array(sums[shells...])
        return ReconstructionShellStatistics(voxelCount: count, ctfSquaredSum: sum)
    }
}
