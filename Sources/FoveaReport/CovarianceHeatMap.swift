import Foundation
import FoveaAnalysis
import FoveaCore

/// Regions of interest for the report's covariance section (`fovea report --roi …`): ROI masks,
/// each with its full-occupancy map, and optionally an invariant region every class is scaled to.
public struct ReportRegions {
    public var names: [String]
    public var masks: [Volume]
    public var full: [Volume]
    public var scaleMask: Volume?
    public var scaleMap: Volume?

    public init(names: [String], masks: [Volume], full: [Volume], scaleMask: Volume? = nil, scaleMap: Volume? = nil) {
        self.names = names; self.masks = masks; self.full = full; self.scaleMask = scaleMask; self.scaleMap = scaleMap
    }

    /// occupancy[class][roi] of `classes`, each first scaled to the invariant region when one is given.
    public func occupancies(classes: [Volume]) -> [[Double]] {
        var scaled = classes
        if let scaleMask, let scaleMap { scaled = RegionOccupancy.scaled(classes, toMassOf: scaleMap, in: scaleMask) }
        return RegionOccupancy.occupancies(classes: scaled, masks: masks, full: full)
    }

    /// R_ij of the ROI occupancies across `classes` (the computation of `fovea covariance`).
    public func correlation(classes: [Volume]) -> (occupancy: [[Double]], r: [[Double]]) {
        let occupancy = occupancies(classes: classes)
        return (occupancy, CovarianceMatrix(observations: occupancy).correlation)
    }

    /// The half-map noise test of every ROI (`OccupancyVariationTest`); `halves[k]` = class k's two half maps.
    public func variation(classes: [Volume], halves: [[Volume]]) -> OccupancyVariationTest {
        OccupancyVariationTest(occupancy: occupancies(classes: classes),
                               halves: (occupancies(classes: halves.map { $0[0] }), occupancies(classes: halves.map { $0[1] })))
    }
}

/// An SVG heat map of a correlation matrix (−1 blue, 0 white, +1 red; NaN grey), values printed
/// in the cells (class "heatmap").
public enum CovarianceHeatMap {
    static func colour(_ r: Double) -> String {
        guard r.isFinite else { return "#cccccc" }
        let t = max(-1, min(1, r))
        let (red, green, blue): (Double, Double, Double) = t >= 0 ? (1, 1 - t, 1 - t) : (1 + t, 1 + t, 1)
        return String(format: "#%02x%02x%02x", Int(red * 255), Int(green * 255), Int(blue * 255))
    }

    public static func svg(names: [String], r: [[Double]], title: String) -> String {
        let cell = 64.0, left = 110.0, top = 40.0, n = Double(names.count)
        let width = left + cell * n + 10, height = top + cell * n + 10
        var out = "<svg class=\"heatmap\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "font-family=\"sans-serif\" font-size=\"12\"><title>\(SVGLinePlot.escape(title))</title>"
        out += "<text x=\"\(width / 2)\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">\(SVGLinePlot.escape(title))</text>"
        for (j, name) in names.enumerated() {
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>",
                          left + cell * (Double(j) + 0.5), top - 6, SVGLinePlot.escape(name))
        }
        for (i, name) in names.enumerated() {
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>",
                          left - 6, top + cell * (Double(i) + 0.5) + 4, SVGLinePlot.escape(name))
            for j in names.indices {
                let value = r[i][j]
                out += String(format: "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\" stroke=\"#fff\"/>",
                              left + cell * Double(j), top + cell * Double(i), cell, cell, colour(value))
                out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>",
                              left + cell * (Double(j) + 0.5), top + cell * (Double(i) + 0.5) + 4,
                              value.isFinite ? String(format: "%.2f", value) : "–")
            }
        }
        return out + "</svg>"
    }
}
