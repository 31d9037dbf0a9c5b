import Foundation
import FoveaClassify
import FoveaCore
import FoveaDistributed
import FoveaRun
import FoveaSimulate

/// This test process's scratch folder (under $TMPDIR, named by the process id); removed at exit.
let testScratchRoot: String = {
    atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "fovea-tests-\(getpid())") }
    return NSTemporaryDirectory() + "fovea-tests-\(getpid())/"
}()

/// A fresh temporary folder per test.
func temporaryFolder(_ name: String) -> String {
    let path = testScratchRoot + "run-tests-\(name)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes the two-region phantom into `folder` and returns its particles.star path.
func writePhantom(to folder: String, count: Int, snr: Double, seed: UInt64, c2: Bool = false) throws -> String {
    try TwoRegionPhantom.make(count: count, snr: snr, seed: seed, symmetricHalves: c2).write(to: folder, symmetricHalves: c2)
    return folder + "/particles.star"
}

/// The configuration the run tests use: 2 classes, 2-D focus on the phantom's small region.
func phantomConfig(cycles: Int, expand: String = "C1", checkpointEvery: Int = 100) throws -> ClassificationConfig {
    try ClassificationConfig(classCount: 2, cycles: cycles, focus: .twoD,
                             sphere: FocusSphere(x: 42, y: 0, z: 0, radius: 32, origin: .centre),
                             outerRadius: 90, classificationResolution: 10,
                             referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                             expansionGroup: expand, seed: 5, threads: 2, checkpointEvery: checkpointEvery,
                             convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0, minimumCycles: cycles))
}

/// Runs a job on one process; returns the outcome and the printed lines.
func runJob(_ request: RunRequest) throws -> (RunOutcome, [String]) {
    var lines: [String] = []
    let outcome = try ClassificationRun(request: request, communicator: SerialCommunicator()) { lines.append($0) }.execute()
    return (outcome, lines)
}

/// Pearson correlation of two maps over all voxels.
func mapCorrelation(_ a: Volume, _ b: Volume) -> Double {
    let x = a.voxels.map(Double.init), y = b.voxels.map(Double.init)
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (u, v) in zip(x, y) { sxy += (u - mx) * (v - my); sxx += (u - mx) * (u - mx); syy += (v - my) * (v - my) }
    return sxy / (sxx * syy).squareRoot()
}
