import Foundation

/// A self-contained SVG line chart: several named series over a shared x axis, with axes, tick
/// labels, a legend and a title. Coordinates are data units; the chart maps them into a
/// `width` × `height` pixel box with margins for the labels.
public struct SVGLinePlot {
    public struct Series {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) { self.name = name; self.points = points }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed y range (e.g. 0…1 for an FSC); nil = from the data.
    public var yRange: ClosedRange<Double>?
    /// Horizontal reference lines (e.g. FSC = 0.143).
    public var guides: [Double] = []
    public var width = 520.0
    public var height = 300.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil,
                guides: [Double] = []) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series
        self.yRange = yRange; self.guides = guides
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    /// About five round tick values covering `range`.
    public static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [range.lowerBound] }
        let raw = span / 5, magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        // Multiples of the step, each computed from its index (no accumulated rounding).
        let low = ceil(range.lowerBound / step - 1e-9), high = floor(range.upperBound / step + 1e-9)
        guard abs(low) < 1e15, abs(high) < 1e15 else { return [range.lowerBound] }
        let first = Int(low), last = Int(high)
        return first <= last ? (first...last).map { (Double($0) * step * 1e12).rounded() / 1e12 } : [range.lowerBound]
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        return String(format: abs(v) < 0.01 || abs(v) >= 1e4 ? "%.2g" : "%.3g", v)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The `<svg>` element (class "plot", `data-series` = number of series drawn).
    public func svg() -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let left = 62.0, right = 12.0, top = 28.0, bottom = 44.0
        let plotW = width - left - right, plotH = height - top - bottom
        var xr = (all.map(\.x).min() ?? 0)...(all.map(\.x).max() ?? 1)
        if xr.lowerBound == xr.upperBound { xr = (xr.lowerBound - 1)...(xr.upperBound + 1) }
        var yr = yRange ?? ((all.map(\.y).min() ?? 0)...(all.map(\.y).max() ?? 1))
        if yr.lowerBound == yr.upperBound { yr = (yr.lowerBound - 1)...(yr.upperBound + 1) }
        func px(_ x: Double) -> Double { left + (x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - yr.lowerBound) / (yr.upperBound - yr.lowerBound)) * plotH }
        var out = "<svg class=\"plot\" data-series=\"\(series.count)\" xmlns=\"http://www.w3.org/2000/svg\" "
            + "width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" "
            + "font-family=\"sans-serif\" font-size=\"11\">"
        out += "<title>\(Self.escape(title))</title>"
        out += "<text x=\"\(width / 2)\" y=\"16\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(Self.escape(title))</text>"
        out += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>", left, top, plotW, plotH)
        for t in Self.ticks(xr) {
            out += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>", px(t), top, px(t), top + plotH)
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", px(t), top + plotH + 14, Self.label(t))
        }
        for t in Self.ticks(yr) {
            out += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ccc\"/>", left, py(t), left + plotW, py(t))
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>", left - 4, py(t) + 4, Self.label(t))
        }
        for g in guides where yr.contains(g) {
            out += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>",
                          left, py(g), left + plotW, py(g))
        }
        out += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>"
        out += "<text transform=\"translate(14 \(top + plotH / 2)) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>"
        for (index, s) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = points.enumerated().map { i, p in String(format: "%@%.1f %.1f", i == 0 ? "M" : "L", px(p.x), py(p.y)) }
            if !path.isEmpty {
                out += "<path class=\"series\" d=\"\(path.joined(separator: " "))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"/>"
            }
            if points.count == 1 {
                out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%@\"/>", px(points[0].x), py(points[0].y), colour)
            }
            let ly = top + 12 + Double(index) * 14
            out += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%@\" stroke-width=\"2\"/>",
                          left + plotW - 110, ly - 4, left + plotW - 92, ly - 4, colour)
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>", left + plotW - 88, ly, Self.escape(s.name))
        }
        return out + "</svg>"
    }
}
