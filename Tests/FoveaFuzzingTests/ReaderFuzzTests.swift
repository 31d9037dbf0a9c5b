import Foundation
import FoveaFuzzing
import Testing

/// Seeded mutation fuzzing of every reader (the deterministic layer of the fuzzers; libFuzzer's
/// coverage-guided layer is scripts/fuzz.sh). Each case starts from a valid file made by Fovea's
/// writers, damages it, and must give success or an error with a message that names the file —
/// never a trap, a hang, or a read larger than the file justifies.
@Suite struct ReaderFuzzTests {
    /// Cases per reader in `swift test` (the HDF5 checkpoint reads are the slowest, ≈ 1 ms each).
    static func caseCount(_ reader: FuzzedReader) -> Int {
        if let text = ProcessInfo.processInfo.environment["FOVEA_FUZZ_CASES"], let n = Int(text), n > 0 { return n }
        return reader == .checkpoint ? 800 : 1500
    }

    /// FOVEA_FUZZ_VERBOSE=1 prints each case's number before it runs (to find a hanging case).
    static let verbose = ProcessInfo.processInfo.environment["FOVEA_FUZZ_VERBOSE"] != nil

    @Test(.timeLimit(.minutes(2)), arguments: FuzzedReader.allCases)
    func mutatedInputsGiveResultsOrClearErrors(reader: FuzzedReader) throws {
        let folder = NSTemporaryDirectory() + "fovea-fuzz-\(reader.rawValue)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let seeds = try reader.seeds(in: folder)
        // The seeds themselves are valid: the harness reads what the writers write.
        for seed in seeds { #expect(reader.run(seed, in: folder) == .accepted, "seed of \(reader.rawValue)") }

        var accepted = 0, refused = 0, slowest = 0.0
        let count = Self.caseCount(reader)
        let readerIndex = FuzzedReader.allCases.firstIndex(of: reader) ?? 0
        for number in 0..<count {
            var mutator = SeededMutator(seed: UInt64(number) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(readerIndex))
            let input = mutator.mutate(seeds[number % seeds.count])
            let start = Date()
            if Self.verbose { print("fuzz \(reader.rawValue) case \(number)") }
            let outcome = reader.run(input, in: folder)
            slowest = max(slowest, Date().timeIntervalSince(start))
            switch outcome {
            case .accepted: accepted += 1
            case .refused(let message):
                refused += 1
                #expect(message.contains(folder) || message.contains("fovea-fuzz-"),
                        "case \(number) of \(reader.rawValue): the message names no file: \(message)")
            case .violation(let why):
                Issue.record("case \(number) of \(reader.rawValue): \(why)")
            }
            #expect(Date().timeIntervalSince(start) < 5, "case \(number) of \(reader.rawValue) took over 5 s")
        }
        print("fuzz \(reader.rawValue): \(count) cases, \(accepted) accepted, \(refused) refused with a message, "
              + "0 traps, slowest \(Int(slowest * 1000)) ms")
        // Every damage-detecting reader refuses some cases (run.json is rewritten whatever it holds).
        if reader != .runManifest { #expect(refused > 0) }
    }

    /// Inputs that once crashed a reader (kept as files named "<reader>--<what>"): each now gives a
    /// clear error naming the file, or (names with "--accepted-") is read.
    @Test func regressionInputsAreRefusedClearly() throws {
        guard let folderURL = Bundle.module.url(forResource: "Regressions", withExtension: nil) else {
            Issue.record("Regressions folder missing from the test bundle")
            return
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folderURL.path).filter { !$0.hasPrefix(".") && $0 != "README.md" }
        #expect(!names.isEmpty)
        let scratch = NSTemporaryDirectory() + "fovea-fuzz-regressions-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        for name in names.sorted() {
            // File names are "<reader>--<what it did>".
            let readerName = name.components(separatedBy: "--")[0]
            guard let reader = FuzzedReader(rawValue: readerName) else {
                Issue.record("\(name): no reader '\(readerName)'")
                continue
            }
            let bytes = [UInt8](try Data(contentsOf: folderURL.appendingPathComponent(name)))
            let outcome = reader.run(bytes, in: scratch)
            // "<reader>--accepted-…" files are valid inputs that once trapped.
            if name.contains("--accepted-") {
                #expect(outcome == .accepted, "\(name): \(outcome)")
                continue
            }
            guard case .refused(let message) = outcome else {
                Issue.record("\(name): \(outcome), expected a clear error")
                continue
            }
            #expect(message.contains(scratch), "\(name): \(message)")
        }
    }
}
