import Foundation
import FoveaAnalysis
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// Writes `report.html`: one self-contained page (inline SVG plots, PNG images as data URIs, no
/// network access) with the run's status, per-cycle curves, FSC curves, particles per class and
/// the histogram of their best-class probability, sections of every class map and of the
/// difference maps through the focus centre with the region outlined, the projected focus sphere
/// on sample particles, and links to the run folder's files.
/// A script at the end counts the plots and decoded images into `#render-check` (used by the
/// headless-browser test).
public struct ReportHTML {
    public let data: RunReportData
    /// PNG encoder for the images.
    public let encodePNG: (RasterImage) throws -> Data
    /// Regions of interest for the covariance heat map (none: no such section).
    public let regions: ReportRegions?
    /// Prefix of the links to the run folder's files: "" when the page is in the folder, else the
    /// folder's path and a slash.
    public let linkBase: String

    public init(data: RunReportData, regions: ReportRegions? = nil, linkBase: String = "",
                encodePNG: @escaping (RasterImage) throws -> Data) {
        self.data = data
        self.regions = regions
        self.linkBase = linkBase
        self.encodePNG = encodePNG
    }

    /// The ROI occupancies and their normalised covariance across the class volumes.
    func covarianceSection() -> String {
        guard let regions, let state = data.state else { return "" }
        let classes = state.writtenClassMaps
        let (occupancy, r) = regions.correlation(classes: classes)
        var html = "<h2>Regions that change together</h2><p>Occupancy of each region in each class (mass in the region "
            + "/ its full-occupancy mass), and R<sub>ij</sub> = C<sub>ij</sub>/√(C<sub>ii</sub>C<sub>jj</sub>) across the "
            + "classes (docs/validation.md). A region whose occupancy hardly varies has an R of noise: check the spread.</p>"
        html += "<table class=\"occupancy\"><tr><th>class</th>" + regions.names.map { "<th>\(SVGLinePlot.escape($0))</th>" }.joined() + "</tr>"
        for (k, row) in occupancy.enumerated() {
            html += "<tr><td>\(k + 1)</td>" + row.map { String(format: "<td>%.3f</td>", $0) }.joined() + "</tr>"
        }
        html += "</table>"
        html += CovarianceHeatMap.svg(names: regions.names, r: r, title: "Normalised covariance R")
        // With the class half maps in the folder: which regions vary beyond their noise, and R gated by it.
        let k = occupancy.count
        let halfPaths = (0..<k).map { c in [1, 2].map { data.folder.halfMap(c, half: $0) } }
        guard k >= 2, let halves = try? halfPaths.map({ try $0.map { try MRCReader(path: $0).volume() } }),
              halves.allSatisfy({ $0.allSatisfy { $0.size == classes[0].size } }) else { return html }
        let test = regions.variation(classes: classes, halves: halves)
        let varies = test.varies(alpha: 0.01)
        html += "<p>Half-map noise test (F with \(k - 1) and \(k) degrees of freedom): "
            + regions.names.indices.map { i in
                SVGLinePlot.escape(regions.names[i]) + String(format: " p = %.2g ", test.pValue[i])
                    + (varies[i] ? "(varies)" : "(does not vary beyond noise)")
            }.joined(separator: "; ") + ". R between a region that does not vary and any other is noise; gated to 0 below.</p>"
        return html + CovarianceHeatMap.svg(names: regions.names, r: OccupancyVariationTest.gated(r, varies: varies),
                                            title: "R, noise-gated")
    }

    func image(_ raster: RasterImage, alt: String, scale: Int = 2) throws -> String {
        let base64 = try encodePNG(raster).base64EncodedString()
        return "<img class=\"map\" alt=\"\(SVGLinePlot.escape(alt))\" width=\"\(raster.width * scale)\" "
            + "height=\"\(raster.height * scale)\" src=\"data:image/png;base64,\(base64)\">"
    }

