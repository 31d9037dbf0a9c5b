import Numerics

/// Direct Fourier reconstruction sums for one half set (docs/algorithm.md §8.2).
///
/// Both accumulators are **plain sums** over inserted images, in Float64, so partial
/// accumulators from threads or MPI ranks combine by element-wise addition (`add(_:)`, or an
/// in-place SUM Allreduce of `numerator` and `ctfSquared`). Nothing is normalised until
/// `finalised(...)`, which works on a copy. For bit-identical results across runs, sum partials
/// in a fixed order (e.g. thread partials by thread index, then rank order in the Allreduce).
///
/// Grid: a centred half-space Fourier array of box Np = P·N (P = padding), layout of
/// `HalfComplexVolume` — index i + (Np/2 + 1)·(j + Np·l) with kx = i, ky/kz = j/l or j/l − Np.
/// An image frequency (kx, ky) of the N box lands at P·M·(kx, ky, 0)ᵀ.
///
/// Not thread-safe for concurrent insertion: give each thread its own accumulator and `add` them.
public struct ReconstructionAccumulator: Sendable {
    /// Box N of the images and of the reconstructed map, pixels.
    public let size: Int
    /// Integer padding factor P of the Fourier grid.
    public let padding: Int
    /// Σ X̂·CTF·w as interleaved (re, im) pairs: 2·(Np/2 + 1)·Np² values.
    public var numerator: [Double]
    /// Σ CTF²·w: (Np/2 + 1)·Np² values.
    public var ctfSquared: [Double]

    /// Box of the Fourier grid, P·N.
    @inlinable public var paddedSize: Int { padding * size }

    /// Empty sums for images of box `size` (even), on a grid padded by `padding`.
    public init(size: Int, padding: Int = 1) {
        precondition(size > 0 && size % 2 == 0 && padding >= 1, "Reconstruction needs an even box and padding ≥ 1")
        self.size = size
        self.padding = padding
        let np = padding * size
        let count = (np / 2 + 1) * np * np
        numerator = [Double](repeating: 0, count: 2 * count)
        ctfSquared = [Double](repeating: 0, count: count)
    }

    /// Adds another accumulator of the same geometry (partial sums from a thread or rank).
    public mutating func add(_ other: ReconstructionAccumulator) {
        precondition(other.size == size && other.padding == padding, "Accumulators differ in geometry")
        // Element by element: the ranges split over `VolumeThreads` without changing a bit.
        func add(_ a: UnsafeMutableBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) {
            nonisolated(unsafe) let (a, b) = (a, b)
            VolumeThreads.forEachChunk(of: a.count) { range in for i in range { a[i] += b[i] } }
        }
        numerator.withUnsafeMutableBufferPointer { a in other.numerator.withUnsafeBufferPointer { add(a, $0) } }
        ctfSquared.withUnsafeMutableBufferPointer { a in other.ctfSquared.withUnsafeBufferPointer { add(a, $0) } }
    }

    /// Inserts one image (§8.2): value = X̂·CTF·w and ctf2 = CTF²·w are spread to the 8 grid
    /// neighbours of P·M·(kx, ky, 0) with trilinear weights (1−|dx|)(1−|dy|)(1−|dz|).
    ///
    /// - Parameters:
    ///   - spectrum: centred, ÷N²-normalised spectrum of the (centred) image, box N.
    ///   - ctf: CTF on the same half-plane grid, or nil for CTF ≡ 1. A frequency-dependent weight
    ///     W(k) can be folded in by passing spectrum·√W and CTF·√W.
    ///   - rotation: M for the image's Euler angles.
    ///   - weight: per-image weight w.
    ///   - maxRadius: only image frequencies with |k| ≤ maxRadius (N-box Fourier pixels;
    ///     default N/2) are inserted.
    ///
    /// Points with negative x are inserted at their Friedel mate with the conjugate value; the
    /// half-plane is visited once (kx ≥ 1 for every ky, kx = 0 for ky ≥ 0), and the missing
    /// Friedel contributions on the x = 0 plane are restored by `finalised`.
    public mutating func insert(_ spectrum: HalfComplexImage, ctf: [Float]?, rotation: RotationMatrix,
                                weight: Double, maxRadius: Double? = nil) {
        precondition(spectrum.size == size, "Image box differs from the reconstruction box")
        precondition(ctf == nil || ctf!.count == spectrum.values.count, "CTF grid differs from the spectrum layout")
        let layout = HalfPlaneLayout.full(size: size)
        spectrum.values.withUnsafeBufferPointer { x in
            if let ctf {
                ctf.withUnsafeBufferPointer { insert(x, ctf: $0, layout: layout, rotation: rotation, weight: weight, maxRadius: maxRadius) }
            } else {
                insert(x, ctf: nil, layout: layout, rotation: rotation, weight: weight, maxRadius: maxRadius)
            }
        }
    }

