import RealModule

/// A Fourier cosine low-pass for real-space maps, supplied by the caller (the FFT-based filter of
/// FoveaCore's Fourier layer): it returns `map` with its transform multiplied by
/// `CosineEdge(radius: radius, width: edgeWidth)` of |k|, both in 1/pixel.
public typealias VolumeLowPassFilter = (_ map: Volume, _ radius: Double, _ edgeWidth: Double) -> Volume

/// Whose density fills the outside of a 3-D-masked class reference (`--mask-outside`).
public enum OutsideDensitySource: String, Sendable, Equatable, Codable, CaseIterable {
    /// Each class keeps its own outside density (cisTEM's 3-D masking).
    case own
    /// Every class gets the consensus map's outside density (the occupancy-weighted mean of the
    /// class maps), so the references differ only inside the soft mask.
    case consensus
}

/// The one settings type of "3-D masking" of class references (docs/algorithm.md §4.2; cisTEM's GUI
/// defaults): `--mask-edge`, `--mask-outside-weight`, `--mask-lowpass`, `--mask-outside`. Stored in
/// checkpoints and `run.h5` under these field names; ranges are checked by `ClassificationConfig`.
public struct ReferenceMaskSettings: Sendable, Equatable, Codable {
    /// e, the width of the cosine soft edge, Å (cisTEM default 10 Å).
    public let edge: Double
    /// w, the weight 0…1 of the density outside the mask (0: outside becomes flat background).
    public let outsideWeight: Double
    /// d_m, the resolution (Å) of the low-pass applied to the outside density when w > 0; nil = off
    /// (cisTEM default off; 20 Å when switched on).
    public let outsideLowPass: Double?
    /// Whose density fills the outside: each class's own, or the consensus map's.
    public let outsideSource: OutsideDensitySource

    public init(edge: Double = 10, outsideWeight: Double = 0, outsideLowPass: Double? = nil,
                outsideSource: OutsideDensitySource = .own) {
        self.edge = edge
        self.outsideWeight = outsideWeight
        self.outsideLowPass = outsideLowPass
        self.outsideSource = outsideSource
    }

    private enum CodingKeys: String, CodingKey { case edge, outsideWeight, outsideLowPass, outsideSource }

    /// Files written before `outsideSource` existed were run with each class's own outside density.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        edge = try c.decode(Double.self, forKey: .edge)
        outsideWeight = try c.decode(Double.self, forKey: .outsideWeight)
        outsideLowPass = try c.decodeIfPresent(Double.self, forKey: .outsideLowPass)
        outsideSource = try c.decodeIfPresent(OutsideDensitySource.self, forKey: .outsideSource) ?? .own
    }
}

