// Coverage-guided fuzzing of Fovea's file readers with libFuzzer (scripts/fuzz.sh builds this with
// `-sanitize=fuzzer -parse-as-library -DFOVEA_FUZZ`). The reader is chosen by FOVEA_FUZZ_READER
// (mrc, relion31-star, relion30-star, cistem-star, par, checkpoint, checkpoint-contents, run-json). A plain build gets
// a stub that says how to build the real thing, so the package builds without libFuzzer.
import Foundation
import FoveaFuzzing

#if FOVEA_FUZZ
/// The reader under test and a private scratch folder, set once by `fuzzMain`.
nonisolated(unsafe) private var fuzzedReader = FuzzedReader.mrc
nonisolated(unsafe) private var scratchFolder = ""

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if case .violation(let why) = fuzzedReader.run(bytes, in: scratchFolder) {
        // A broken promise is a finding like a trap: stop so libFuzzer keeps the input.
        FileHandle.standardError.write(Data("violation: \(why)\n".utf8))
        abort()
    }
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("FoveaFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let name = ProcessInfo.processInfo.environment["FOVEA_FUZZ_READER"] ?? ""
    guard let reader = FuzzedReader(rawValue: name) else {
        let names = FuzzedReader.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("set FOVEA_FUZZ_READER to one of: \(names)\n".utf8))
        return 2
    }
    fuzzedReader = reader
    scratchFolder = NSTemporaryDirectory() + "/fovea-fuzz-\(name)-\(getpid())"
    try? FileManager.default.createDirectory(atPath: scratchFolder, withIntermediateDirectories: true)
    var c = argc, v = argv
    return LLVMFuzzerRunDriver(&c, &v, fuzzOne)
}
#else
@main
struct FoveaFuzzStub {
    /// `FoveaFuzz seeds <folder>` writes the seed corpus (one folder per reader); anything else
    /// explains how to build the fuzzer.
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3, arguments[1] == "seeds" else {
            print("FoveaFuzz is a libFuzzer target: build and run it with scripts/fuzz.sh "
                  + "(or `FoveaFuzz seeds <folder>` to write the seed corpus).")
            return
        }
        for reader in FuzzedReader.allCases {
            let folder = arguments[2] + "/" + reader.rawValue
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (k, seed) in try reader.seeds(in: NSTemporaryDirectory()).enumerated() {
                try Data(seed).write(to: URL(fileURLWithPath: folder + "/seed-\(k + 1)"))
            }
        }
    }
}
#endif