    /// `insert(_:ctf:rotation:weight:maxRadius:)` for coefficients stored in `layout` (the full
    /// half plane of box N, or a disc of it): `values` and `ctf` hold at least `layout.count`
    /// values in that layout. Frequencies beyond a disc layout's radius are not inserted (as if
    /// `maxRadius` were that radius). `layout.size` is this accumulator's box, or larger: a
    /// smaller accumulator is the same physical box on a coarser grid (the same Fourier spacing),
    /// so every frequency lands where it would at the layout's box, and grid points beyond this
    /// box's Nyquist are dropped (none are when the inserted disc's radius r has ⌊r⌋ + 2 ≤ N/2).
    public mutating func insert(_ values: UnsafeBufferPointer<Complex<Float>>, ctf: UnsafeBufferPointer<Float>?,
                                layout: HalfPlaneLayout, rotation: RotationMatrix, weight: Double, maxRadius: Double? = nil) {
        precondition(layout.size >= size, "Image box smaller than the reconstruction box")
        precondition(values.count >= layout.count && (ctf == nil || ctf!.count >= layout.count),
                     "Spectrum or CTF shorter than its layout")
        let np = paddedSize, wp = np / 2 + 1, half = np / 2
        let ctfBase = ctf?.baseAddress
        numerator.withUnsafeMutableBufferPointer { num in
            ctfSquared.withUnsafeMutableBufferPointer { c2 in
                Self.forEachInsertedFrequency(layout, disc: Self.insertedDisc(layout, maxRadius: maxRadius), rotation: rotation,
                                              padding: padding) { index, qx, qy, qz, conjugate in
                    let c = ctfBase.map { Double($0[index]) } ?? 1
                    let v = values[index]
                    let re = Double(v.real) * c * weight
                    var im = Double(v.imaginary) * c * weight
                    let cc = c * c * weight
                    if conjugate { im = -im }
                    Self.splat(num, c2, qx, qy, qz, re, im, cc, width: wp, size: np, half: half)
                }
            }
        }
    }

    /// The frequencies an insertion from `layout` with `maxRadius` uses: the disc of `maxRadius`,
    /// else the layout's own disc, else the disc of radius N/2.
    static func insertedDisc(_ layout: HalfPlaneLayout, maxRadius: Double?) -> FrequencyDisc {
        maxRadius.map(FrequencyDisc.init(radius:)) ?? layout.disc ?? FrequencyDisc(squaredRadius: (layout.size / 2) * (layout.size / 2))
    }

