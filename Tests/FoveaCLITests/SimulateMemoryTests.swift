import Foundation
import FoveaCore
import Testing

/// `fovea simulate` states the memory it needs at its peak and refuses, before writing anything
/// (exit 2), a simulation whose peak exceeds the memory it may use: at box 320, 1,000 particles
/// took 10.1 GB and box 400 would have needed ≈ 20 GB on a 24 GB machine, with no warning.
@Suite(.serialized) struct SimulateMemoryTests {
    /// The "about X MiB" a message or log states first, in MiB.
    static func statedMiB(_ text: String) -> Int? {
        guard let range = text.range(of: #"about \d+ MiB"#, options: .regularExpression) else { return nil }
        return Int(text[range].dropFirst(6).dropLast(4))
    }

    @Test("over seeded boxes, counts, scenarios and threads, a simulation above the limit is refused before any file")
    func refusedBeforeWritingAnything() throws {
        var random = SeededRandom(seed: 14, stream: 400)
        let folder = FoveaProcess.temporaryFolder("simulate-memory")
        for c in 0..<6 {
            let box = 2 * Int(random.uniform(in: 32..<256))
            let pixel = (170 / Double(box / 2 - 1) * 100).rounded(.up) / 100
            let particles = Int(random.uniform(in: 1..<3_000))  // the stack (≤ 3 GB) must pass the disk check
            let scenario = 1 + c % 3, threads = 1 + Int(random.next() % 4)
            let output = folder + "/sim\(c)"
            let arguments = ["simulate", "--box", "\(box)", "--pixel-size", "\(pixel)", "--scenario", "\(scenario)",
                             "--particles", "\(particles)", "--threads", "\(threads)", "--output", output]
            let result = try FoveaProcess.run(arguments, environment: ["FOVEA_MEMORY_LIMIT_MB": "8"], timeLimit: 60)
            #expect(result.status == 2 && !result.signalled, "\(arguments): \(result.output)")
            #expect(result.output.contains("--box \(box) with --particles \(particles) needs about")
                    && result.output.contains("particle images") && result.output.contains("ceiling")
                    && result.output.contains("FOVEA_MEMORY_LIMIT_MB"), "\(result.output)")
            #expect(!FileManager.default.fileExists(atPath: output), "\(output) was created")
            // The stated need holds the particle stack (4·N² bytes per particle) and grows with it.
            var moreArguments = arguments
            moreArguments[try #require(arguments.firstIndex(of: "--particles")) + 1] = "\(particles + 2_000)"
            let more = try FoveaProcess.run(moreArguments, environment: ["FOVEA_MEMORY_LIMIT_MB": "8"], timeLimit: 60)
            let (need, needMore) = (try #require(Self.statedMiB(result.output)), try #require(Self.statedMiB(more.output)))
            let stack = 4 * Double(box * box) / 1_048_576
            #expect(Double(need) >= Double(particles) * stack && needMore >= need
                    && Double(needMore) >= Double(particles + 2_000) * stack, "\(need) → \(needMore) MiB")
        }
    }

    @Test("the need a small simulation states is the threshold: refused just below it, run just above it")
    func statedNeedIsTheThreshold() throws {
        let folder = FoveaProcess.temporaryFolder("simulate-threshold")
        let arguments = ["simulate", "--box", "52", "--pixel-size", "6.55", "--scenario", "3", "--particles", "6", "--threads", "2"]
        let ran = try FoveaProcess.run(arguments + ["--output", folder + "/free"], timeLimit: 300)
        #expect(ran.status == 0, "\(ran.output)")
        let need = try #require(Self.statedMiB(ran.output), "\(ran.output)")
        #expect(ran.output.contains("memory: about \(need) MiB (maps"))
        let below = try FoveaProcess.run(arguments + ["--output", folder + "/below"],
                                         environment: ["FOVEA_MEMORY_LIMIT_MB": "\(need - 1)"], timeLimit: 60)
        #expect(below.status == 2 && below.output.contains("needs about \(need) MiB"), "\(below.output)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/below"))
        // Above it by what the process holds before it starts (program and libraries, < 200 MiB).
        let above = try FoveaProcess.run(arguments + ["--output", folder + "/above"],
                                         environment: ["FOVEA_MEMORY_LIMIT_MB": "\(need + 200)"], timeLimit: 300)
        #expect(above.status == 0, "\(above.output)")
    }
}
