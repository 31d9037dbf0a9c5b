import Foundation
import Testing
import FoveaClassify
import FoveaRun

/// `fovea classify --stream` (and a rank whose particles do not fit in memory) reads and prepares
/// the particles from the stacks every cycle and writes the same run as keeping them in memory.
@Suite struct StreamingRunTests {
    @Test func streamedRunWritesTheSameOutputsAsTheInMemoryRun() throws {
        let data = temporaryFolder("stream-data")
        let star = try writePhantom(to: data, count: 60, snr: 1, seed: 4)
        var outputs: [String] = []
        for streaming in [false, true] {
            let folder = temporaryFolder(streaming ? "streamed" : "resident") + "/run"
            let (outcome, lines) = try runJob(RunRequest(config: try phantomConfig(cycles: 3), inputs: RunInputPaths(particles: star),
                                                         output: folder, continuing: false, commandLine: [], streaming: streaming))
            #expect(outcome == .finished(.cycleLimit))
            #expect(lines.contains { $0.contains("streaming its 60 particles from disk every cycle") } == streaming, "\(lines)")
            outputs.append(folder)
        }
        for file in ["particles.star", "class_001.mrc", "class_002.mrc", "class_001_half1.mrc", "class_002_half2.mrc"] {
            let resident = try Data(contentsOf: URL(fileURLWithPath: outputs[0] + "/" + file))
            let streamed = try Data(contentsOf: URL(fileURLWithPath: outputs[1] + "/" + file))
            #expect(resident == streamed, "\(file) differs")
        }
    }

    @Test func storageIsMemoryWhenItFitsStreamingWhenOnlyThatFitsElseNone() {
        let mib = 1_048_576.0
        #expect(MemoryBudget.storage(inMemory: 100 * mib, streamed: 40 * mib, available: 200 * mib, forced: false) == .memory)
        #expect(MemoryBudget.storage(inMemory: 100 * mib, streamed: 40 * mib, available: nil, forced: false) == .memory)
        #expect(MemoryBudget.storage(inMemory: 100 * mib, streamed: 40 * mib, available: 200 * mib, forced: true) == .streaming(chunk: 0))
        #expect(MemoryBudget.storage(inMemory: 100 * mib, streamed: 40 * mib, available: 60 * mib, forced: false) == .streaming(chunk: 0))
        #expect(MemoryBudget.storage(inMemory: 100 * mib, streamed: 40 * mib, available: 30 * mib, forced: false) == nil)
    }
}