    /// Calls `body(index, qx, qy, qz, conjugate)` for every frequency of `layout` that insertion
    /// uses, in layout order: those in `disc` (N-box Fourier pixels), kx ≥ 0, and kx ≥ 1 on the
    /// negative-ky rows (their kx = 0 points are the Friedel mates of the positive rows'). (qx, qy, qz)
    /// is P·M·(kx, ky, 0)ᵀ on the padded grid, folded to qx ≥ 0; `conjugate` says it was folded.
    @inline(__always)
    static func forEachInsertedFrequency(_ layout: HalfPlaneLayout, disc: FrequencyDisc, rotation: RotationMatrix, padding: Int,
                                         _ body: (Int, Double, Double, Double, Bool) -> Void) {
        let p = Double(padding)
        let (ax, ay, az) = (p * rotation[0, 0], p * rotation[1, 0], p * rotation[2, 0])
        let (bx, by, bz) = (p * rotation[0, 1], p * rotation[1, 1], p * rotation[2, 1])
        for row in 0..<layout.rowCount {
            let kyInt = Int(layout.rowFrequencies[row])
            let ky = Double(kyInt)
            guard let lastInDisc = disc.lastColumn(ky: kyInt) else { continue }
            let lastColumn = Swift.min(Int(layout.rowColumns[row]) - 1, lastInDisc)
            let firstColumn = kyInt >= 0 ? 0 : 1
            guard firstColumn <= lastColumn else { continue }
            let base = Int(layout.rowStarts[row])
            for i in firstColumn...lastColumn {
                let kx = Double(i)
                var qx = kx * ax + ky * bx, qy = kx * ay + ky * by, qz = kx * az + ky * bz
                let conjugate = qx < 0
                if conjugate { qx = -qx; qy = -qy; qz = -qz }
                body(base + i, qx, qy, qz, conjugate)
            }
        }
    }

    /// Adds (re, im)·weight and ctf2·weight to the 8 neighbours of (qx ≥ 0, qy, qz); neighbours
    /// outside x ≤ Np/2, y, z ∈ [−Np/2, Np/2 − 1] are dropped.
    @inline(__always)
    static func splat(_ num: UnsafeMutableBufferPointer<Double>, _ c2: UnsafeMutableBufferPointer<Double>,
                      _ qx: Double, _ qy: Double, _ qz: Double, _ re: Double, _ im: Double, _ cc: Double,
                      width wp: Int, size np: Int, half: Int) {
        let x0 = trilinearFloor(qx), y0 = trilinearFloor(qy), z0 = trilinearFloor(qz)
        let dx = qx - Double(x0), dy = qy - Double(y0), dz = qz - Double(z0)
        if x0 < half && y0 >= -half && y0 + 1 < half && z0 >= -half && z0 + 1 < half {
            // All 8 neighbours inside: branch-free path.
            let yi0 = y0 < 0 ? y0 + np : y0, yi1 = y0 + 1 < 0 ? y0 + 1 + np : y0 + 1
            let zi0 = z0 < 0 ? z0 + np : z0, zi1 = z0 + 1 < 0 ? z0 + 1 + np : z0 + 1
            let ex = 1 - dx, ey = 1 - dy, ez = 1 - dz
            let rows = (wp * (yi0 + np * zi0) + x0, wp * (yi1 + np * zi0) + x0,
                        wp * (yi0 + np * zi1) + x0, wp * (yi1 + np * zi1) + x0)
            let rowWeights = (ey * ez, dy * ez, ey * dz, dy * dz)
            let numerator = num.baseAddress!, weights = c2.baseAddress!
            @inline(__always) func add(_ index: Int, _ rowWeight: Double) {
                let w0 = rowWeight * ex, w1 = rowWeight * dx
                let p = numerator + 2 * index
                p[0] += re * w0; p[1] += im * w0; p[2] += re * w1; p[3] += im * w1
                weights[index] += cc * w0; weights[index + 1] += cc * w1
            }
            add(rows.0, rowWeights.0); add(rows.1, rowWeights.1)
            add(rows.2, rowWeights.2); add(rows.3, rowWeights.3)
            return
        }
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
                    let xx = x0 + a
                    if xx > half { continue }
                    let weight = (a == 0 ? 1 - dx : dx) * wyz
                    let index = row + xx
                    num[2 * index] += re * weight
                    num[2 * index + 1] += im * weight
                    c2[index] += cc * weight
                }
            }
        }
    }
}

