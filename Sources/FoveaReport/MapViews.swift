import FoveaCore

/// Central sections and projections of a map, as the report shows them.
public enum MapViews {
    /// The central xy, xz and yz sections (box N, values row-major N×N).
    public static func centralSections(_ volume: Volume) -> [(name: String, values: [Float])] {
        let n = volume.size, c = n / 2
        var xy = [Float](repeating: 0, count: n * n), xz = xy, yz = xy
        for a in 0..<n {
            for b in 0..<n {
                xy[a + n * b] = volume[a, b, c]
                xz[a + n * b] = volume[a, c, b]
                yz[a + n * b] = volume[c, a, b]
            }
        }
        return [("xy (z = N/2)", xy), ("xz (y = N/2)", xz), ("yz (x = N/2)", yz)]
    }

    /// The projection along z (sum over z), N×N.
    public static func projectionAlongZ(_ volume: Volume) -> [Float] {
        let n = volume.size
        var out = [Float](repeating: 0, count: n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n { out[x + n * y] += volume[x, y, z] } } }
        return out
    }
}