    func plots() -> [String] {
        let cycles = data.cycles
        guard !cycles.isEmpty else { return [] }
        let k = cycles[0].softFractions.count
        func series(_ name: String, _ value: (ProgressRecord) -> Double?) -> SVGLinePlot.Series {
            SVGLinePlot.Series(name: name, points: cycles.compactMap { c in value(c).map { (Double(c.cycle), $0) } })
        }
        var out: [String] = []
        out.append(SVGLinePlot(title: "Class fractions (soft, %)", xLabel: "cycle", yLabel: "%",
                               series: (0..<k).map { j in series("class \(j + 1)") { $0.softFractions.count > j ? $0.softFractions[j] * 100 : nil } },
                               yRange: 0...100).svg())
        out.append(SVGLinePlot(title: "Class fractions (hard, %)", xLabel: "cycle", yLabel: "%",
                               series: (0..<k).map { j in series("class \(j + 1)") { $0.hardFractions.count > j ? $0.hardFractions[j] * 100 : nil } },
                               yRange: 0...100).svg())
        out.append(SVGLinePlot(title: "Rows that changed class (%)", xLabel: "cycle", yLabel: "%",
                               series: [series("changed") { $0.changedFraction * 100 }]).svg())
        out.append(SVGLinePlot(title: "Mean LogP of the best class", xLabel: "cycle", yLabel: "LogP",
                               series: [series("mean LogP") { $0.meanLogP }]).svg())
        // From 0 Å (with Nyquist marked) to above the worst value: a change of 0.1 Å is not
        // stretched over the whole height.
        let resolutions = cycles.flatMap(\.resolutionAngstrom).filter(\.isFinite)
        let nyquist = data.state.map { 2 * $0.pixelSize }
        let top = max(resolutions.max() ?? 1, nyquist ?? 0) * 1.15
        out.append(SVGLinePlot(title: "FSC-0.143 resolution (Å)", xLabel: "cycle", yLabel: "Å",
                               series: (0..<k).map { j in
                                   series("class \(j + 1)") { $0.resolutionAngstrom.count > j ? $0.resolutionAngstrom[j] : nil }
                               }, yRange: 0...max(top, 1), guides: nyquist.map { [$0] } ?? []).svg())
        if cycles.contains(where: { $0.kappa != nil }) {
            out.append(SVGLinePlot(title: "Kappa against the truth", xLabel: "cycle", yLabel: "kappa",
                                   series: [series("kappa") { $0.kappa }], yRange: -0.1...1).svg())
        }
        if let histogram = classCounts().histogram { out.append(histogram) }
        if let state = data.state {
            let n = state.boxSize, p = state.pixelSize
            let curves = state.classification.fscCurves.enumerated().map { j, curve in
                SVGLinePlot.Series(name: "class \(j + 1)", points: curve.indices.dropFirst().map { (Double($0) / (Double(n) * p), curve[$0]) })
            }
            out.append(SVGLinePlot(title: "Half-map FSC (last reconstruction)", xLabel: "spatial frequency (1/Å)",
                                   yLabel: "FSC", series: curves, yRange: -0.1...1, guides: [0.143]).svg())
        }
        return out
    }

