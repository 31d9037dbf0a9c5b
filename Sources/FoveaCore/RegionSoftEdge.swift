/// Softening a region of voxels with the project's raised-cosine edge (`CosineEdge.falloff`) by
/// the exact Euclidean distance from each voxel centre to the region, as `relion_mask_create
/// --extend_inimask --width_soft_edge` does. Used by `fovea mask` and the simulator's soft masks.
public enum RegionSoftEdge {
    /// A mask of box `n` (voxel (N/2, N/2, N/2) at the centre, `pixelSize` Å): 1 within
    /// `dilationPixels` of the region, then ½[1 + cos(π(d − dilation)/w)] up to dilation + w
    /// (w = `edgePixels`), 0 beyond. `region` holds n³ flags, x fastest. Distances in pixels, ≥ 0.
    public static func soften(region: [Bool], size n: Int, pixelSize: Double, dilationPixels: Double,
                              edgePixels: Double) -> Volume {
        let distance = distanceToRegion(region, size: n, reachPixels: dilationPixels + edgePixels)
        var mask = Volume(size: n, pixelSize: pixelSize)
        for i in 0..<region.count {
            let d = distance[i]
            if d <= dilationPixels {
                mask.voxels[i] = 1
            } else if edgePixels > 0 && d < dilationPixels + edgePixels {
                mask.voxels[i] = Float(CosineEdge.falloff(at: d, start: dilationPixels, width: edgePixels))
            }
        }
        return mask
    }

    /// `binary`'s voxels > 0.5 as the region, softened outward over `edgePixels` with no dilation.
    public static func soften(_ binary: Volume, edgePixels: Double) -> Volume {
        soften(region: binary.voxels.map { $0 > 0.5 }, size: binary.size, pixelSize: binary.pixelSize,
               dilationPixels: 0, edgePixels: edgePixels)
    }

    /// Per voxel, the distance in pixels from its centre to the nearest region voxel centre
    /// (0 inside), exact up to `reachPixels`; +∞ beyond (and everywhere for an empty region).
    /// An exact Euclidean distance transform (separable lower envelopes of parabolas, one pass per
    /// axis): time proportional to the voxel count, whatever the reach.
    public static func distanceToRegion(_ region: [Bool], size n: Int, reachPixels: Double) -> [Double] {
        var squared = region.map { $0 ? 0.0 : Double.infinity }
        guard reachPixels > 0, n > 0 else { return squared }
        var line = [Double](repeating: 0, count: n)
        var envelope = LowerEnvelope(capacity: n)
        for stride in [1, n, n * n] {
            for start in 0..<(n * n * n) where (start / stride) % n == 0 {
                for k in 0..<n { line[k] = squared[start + k * stride] }
                envelope.transform(&line)
                for k in 0..<n { squared[start + k * stride] = line[k] }
            }
        }
        let limit = reachPixels * reachPixels + 1e-9
        return squared.map { $0 <= limit ? $0.squareRoot() : .infinity }
    }
}

/// The 1-D squared distance transform d(q) = min over p of (q − p)² + f(p), by the lower envelope
/// of the parabolas of the finite f(p) (Felzenszwalb and Huttenlocher's algorithm); exact for the
/// integer sums of squares it is used with.
private struct LowerEnvelope {
    private var apex: [Int]
    private var bound: [Double]

    init(capacity: Int) {
        apex = [Int](repeating: 0, count: capacity)
        bound = [Double](repeating: 0, count: capacity + 1)
    }

    mutating func transform(_ f: inout [Double]) {
        var k = -1
        for q in f.indices where f[q].isFinite {
            let height = f[q] + Double(q * q)
            var s = -Double.infinity
            while k >= 0 {
                let p = apex[k]
                s = (height - (f[p] + Double(p * p))) / Double(2 * (q - p))
                if s > bound[k] { break }
                k -= 1
            }
            k += 1
            apex[k] = q
            bound[k] = k == 0 ? -.infinity : s
            bound[k + 1] = .infinity
        }
        guard k >= 0 else { return }
        let heights = apex[0...k].map { f[$0] }
        var j = 0
        for q in f.indices {
            while bound[j + 1] < Double(q) { j += 1 }
            let offset = q - apex[j]
            f[q] = Double(offset * offset) + heights[j]
        }
    }
}