/// cisTEM's soft-edged 3-D masking of a class reference (docs/algorithm.md §4.2):
///
/// 1. B = 1 where the mask S > 0, else 0.
/// 2. m = B ⊛ k, k(d) = ½[1 + cos(π·d/e_px)] for d ≤ e_px = e/p, normalised to unit sum; values
///    below 0.001 set to 0 (m ≈ ½ on the binary boundary; the edge straddles it).
/// 3. m2 = (m > 0.1) ⊛ k (the dilated, "double-edge" mask), with the same clipping.
/// 4. bg = mean of V over voxels farther than 0.4·N from the box centre.
/// 5. If w > 0: V_out = m2·bg + (1 − m2)·V (with e = 0, m = m2 = B), optionally low-passed with a cosine edge at
///    radius p/d_m, width p/40 (1/pixel), and V' = m·V + w·(1 − m)·V_out.
/// 6. Otherwise V' = m·V + (1 − m)·bg.
///
/// With an `outside` map C (`--mask-outside consensus`), bg and V_out are computed from C instead of
/// V, so V' − m·V is the same for every class map V and the references differ only where m > 0.
///
/// The convolution runs in real space (no FFT), only where B is not constant over the kernel's
/// cube (elsewhere the result is B itself, since the kernel sums to one); ≈ 1 s for a 128³ box
/// with a 10-pixel edge and a 30-pixel sphere.
public enum ReferenceMasking {
    /// V' for class map `map`, mask `mask` (same box), `settings`; `lowPass` is required when
    /// `settings.outsideLowPass` is set and w > 0. `outside` (same box), when given, supplies the
    /// density outside the mask and its background instead of `map`.
    public static func apply(to map: Volume, mask: Volume, settings: ReferenceMaskSettings,
                             lowPass: VolumeLowPassFilter? = nil, outside source: Volume? = nil) -> Volume {
        precondition(map.size == mask.size, "Map and mask must have the same box size")
        let source = source ?? map
        precondition(source.size == map.size, "Map and outside map must have the same box size")
        let edgePixels = settings.edge / map.pixelSize
        let binary = mask.voxels.map { $0 > 0 ? Float(1) : 0 }
        let soft = smoothed(binary, size: map.size, edgeRadius: edgePixels)
        let background = backgroundMean(source)
        var result = map
        let count = map.voxels.count
        if settings.outsideWeight > 0 {
            let dilated = smoothed(soft.map { $0 > 0.1 ? Float(1) : 0 }, size: map.size, edgeRadius: edgePixels)
            var outside = source
            for i in 0..<count {
                let m2 = Double(dilated[i])
                outside.voxels[i] = Float(m2 * background + (1 - m2) * Double(source.voxels[i]))
            }
            if let resolution = settings.outsideLowPass {
                guard let lowPass else {
                    preconditionFailure("ReferenceMasking: a low-pass at \(resolution) Å needs a VolumeLowPassFilter")
                }
                outside = lowPass(outside, map.pixelSize / resolution, map.pixelSize / 40)
            }
            for i in 0..<count {
                let m = Double(soft[i])
                result.voxels[i] = Float(m * Double(map.voxels[i]) + settings.outsideWeight * (1 - m) * Double(outside.voxels[i]))
            }
        } else {
            for i in 0..<count {
                let m = Double(soft[i])
                result.voxels[i] = Float(m * Double(map.voxels[i]) + (1 - m) * background)
            }
        }
        return result
    }

    /// The soft mask m of step 2 for `mask` (1 where mask > 0 convolved with the normalised cosine
    /// kernel of radius `edgeWidth` Å).
    public static func softMask(_ mask: Volume, edgeWidth: Double) -> Volume {
        Volume(size: mask.size, pixelSize: mask.pixelSize,
               voxels: smoothed(mask.voxels.map { $0 > 0 ? 1 : 0 }, size: mask.size,
                                edgeRadius: edgeWidth / mask.pixelSize))
    }

    /// The normalised kernel k(d) = ½[1 + cos(π·d/e)] on the integer offsets with d ≤ e, as
    /// (dx, dy, dz, weight); a single tap of weight 1 when e < 1.
    public static func cosineKernel(edgeRadius e: Double) -> [(dx: Int, dy: Int, dz: Int, weight: Double)] {
        guard e >= 1 else { return [(0, 0, 0, 1)] }
        let reach = Int(e.rounded(.down))
        var taps: [(dx: Int, dy: Int, dz: Int, weight: Double)] = []
        for dz in -reach...reach { for dy in -reach...reach { for dx in -reach...reach {
            let d = Double(dx * dx + dy * dy + dz * dz).squareRoot()
            if d <= e { taps.append((dx, dy, dz, CosineEdge.falloff(at: d, start: 0, width: e))) }
        } } }
        let total = taps.reduce(0) { $0 + $1.weight }
        return taps.map { ($0.dx, $0.dy, $0.dz, $0.weight / total) }
    }

