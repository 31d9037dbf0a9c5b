import Foundation
import FoveaCore
import FoveaIO
import Testing
import FoveaAnalysis

/// A truth file of another dataset is refused before a run starts (issue 13, defect 17).
@Suite struct TruthMatchingTests {
    /// A truth table of the given 1-based particle indices.
    static func write(_ indices: [Int], to path: String) throws {
        var text = "data_truth\nloop_\n_foveaParticleIndex #1\n_foveaSideALabel #2\n_foveaSideBLabel #3\n"
        for p in indices { text += "\(p) \(1 + p % 2) \(2 - p % 2)\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Seeded sample of run sizes: the truth of the same particles matches, one of more, fewer or
    /// other particles is refused naming the truth file and its particle column.
    @Test func truthMustDescribeTheRunsParticles() throws {
        let folder = NSTemporaryDirectory() + "fovea-truth-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var random = SeededRandom(seed: 17)
        for k in 0..<20 {
            let count = 1 + Int(random.next() % 300)
            let path = folder + "/truth\(k).star"
            try Self.write(Array(1...count).shuffled(using: &random), to: path)
            let truth = try TruthTable(path: path)
            try truth.requireParticles(count: count, of: "particles.star")
            for other in [count + 1 + Int(random.next() % 50), max(0, count - 1 - Int(random.next() % 5))] where other != count {
                #expect { try truth.requireParticles(count: other, of: "particles.star") } throws: { error in
                    (error as? FormatError)?.file == path && (error as? FormatError)?.field == "foveaParticleIndex"
                }
            }
            // Same count, other ids (one particle replaced by one beyond the run).
            var ids = Array(1...count)
            ids[Int(random.next() % UInt64(count))] = count + 1 + Int(random.next() % 1000)
            try Self.write(ids, to: path)
            #expect { try TruthTable(path: path).requireParticles(count: count, of: "particles.star") } throws: { error in
                (error as? FormatError)?.field == "foveaParticleIndex"
            }
        }
    }
}
