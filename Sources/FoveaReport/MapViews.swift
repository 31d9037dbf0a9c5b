import FoveaCore

/// Sections and projections of a map, as the report shows them (sections: `ReportMapViews.swift`).
public enum MapViews {
    /// The projection along z (sum over z), N×N.
    public static func projectionAlongZ(_ volume: Volume) -> [Float] {
        let n = volume.size
        var out = [Float](repeating: 0, count: n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n { out[x + n * y] += volume[x, y, z] } } }
        return out
    }
}