extension ReconstructionAccumulator {
    /// Inserts one image into several accumulators of the same geometry at once, accumulator a
    /// with weight `weights[a]`: the frequency's grid position and trilinear weights are computed
    /// once and applied to each. Every accumulator receives exactly the values (same operations,
    /// same order) that `insert(_:ctf:rotation:weight:maxRadius:)` would add, so the sums are
    /// bit-identical to inserting the accumulators one by one.
    ///
    /// - Parameters:
    ///   - accumulators: the targets, all of this geometry (e.g. one per class).
    ///   - weights: per accumulator, the weight w (same count); accumulators with w ≤ 0 are skipped.
    public static func insert(_ spectrum: HalfComplexImage, ctf: [Float]?, rotation: RotationMatrix, weights: [Double],
                              into accumulators: inout [ReconstructionAccumulator], maxRadius: Double? = nil) {
        precondition(ctf == nil || ctf!.count == spectrum.values.count, "CTF grid differs from the spectrum layout")
        let layout = HalfPlaneLayout.full(size: spectrum.size)
        spectrum.values.withUnsafeBufferPointer { x in
            if let ctf {
                ctf.withUnsafeBufferPointer {
                    insert(x, ctf: $0, layout: layout, rotation: rotation, weights: weights, into: &accumulators, maxRadius: maxRadius)
                }
            } else {
                insert(x, ctf: nil, layout: layout, rotation: rotation, weights: weights, into: &accumulators, maxRadius: maxRadius)
            }
        }
    }

    /// The several-accumulator insertion for coefficients stored in `layout` (see the
    /// one-accumulator `insert(_:ctf:layout:rotation:weight:maxRadius:)`).
    public static func insert(_ values: UnsafeBufferPointer<Complex<Float>>, ctf: UnsafeBufferPointer<Float>?,
                              layout: HalfPlaneLayout, rotation: RotationMatrix, weights: [Double],
                              into accumulators: inout [ReconstructionAccumulator], maxRadius: Double? = nil) {
        precondition(weights.count == accumulators.count, "One weight per accumulator")
        let targets = weights.indices.filter { weights[$0] > 0 }
        guard let firstTarget = targets.first else { return }
        if targets.count == 1 {
            accumulators[firstTarget].insert(values, ctf: ctf, layout: layout, rotation: rotation,
                                             weight: weights[firstTarget], maxRadius: maxRadius)
            return
        }
        // Geometry only: a copy of an accumulator would share (and so force copies of) its arrays.
        let size = accumulators[firstTarget].size, padding = accumulators[firstTarget].padding
        precondition(targets.allSatisfy { accumulators[$0].size == size && accumulators[$0].padding == padding },
                     "Accumulators differ in geometry")
        precondition(layout.size >= size, "Image box smaller than the reconstruction box")
        precondition(values.count >= layout.count && (ctf == nil || ctf!.count >= layout.count),
                     "Spectrum or CTF shorter than its layout")
        let count = targets.count
        let targetWeights = targets.map { weights[$0] }
        // The storage of every target: made unique (copy-on-write) once here; nothing else touches
        // these arrays until this function returns.
        let numerators = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: count)
        let squares = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: count)
        defer { numerators.deallocate(); squares.deallocate() }
        for (a, target) in targets.enumerated() {
            accumulators[target].numerator.withUnsafeMutableBufferPointer { numerators[a] = $0.baseAddress! }
            accumulators[target].ctfSquared.withUnsafeMutableBufferPointer { squares[a] = $0.baseAddress! }
        }
        let np = padding * size, wp = np / 2 + 1, half = np / 2
        let ctfBase = ctf?.baseAddress
        forEachInsertedFrequency(layout, disc: insertedDisc(layout, maxRadius: maxRadius), rotation: rotation,
                                 padding: padding) { index, qx, qy, qz, conjugate in
            let c = ctfBase.map { Double($0[index]) } ?? 1
            let v = values[index]
            let x0 = trilinearFloor(qx), y0 = trilinearFloor(qy), z0 = trilinearFloor(qz)
            let dx = qx - Double(x0), dy = qy - Double(y0), dz = qz - Double(z0)
            /// (re, im, ctf²)·w of target a, im negated for a folded frequency.
            @inline(__always) func weighted(_ a: Int) -> (Double, Double, Double) {
                let weight = targetWeights[a]
                let re = Double(v.real) * c * weight
                let im = Double(v.imaginary) * c * weight
                return (re, conjugate ? -im : im, c * c * weight)
            }
            guard x0 < half && y0 >= -half && y0 + 1 < half && z0 >= -half && z0 + 1 < half else {
                for a in 0..<count {
                    let (re, im, cc) = weighted(a)
                    splat(UnsafeMutableBufferPointer(start: numerators[a], count: 2 * wp * np * np),
                          UnsafeMutableBufferPointer(start: squares[a], count: wp * np * np),
                          qx, qy, qz, re, im, cc, width: wp, size: np, half: half)
                }
                return
            }
            // All 8 neighbours inside: the grid rows and weights of `splat`'s branch-free path, once
            // for every target (the same values, so the same sums).
            let corners = InsideCorners(x0, y0, z0, dx, dy, dz, width: wp, size: np)
            for a in 0..<count {
                let (re, im, cc) = weighted(a)
                corners.add(re, im, cc, numerator: numerators[a], weights: squares[a])
            }
        }
    }
}

