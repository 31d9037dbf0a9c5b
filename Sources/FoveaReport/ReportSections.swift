import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// The focus region as the report draws it: which voxels are inside, and the voxel its sections
/// pass through.
struct ReportFocus {
    /// Row-major N³, x fastest.
    let inside: [Bool]
    let centre: SIMD3<Int>
    let words: String

    /// The sphere of the run, or its `--mask` (voxels above half its maximum; sections through
    /// their centroid); nil when neither can be had (the sections then pass through the box centre).
    static func of(_ state: RunState) -> ReportFocus? {
        let n = state.boxSize, p = state.pixelSize
        if let sphere = state.config.sphere {
            let c = sphere.centreFromMapCentre(pixelSize: p, boxSize: n) + SIMD3(repeating: Double(n / 2))
            let r = sphere.radius / p
            guard c.x.isFinite, c.y.isFinite, c.z.isFinite, r.isFinite, abs(c.x) < 1e6, abs(c.y) < 1e6, abs(c.z) < 1e6 else { return nil }
            var inside = [Bool](repeating: false, count: n * n * n)
            for z in 0..<n { for y in 0..<n { for x in 0..<n {
                let d = SIMD3(Double(x), Double(y), Double(z)) - c
                inside[x + n * (y + n * z)] = (d * d).sum() <= r * r
            } } }
            return ReportFocus(inside: inside, centre: SIMD3(Int(c.x.rounded()), Int(c.y.rounded()), Int(c.z.rounded())),
                               words: String(format: "the focus sphere (radius %.1f Å)", sphere.radius))
        }
        guard let path = state.inputs.mask, let mask = try? MRCReader(path: path).volume(), mask.size == n,
              let top = mask.voxels.filter(\.isFinite).max(), top > 0 else { return nil }
        let inside = mask.voxels.map { $0 > top / 2 }
        var sum = SIMD3<Double>(repeating: 0), count = 0.0
        for z in 0..<n { for y in 0..<n { for x in 0..<n where inside[x + n * (y + n * z)] {
            sum += SIMD3(Double(x), Double(y), Double(z)); count += 1
        } } }
        guard count > 0 else { return nil }
        let c = sum / count
        return ReportFocus(inside: inside, centre: SIMD3(Int(c.x.rounded()), Int(c.y.rounded()), Int(c.z.rounded())),
                           words: "the focus mask " + (path as NSString).lastPathComponent + " (above half its maximum)")
    }

    /// The region's xy, xz, yz sections through `centre`, as `MapViews.sections` cuts a map.
    func sections(size n: Int) -> [[Bool]] {
        let volume = Volume(size: n, pixelSize: 1, voxels: inside.map { $0 ? 1 : 0 })
        return MapViews.sections(volume, through: centre).map { $0.values.map { $0 > 0.5 } }
    }
}

extension ReportHTML {
    /// Sections of every class map (as written: on the images' density scale) through the focus
    /// centre with the focus region outlined in red, the projection along z, and the class's
    /// share of the particles.
    func classImages() throws -> String {
        guard let state = data.state else { return "<p>No class volumes yet (no checkpoint written).</p>" }
        let n = state.boxSize
        let focus = ReportFocus.of(state)
        let through = focus?.centre ?? SIMD3(repeating: n / 2)
        let outlines = focus?.sections(size: n)
        // One class map at a time (K box-N maps at once, and their differences, would hold
        // several GB at box 320): the tables need only its sections and projection.
        let volumes = state.classification.classVolumes
        let names = MapViews.sections(volumes[0], through: through).map(\.name)
        var html = "<p>Sections through " + (focus.map { "the centre of \($0.words), outlined in red" } ?? "the box centre")
            + "; grey levels from each map's 1st to 99.5th percentile. Maps on the particle images' density scale "
            + "(docs/conventions.md).</p>"
        html += "<table class=\"maps\"><tr><th>class</th><th>%</th>" + names.map { "<th>\($0)</th>" }.joined()
            + "<th>projection along z</th></tr>"
        let fractions = data.cycles.last?.softFractions ?? []
        var sectionsOfClasses: [[[Float]]] = []
        for (k, volume) in volumes.enumerated() {
            let map = state.writtenMap(volume)
            let sections = MapViews.sections(map, through: through)
            let percent = k < fractions.count ? String(format: "%.1f", fractions[k] * 100) : "–"
            html += "<tr><td>\(k + 1)</td><td>\(percent)</td>"
            for (s, section) in sections.enumerated() {
                var raster = RasterImage.grey(section.values, width: n, height: n).rgb()
                if let outlines { raster.drawOutline(of: outlines[s], colour: (230, 30, 30)) }
                html += "<td>" + (try image(raster, alt: "class \(k + 1) \(section.name)", scale: 3)) + "</td>"
            }
            html += "<td>" + (try image(.grey(MapViews.projectionAlongZ(map), width: n, height: n),
                                        alt: "class \(k + 1) projection", scale: 3)) + "</td></tr>"
            sectionsOfClasses.append(sections.map(\.values))
        }
        html += "</table>"
        return html + (try differencePanels(sectionsOfClasses, size: n, outlines: outlines, names: names))
    }

