import Foundation
import FoveaAnalysis
import Testing
import FoveaClassify
import FoveaCore
import FoveaDistributed
import FoveaReport
import FoveaRun
import FoveaSimulate

/// This test process's scratch folder (under $TMPDIR, named by the process id); removed at exit.
let testScratchRoot: String = {
    atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "fovea-tests-\(getpid())") }
    return NSTemporaryDirectory() + "fovea-tests-\(getpid())/"
}()

/// The HTML report of a real (small) run, rendered by headless Chromium: every plot is drawn and
/// every image decodes.
@Suite struct ReportRenderingTests {
    static var chromium: String? {
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
                let path = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    static func makeRun() throws -> RunFolder {
        let base = testScratchRoot + "report-\(UUID().uuidString)"
        try TwoRegionPhantom.make(count: 150, snr: 0.5, seed: 2).write(to: base + "/data")
        let config = try ClassificationConfig(classCount: 2, cycles: 3, focus: .twoD,
                                              sphere: FocusSphere(x: 42, y: 0, z: 0, radius: 32, origin: .centre),
                                              outerRadius: 90, classificationResolution: 10,
                                              referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                                              convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0, minimumCycles: 3))
        let run = ClassificationRun(request: RunRequest(config: config, inputs: RunInputPaths(particles: base + "/data/particles.star"),
                                                        output: base + "/run", continuing: false, commandLine: ["test"]),
                                    communicator: SerialCommunicator()) { _ in }
        run.afterWrite = { try ReportWriter.write(folder: $0) }
        _ = try run.execute()
        return RunFolder(base + "/run")
    }

    @Test func reportHasEveryPlotAndImage() throws {
        let folder = try Self.makeRun()
        let html = try String(contentsOfFile: ReportWriter.path(in: folder), encoding: .utf8)
        // 5 per-cycle plots + the best-class probability histogram + the FSC plot; 2 classes × 4
        // views + (2 classes − mean + merged) × 3 difference sections + 4 particles.
        #expect(html.components(separatedBy: "<svg class=\"plot\"").count - 1 == 7)
        #expect(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == 21)
        #expect(html.contains("<b class=\"status\">finished (cycle limit) after cycle 3</b>")
                || html.contains("<b class=\"status\">finished (converged) after cycle 3</b>"))
        // Labelled difference panels, counts per class, links to the files.
        #expect(html.contains("<td>class 1 − mean</td>") && html.contains("<td>class 2 − mean</td>"))
        #expect(html.contains("<th>rows (best class)</th>"))
        for name in ["class_001.mrc", "class_002_half1.mrc", "particles.star", "run.h5", "run.json", "progress.jsonl"] {
            #expect(html.contains("<a href=\"\(name)\">\(name)</a>"), "\(name)")
        }
    }

    @Test(.enabled(if: chromium != nil, "no chromium on PATH (scripts/install-deps.sh installs it)"))
    func headlessChromiumRendersEveryPlotAndImage() throws {
        let folder = try Self.makeRun()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom",
                             "file://" + ReportWriter.path(in: folder)]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let dom = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let check = try #require(dom.range(of: "<div id=\"render-check\"[^>]*>", options: .regularExpression).map { String(dom[$0]) })
        func value(_ name: String) -> Int? {
            guard let range = check.range(of: "\(name)=\"[0-9]+\"", options: .regularExpression) else { return nil }
            return Int(check[range].split(separator: "\"")[1])
        }
        print("chromium render check: \(check)")
        #expect(value("data-images") == 21)
        #expect(value("data-images-decoded") == 21)
        #expect(value("data-plots") == 7)
        #expect(value("data-plots-drawn") == 7)
    }

    @Test func svgTicksAreRoundAndCoverTheRange() {
        #expect(SVGLinePlot.ticks(0...100) == [0, 20, 40, 60, 80, 100])
        #expect(SVGLinePlot.ticks(-296...(-279)).allSatisfy { $0 >= -296 && $0 <= -279 })
        #expect(SVGLinePlot.ticks(0.1...0.35) == [0.1, 0.15, 0.2, 0.25, 0.3, 0.35].map { $0 })
    }

    @Test func mergedDifferenceIsTheLargestPairwiseDifference() {
        let a = Volume(size: 2, pixelSize: 1, voxels: [0, 1, 2, 3, 4, 5, 6, 7])
        let b = Volume(size: 2, pixelSize: 1, voxels: [1, 1, 0, 3, 4, 9, 6, 0])
        let c = Volume(size: 2, pixelSize: 1, voxels: [0, 3, 2, 3, 2, 5, 6, 7])
        let merged = RunReportData.mergedDifference([a, b, c])!
        var brute = [Float](repeating: 0, count: 8)
        for i in 0..<8 {
            for (x, y) in [(a, b), (a, c), (b, c)] { brute[i] = max(brute[i], abs(x.voxels[i] - y.voxels[i])) }
        }
        #expect(merged.voxels == brute)
        #expect(RunReportData.mergedDifference([a]) == nil)
    }
}

/// The report's covariance section: regions that change together get R = 1, and the heat map
/// has one cell per pair.
@Suite struct ReportCovarianceTests {
    @Test func coVaryingRegionsGiveROneAndAFullHeatMap() {
        let n = 8
        func mask(_ indices: [Int]) -> Volume {
            var v = Volume(size: n, pixelSize: 1)
            for i in indices { v.voxels[i] = 1 }
            return v
        }
        let a = mask([1, 2]), b = mask([100, 101]), constant = mask([300])
        let full = Volume(size: n, pixelSize: 1, voxels: [Float](repeating: 1, count: n * n * n))
        // Class k has occupancy k/3 in a and b together, and 1 in the constant region.
        let classes = (0..<4).map { k -> Volume in
            var v = Volume(size: n, pixelSize: 1)
            for i in [1, 2, 100, 101] { v.voxels[i] = Float(k) / 3 }
            v.voxels[300] = 1
            return v
        }
        let regions = ReportRegions(names: ["a", "b", "c"], masks: [a, b, constant], full: [full, full, full])
        let (occupancy, r) = regions.correlation(classes: classes)
        #expect(abs(occupancy[3][0] - 1) < 1e-9)
        #expect(abs(r[0][1] - 1) < 1e-9)
        #expect(r[0][2].isNaN)   // a region that does not vary has no correlation
        let svg = CovarianceHeatMap.svg(names: ["a", "b", "c"], r: r, title: "R")
        #expect(svg.components(separatedBy: "<rect class=\"cell\"").count - 1 == 9)
        // Half maps that differ by ±0.01 in the constant region only: it does not vary beyond that
        // noise, a and b vary (no noise in them), and the gated R keeps only their pair.
        let halves = classes.map { v -> [Volume] in
            [0.01, -0.01].map { d -> Volume in var h = v; h.voxels[300] += Float(d); return h }
        }
        let test = regions.variation(classes: classes, halves: halves)
        #expect(test.varies(alpha: 0.01) == [true, true, false])
        #expect(abs(test.noiseVariance[2] - 0.0001) < 1e-9)   // (0.02)²/4
        let gated = OccupancyVariationTest.gated(r, varies: test.varies(alpha: 0.01))
        #expect(abs(gated[0][1] - 1) < 1e-9 && gated[0][2] == 0 && gated[2][2].isNaN)
    }
}