/// The 8 grid neighbours of one inserted frequency when all are inside the grid (the branch-free
/// path of `ReconstructionAccumulator.splat`): the four (y, z) rows' indices of the x0 neighbour and
/// each row's weights for x0 and x0 + 1, computed once and added to any number of accumulators.
struct InsideCorners {
    let rows: (Int, Int, Int, Int)
    /// Per row: (rowWeight·(1 − dx), rowWeight·dx), rowWeight = (1 − dy)(1 − dz), dy(1 − dz), (1 − dy)dz, dy·dz.
    let low: (Double, Double, Double, Double)
    let high: (Double, Double, Double, Double)

    @inline(__always)
    init(_ x0: Int, _ y0: Int, _ z0: Int, _ dx: Double, _ dy: Double, _ dz: Double, width wp: Int, size np: Int) {
        let yi0 = y0 < 0 ? y0 + np : y0, yi1 = y0 + 1 < 0 ? y0 + 1 + np : y0 + 1
        let zi0 = z0 < 0 ? z0 + np : z0, zi1 = z0 + 1 < 0 ? z0 + 1 + np : z0 + 1
        let ex = 1 - dx, ey = 1 - dy, ez = 1 - dz
        rows = (wp * (yi0 + np * zi0) + x0, wp * (yi1 + np * zi0) + x0, wp * (yi0 + np * zi1) + x0, wp * (yi1 + np * zi1) + x0)
        let rowWeights = (ey * ez, dy * ez, ey * dz, dy * dz)
        low = (rowWeights.0 * ex, rowWeights.1 * ex, rowWeights.2 * ex, rowWeights.3 * ex)
        high = (rowWeights.0 * dx, rowWeights.1 * dx, rowWeights.2 * dx, rowWeights.3 * dx)
    }

    /// Adds (re, im)·w and cc·w at the 8 neighbours, row by row in `splat`'s order.
    @inline(__always)
    func add(_ re: Double, _ im: Double, _ cc: Double, numerator: UnsafeMutablePointer<Double>,
             weights: UnsafeMutablePointer<Double>) {
        @inline(__always) func add(_ index: Int, _ w0: Double, _ w1: Double) {
            let p = numerator + 2 * index
            p[0] += re * w0; p[1] += im * w0; p[2] += re * w1; p[3] += im * w1
            weights[index] += cc * w0; weights[index + 1] += cc * w1
        }
        add(rows.0, low.0, high.0); add(rows.1, low.1, high.1)
        add(rows.2, low.2, high.2); add(rows.3, low.3, high.3)
    }
}