    /// Each class minus the mean of the classes (red: more density than the mean, blue: less),
    /// and the merged difference map, each panel labelled. `sections`: per class, its sections
    /// (N×N each, named by `names`) of the maps as written; a section of a difference map is the
    /// difference of the sections, voxel for voxel.
    func differencePanels(_ sections: [[[Float]]], size n: Int, outlines: [[Bool]]?, names: [String]) throws -> String {
        guard sections.count > 1 else { return "" }
        let planes = names.indices
        // Per plane: the classes' differences from their mean, and the merged difference.
        let differences = planes.map { s in RunReportData.differencesFromMean(sections.map { $0[s] }) }
        let merged = planes.map { s in RunReportData.mergedDifference(sections.map { $0[s] }) ?? [] }
        var html = "<h3>Difference maps</h3><p>Class k − mean of the \(sections.count) classes (red: more density than "
            + "the mean, blue: less; white 0; symmetric scale per panel), and the merged difference map (voxel-wise max "
            + "over class pairs of |V<sub>k</sub> − V<sub>l</sub>|). Same sections and outline as above.</p>"
        html += "<table class=\"maps\"><tr><th>map</th>" + names.map { "<th>\($0)</th>" }.joined() + "</tr>"
        for k in sections.indices {
            html += "<tr><td>class \(k + 1) − mean</td>"
            for s in planes {
                var raster = RasterImage.signed(differences[s][k], width: n, height: n)
                if let outlines { raster.drawOutline(of: outlines[s], colour: (40, 160, 40)) }
                html += "<td>" + (try image(raster, alt: "class \(k + 1) minus mean, \(names[s])", scale: 3)) + "</td>"
            }
            html += "</tr>"
        }
        html += "<tr><td>merged |V<sub>k</sub> − V<sub>l</sub>|</td>"
        for s in planes {
            var raster = RasterImage.grey(merged[s], width: n, height: n).rgb()
            if let outlines { raster.drawOutline(of: outlines[s], colour: (230, 30, 30)) }
            html += "<td>" + (try image(raster, alt: "merged difference \(names[s])", scale: 3)) + "</td>"
        }
        return html + "</tr></table>"
    }

    /// Rows (particle × copy) per best class, particles with a copy in each class, and per class
    /// the histogram of the best-class probability.
    func classCounts() -> (table: String, histogram: String?) {
        guard let state = data.state, let best = state.classification.bestClass else {
            return ("<p>No class assignment yet (before the first cycle).</p>", nil)
        }
        let k = state.config.classCount, ops = state.config.operatorCount
        let occupancy = state.classification.occupancy
        var rows = [Int](repeating: 0, count: k), probabilitySum = [Double](repeating: 0, count: k)
        var particlesWithCopy = [Set<Int>](repeating: [], count: k)
        let bins = 20
        var histogram = [[Int]](repeating: [Int](repeating: 0, count: bins), count: k)
        for row in best.indices {
            let c = Int(best[row])
            guard c >= 0, c < k else { continue }
            let probability = Double(occupancy[row, c]) / 100
            rows[c] += 1
            probabilitySum[c] += probability
            particlesWithCopy[c].insert(row / ops)
            histogram[c][min(bins - 1, max(0, Int(probability * Double(bins))))] += 1
        }
        let total = max(best.count, 1)
        var html = "<table class=\"counts\"><tr><th>class</th><th>rows (best class)</th><th>% of rows</th>"
            + (ops > 1 ? "<th>particles with a copy in it</th>" : "") + "<th>mean best-class probability</th></tr>"
        for c in 0..<k {
            html += "<tr><td>\(c + 1)</td><td>\(rows[c])</td>" + String(format: "<td>%.1f</td>", 100 * Double(rows[c]) / Double(total))
                + (ops > 1 ? "<td>\(particlesWithCopy[c].count)</td>" : "")
                + (rows[c] > 0 ? String(format: "<td>%.3f</td>", probabilitySum[c] / Double(rows[c])) : "<td>–</td>") + "</tr>"
        }
        html += "</table><p>\(best.count) rows = \(state.particleCount) particles × \(ops) "
            + (ops == 1 ? "view" : "copies (\(state.config.expansionGroup) expansion)") + ", from <code>"
            + SVGLinePlot.escape(data.stateFile ?? "") + "</code>.</p>"
        let series = (0..<k).map { c in
            SVGLinePlot.Series(name: "class \(c + 1)",
                               points: (0..<bins).map { b in ((Double(b) + 0.5) / Double(bins), Double(histogram[c][b])) })
        }
        let plot = SVGLinePlot(title: "Best-class probability (rows per 0.05 bin, by best class)", xLabel: "probability",
                               yLabel: "rows", series: series, yRange: 0...Double(max(1, histogram.flatMap { $0 }.max() ?? 1)))
        return (html, plot.svg())
    }

    /// Links to the run folder's files, with sizes.
    func fileLinks() -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: data.folder.path)) ?? []).sorted()
        let shown = names.filter { name in
            [".mrc", ".star", ".par", ".h5", ".json", ".jsonl", ".html"].contains { name.hasSuffix($0) } && !name.hasPrefix(".")
        }
        guard !shown.isEmpty else { return "" }
        var html = "<h2>Files</h2><ul class=\"files\">"
        for name in shown {
            let path = data.folder.path + "/" + name
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
            let size = bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1_048_576)
                : bytes >= 1024 ? String(format: "%.1f kB", Double(bytes) / 1024) : "\(bytes) B"
            let href = (linkBase + name).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
            html += "<li><a href=\"\(SVGLinePlot.escape(href))\">\(SVGLinePlot.escape(name))</a> (\(size))</li>"
        }
        return html + "</ul>"
    }
}