    /// Up to four particles with the focus sphere's projected disc drawn where the likelihood
    /// uses it (projected centre + the particle's shift; red).
    func maskOnParticles() throws -> String {
        guard let state = data.state, let sphere = state.config.sphere else {
            return "<p>The focus region is not a sphere (or no state file yet): see <code>fovea mask --preview</code>.</p>"
        }
        let table = try ParticleTableLoading.load(state.inputs)
        let group = try PointGroup(name: state.config.expansionGroup)
        let n = state.boxSize, p = state.pixelSize
        let centre = sphere.centreFromMapCentre(pixelSize: p, boxSize: n)
        var html = "<p>Focus sphere (\(sphere.x), \(sphere.y), \(sphere.z)) Å from the map \(sphere.origin.rawValue), "
            + "radius \(sphere.radius) Å, projected along each view (copy 1 of each particle).</p><p>"
        for index in 0..<min(4, table.count) {
            let record = table.particles[index]
            let path = ImagePathResolver.resolve(record.image.path, tablePath: state.inputs.particles)
            let picture = try MRCReader(path: path).image(at: record.image.index)
            var raster = RasterImage.grey(picture.pixels, width: n, height: n).rgb()
            let view = group.operators[0] * RotationMatrix(record.angles)
            let projected = view.applyTransposed(centre)
            raster.drawCircle(centreX: Double(n / 2) + projected.x + record.shiftX / p,
                              centreY: Double(n / 2) + projected.y + record.shiftY / p,
                              radius: sphere.radius / p, colour: (230, 30, 30))
            html += try image(raster, alt: "particle \(index + 1) with the projected focus sphere", scale: 3) + " "
        }
        return html + "</p>"
    }

    /// The whole page.
    public func html() throws -> String {
        let config = data.state?.config
        var page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Fovea run report: \(SVGLinePlot.escape(data.folder.path))</title>
            <style>body{font-family:sans-serif;margin:1.5em;max-width:1200px}svg.plot{margin:6px;border:1px solid #eee}
            table.maps td{padding:2px;text-align:center}img.map{image-rendering:pixelated;border:1px solid #ddd}
            table.counts th,table.counts td{padding:2px 12px;text-align:right;border-bottom:1px solid #eee}
            code{background:#f4f4f4;padding:1px 3px}</style></head><body>
            <h1>Fovea run report</h1>
            <p>Run folder <code>\(SVGLinePlot.escape(data.folder.path))</code>; status: <b class="status">\(SVGLinePlot.escape(data.status.text))</b>;
            generated \(ISO8601DateFormatter().string(from: Date())) by fovea \(FoveaVersion.string).</p>
            """
        if let config {
            page += "<p>K = \(config.classCount), focus \(config.focus.rawValue), expansion \(config.expansionGroup), "
                + "classification resolution \(config.classificationResolution) Å, outer radius \(config.outerRadius) Å, "
                + "seed \(config.seed); \(data.state!.particleCount) particles; state from <code>"
                + SVGLinePlot.escape(data.stateFile ?? "") + "</code> (cycle \(data.state!.classification.cycle)).</p>"
        }
        if !data.commandLine.isEmpty { page += "<p>Command: <code>\(SVGLinePlot.escape(data.commandLine))</code></p>" }
        page += "<h2>Per cycle</h2><div>" + plots().joined(separator: "\n") + "</div>"
        page += "<h2>Particles per class</h2>" + classCounts().table
        page += "<h2>Class volumes</h2>" + (try classImages())
        page += "<h2>Focus region on sample particles</h2>" + (try maskOnParticles())
        page += covarianceSection()
        page += fileLinks()
        page += """
            <div id="render-check"></div>
            <script>
            window.addEventListener('load', function () {
              var images = document.querySelectorAll('img'), ok = 0;
              images.forEach(function (i) { if (i.complete && i.naturalWidth > 0) ok += 1; });
              var plots = document.querySelectorAll('svg.plot'), drawn = 0;
              plots.forEach(function (s) { if (s.querySelector('path.series') && s.getBBox().width > 0) drawn += 1; });
              var check = document.getElementById('render-check');
              check.setAttribute('data-images', images.length); check.setAttribute('data-images-decoded', ok);
              check.setAttribute('data-plots', plots.length); check.setAttribute('data-plots-drawn', drawn);
              check.setAttribute('data-heatmap-cells', document.querySelectorAll('svg.heatmap rect.cell').length);
            });
            </script></body></html>
            """
        return page
    }

    /// Writes the page to `path` atomically.
    public func write(to path: String) throws {
        try AtomicFileWriter.write(Data(try html().utf8), to: path)
    }
}