    /// Mean of the map over voxels farther than 0.4·N from the box centre.
    public static func backgroundMean(_ map: Volume) -> Double {
        let n = map.size, half = n / 2
        let limit = 0.4 * Double(n)
        var (sum, samples) = (0.0, 0)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let (dx, dy, dz) = (Double(x - half), Double(y - half), Double(z - half))
            if (dx * dx + dy * dy + dz * dz).squareRoot() > limit {
                sum += Double(map.voxels[x + n * (y + n * z)])
                samples += 1
            }
        } } }
        return samples > 0 ? sum / Double(samples) : 0
    }

    /// B ⊛ k with values below 0.001 set to 0. Voxels outside the box count as 0 (no wrap-around).
    ///
    /// B is copied into a zero-padded box so the kernel never leaves it; the kernel is stored as
    /// rows along x (one per (dy, dz), zero-padded to a multiple of 8), and each row is a SIMD8 dot
    /// product with a contiguous run of the padded B.
    static func smoothed(_ binary: [Float], size n: Int, edgeRadius: Double) -> [Float] {
        let kernel = cosineKernel(edgeRadius: edgeRadius)
        let reach = kernel.reduce(0) { max($0, abs($1.dx), abs($1.dy), abs($1.dz)) }
        guard reach > 0 else { return binary }
        let varies = cubeNeighbourhoodVaries(binary, size: n, reach: reach)

        let rowLength = (2 * reach + 1 + 7) / 8 * 8
        let (px, py) = (n + 2 * reach + 8, n + 2 * reach)  // padded extents (x has room for the SIMD tail)
        var padded = [Float](repeating: 0, count: px * py * (n + 2 * reach))
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            padded[(x + reach) + px * ((y + reach) + py * (z + reach))] = binary[x + n * (y + n * z)]
        } } }
        // Kernel rows: offset of the row start in the padded box relative to the output voxel, weights.
        var rowOffsets: [Int] = []
        var rowWeights: [Float] = []
        for dz in -reach...reach { for dy in -reach...reach {
            let taps = kernel.filter { $0.dy == dy && $0.dz == dz }
            guard !taps.isEmpty else { continue }
            var row = [Float](repeating: 0, count: rowLength)
            for tap in taps { row[tap.dx + reach] = Float(tap.weight) }
            rowOffsets.append(px * (dy + py * dz))
            rowWeights += row
        } }

        var output = binary
        padded.withUnsafeBufferPointer { b in
            rowWeights.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { out in
                    let base = b.baseAddress!, weights = w.baseAddress!
                    for z in 0..<n { for y in 0..<n { for x in 0..<n {
                        let index = x + n * (y + n * z)
                        guard varies[index] else { continue }
                        // Padded position of (x − reach, y, z): the start of the row with dy = dz = 0.
                        let centre = x + px * ((y + reach) + py * (z + reach))
                        var sum = 0.0
                        for (r, offset) in rowOffsets.enumerated() {
                            let source = UnsafeRawPointer(base + (centre + offset))
                            let weight = UnsafeRawPointer(weights + r * rowLength)
                            var accumulator = SIMD8<Float>()
                            for chunk in stride(from: 0, to: rowLength * 4, by: 32) {
                                accumulator += source.loadUnaligned(fromByteOffset: chunk, as: SIMD8<Float>.self)
                                    * weight.loadUnaligned(fromByteOffset: chunk, as: SIMD8<Float>.self)
                            }
                            sum += Double(accumulator.sum())
                        }
                        let value = Float(sum)
                        out[index] = value < 0.001 ? 0 : min(value, 1)
                    } } }
                }
            }
        }
        return output
    }

    /// For each voxel: whether the binary map takes both values within the cube of half-width
    /// `reach` around it (or the cube leaves the box while the voxel is 1). Separable min/max.
    static func cubeNeighbourhoodVaries(_ binary: [Float], size n: Int, reach: Int) -> [Bool] {
        var low = binary, high = binary
        for axis in 0..<3 {
            let stride = axis == 0 ? 1 : (axis == 1 ? n : n * n)
            var newLow = low, newHigh = high
            for index in 0..<binary.count {
                let coordinate = (index / stride) % n
                var (lo, hi) = (low[index], high[index])
                for offset in -reach...reach where offset != 0 {
                    let c = coordinate + offset
                    if c < 0 || c >= n { lo = 0; continue }  // outside the box counts as 0
                    lo = min(lo, low[index + offset * stride])
                    hi = max(hi, high[index + offset * stride])
                }
                newLow[index] = lo
                newHigh[index] = hi
            }
            low = newLow
            high = newHigh
        }
        return (0..<binary.count).map { low[$0] != high[$0] }
    }
}
