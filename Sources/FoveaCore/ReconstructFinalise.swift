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

        public init(numerator: [Double], ctfSquared: [Double]) {
            self.numerator = numerator
            self.ctfSquared = ctfSquared
        }
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
    /// The scale matches the projector: inserting projections of V gives back V. Besides the sums
    /// it holds one spectrum-sized buffer ((Np/2 + 1)·Np² complex Float32), which is transformed
    /// in place into the map and cropped in place.
    public func finalised(regularisation: WienerRegularisation, gridCorrection: Bool = true,
                          pixelSize: Double = 1, planner: FFTPlanner = .shared) -> Volume {
        let spectrum = centredSpectrum(regularisation: regularisation)
        return Self.map(fromCentredSpectrum: consume spectrum, size: size, paddedSize: paddedSize, gridCorrection: gridCorrection,
                        pixelSize: pixelSize, planner: planner)
    }

    /// `finalised`, with these sums released as soon as the spectrum is made (before the FFT), so
    /// that the sums and the map never exist together (when this accumulator holds the only
    /// reference to them): for a total that is used once. Leaves the accumulator without sums
    /// (empty `numerator` and `ctfSquared`), to be used no further.
    public mutating func finaliseReleasingSums(regularisation: WienerRegularisation, gridCorrection: Bool = true,
                                               pixelSize: Double = 1, planner: FFTPlanner = .shared) -> Volume {
        let spectrum = centredSpectrum(regularisation: regularisation)
        let (n, np) = (size, paddedSize)
        numerator = []
        ctfSquared = []
        return Self.map(fromCentredSpectrum: consume spectrum, size: n, paddedSize: np, gridCorrection: gridCorrection,
                        pixelSize: pixelSize, planner: planner)
    }

    /// The Np³ map of `spectrum` (`centredSpectrum`), transformed in place, then its central N³
    /// cropped in place (`cropCentre(inPlace:to:gridCorrection:)`).
    private static func map(fromCentredSpectrum spectrum: consuming [Float], size n: Int, paddedSize np: Int,
                            gridCorrection: Bool, pixelSize: Double, planner: FFTPlanner) -> Volume {
        let padded = HalfComplexVolume.realSpace(centredValues: consume spectrum, size: np, pixelSize: pixelSize, planner: planner)
        return cropCentre(inPlace: consume padded, to: n, gridCorrection: gridCorrection)
    }

    /// `finalised` of sums that are not held in memory: `readPlanes(planes, numerator, ctfSquared)`
    /// fills the two buffers with the sums of the z planes `planes` of the Np grid (2·(Np/2 + 1)·Np
    /// and (Np/2 + 1)·Np values per plane, the layout of `numerator` and `ctfSquared`), asked for
    /// `planesAtOnce` planes at a time in ascending order; `plane` is the sums' `friedelPlane()`.
    /// The bits of `finalised`; it holds the spectrum buffer and one slab of planes.
    public static func finalised(size n: Int, padding: Int, friedelPlane plane: FriedelPlane, regularisation: WienerRegularisation,
                                 gridCorrection: Bool = true, pixelSize: Double = 1, planner: FFTPlanner = .shared,
                                 planesAtOnce: Int = 8,
                                 readPlanes: (Range<Int>, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void)
        rethrows -> Volume {
        let np = n * padding, wp = np / 2 + 1, slab = max(1, min(np, planesAtOnce))
        var spectrum = [Float](repeating: 0, count: 2 * wp * np * np)
        let numerator = UnsafeMutableBufferPointer<Double>.allocate(capacity: 2 * wp * np * slab)
        let ctfSquared = UnsafeMutableBufferPointer<Double>.allocate(capacity: wp * np * slab)
        defer { numerator.deallocate(); ctfSquared.deallocate() }
        try spectrum.withUnsafeMutableBufferPointer { out in
            for first in stride(from: 0, to: np, by: slab) {
                let planes = first..<min(np, first + slab), count = planes.count * wp * np
                try readPlanes(planes, UnsafeMutableBufferPointer(rebasing: numerator[0..<(2 * count)]),
                               UnsafeMutableBufferPointer(rebasing: ctfSquared[0..<count]))
                fillCentredSpectrum(out, planes: planes, numerator: UnsafePointer(numerator.baseAddress!),
                                    ctfSquared: UnsafePointer(ctfSquared.baseAddress!), plane: plane, paddedSize: np,
                                    padding: padding, regularisation: regularisation)
            }
        }
        return map(fromCentredSpectrum: consume spectrum, size: n, paddedSize: np, gridCorrection: gridCorrection,
                   pixelSize: pixelSize, planner: planner)
    }

    /// The regularised spectrum V̂ (see `finalised`) as interleaved (re, im) Float32 on the Np
    /// half-space grid, already multiplied by the centring signs (−1)^(i + j + l) that the inverse
    /// FFT needs (`HalfComplexVolume.realSpace(centredValues:size:pixelSize:planner:)`); voxels
    /// without weight are signed zeros.
    func centredSpectrum(regularisation: WienerRegularisation) -> [Float] {
        let plane = friedelPlane()
        let np = paddedSize, wp = np / 2 + 1
        var spectrum = [Float](repeating: 0, count: 2 * wp * np * np)
        spectrum.withUnsafeMutableBufferPointer { out in
            numerator.withUnsafeBufferPointer { num in
                ctfSquared.withUnsafeBufferPointer { c2 in
                    Self.fillCentredSpectrum(out, planes: 0..<np, numerator: num.baseAddress!, ctfSquared: c2.baseAddress!,
                                             plane: plane, paddedSize: np, padding: padding, regularisation: regularisation)
                }
            }
        }
        return spectrum
    }

    /// Writes the z planes `planes` of the centred spectrum (see `centredSpectrum`) into `out`
    /// (the whole spectrum), from sums whose pointers start at plane `planes.lowerBound`. Each
    /// voxel alone, the planes split over `VolumeThreads`.
    private static func fillCentredSpectrum(_ out: UnsafeMutableBufferPointer<Float>, planes: Range<Int>,
                                            numerator num: UnsafePointer<Double>, ctfSquared c2: UnsafePointer<Double>,
                                            plane: FriedelPlane, paddedSize np: Int, padding: Int,
                                            regularisation: WienerRegularisation) {
        let wp = np / 2 + 1, p = Double(padding), start = wp * np * planes.lowerBound
        let scale = 1 / (p * p * p)  // the Np transform is ÷Np³, the images ÷N²·(1/N along z)
        nonisolated(unsafe) let (out, num, c2) = (out, num, c2)
        VolumeThreads.forEachChunk(of: planes.count) { chunk in
            for l in (planes.lowerBound + chunk.lowerBound)..<(planes.lowerBound + chunk.upperBound) {
                let kz = Double(FourierGrid.frequency(index: l, size: np))
                for j in 0..<np {
                    let ky = Double(FourierGrid.frequency(index: j, size: np))
                    let base = wp * (j + np * l), r2 = ky * ky + kz * kz
                    let rowSign: Float = (j + l) & 1 == 0 ? 1 : -1
                    for i in 0..<wp {
                        let index = base + i, local = index - start, sign = i & 1 == 0 ? rowSign : -rowSign
                        // The x = 0 plane from its Friedel-completed copy, the rest as summed.
                        let q = index / wp
                        let weight = i == 0 ? plane.ctfSquared[q] : c2[local]
                        var value = (re: Float(0), im: Float(0))
                        if weight > 0 {
                            let re = i == 0 ? plane.numerator[2 * q] : num[2 * local]
                            let im = i == 0 ? plane.numerator[2 * q + 1] : num[2 * local + 1]
                            var tau: Double? = nil
                            switch regularisation {
                            case .constant(let c): tau = c
                            case .ssnr(let perShell, let c):
                                let ssnr = interpolated(perShell, at: (Double(i * i) + r2).squareRoot() / p)
                                if ssnr > 0 { tau = c / ssnr }
                            }
                            if let tau {
                                let factor = scale / (weight + tau)
                                value = (Float(re * factor), Float(im * factor))
                            }
                        }
                        out[2 * index] = value.re * sign
                        out[2 * index + 1] = value.im * sign
                    }
                }
            }
        }
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

    /// Per voxel index 0..<n: 1/sinc(π(x − n/2)/np) (the trilinear kernel's profile along one
    /// axis, inverted), or 1 without grid correction.
    private static func gridCorrectionAxis(n: Int, np: Int, gridCorrection: Bool) -> [Double] {
        func sinc(_ x: Double) -> Double { x == 0 ? 1 : Double.sin(x) / x }
        return (0..<n).map { gridCorrection ? 1 / sinc(Double.pi * Double($0 - n / 2) / Double(np)) : 1 }
    }

    /// The central n³ of `padded`, divided by the trilinear apodisation if asked (a new map).
    public static func cropCentre(_ padded: Volume, to n: Int, gridCorrection: Bool) -> Volume {
        let np = padded.size, offset = np / 2 - n / 2
        let axis = gridCorrectionAxis(n: n, np: np, gridCorrection: gridCorrection)
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

    /// `cropCentre(_:to:gridCorrection:)` without a second map: the voxels are corrected where they
    /// lie (n = Np: every voxel alone, the planes over `VolumeThreads`) or moved towards the start in
    /// ascending order (n < Np: a voxel's target index is never above its source's, so every source
    /// is read before it is overwritten) and the array cut to n³. The same bits.
    public static func cropCentre(inPlace padded: consuming Volume, to n: Int, gridCorrection: Bool) -> Volume {
        let np = padded.size, offset = np / 2 - n / 2, pixelSize = padded.pixelSize
        let axis = gridCorrectionAxis(n: n, np: np, gridCorrection: gridCorrection)
        var voxels = padded.voxels
        padded = Volume(size: 1, pixelSize: pixelSize)  // the voxels' only other reference
        voxels.withUnsafeMutableBufferPointer { data in
            nonisolated(unsafe) let data = data
            func correct(planes: Range<Int>) {
                for z in planes {
                    for y in 0..<n {
                        for x in 0..<n {
                            let f = axis[x] * axis[y] * axis[z]
                            data[x + n * (y + n * z)] = data[x + offset + np * (y + offset + np * (z + offset))] * Float(f * f)
                        }
                    }
                }
            }
            if n == np { VolumeThreads.forEachChunk(of: n, correct) } else { correct(planes: 0..<n) }
        }
        if n < np { voxels = Array(voxels[0..<(n * n * n)]) }
        return Volume(size: n, pixelSize: pixelSize, voxels: voxels)
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
