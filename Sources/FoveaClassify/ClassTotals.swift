import Foundation
import FoveaCore
import FoveaDistributed

/// Where the final full-resolution pass keeps a class's total (its two half sums added, Float64,
/// 24·(N/2 + 1)·N² bytes: 396 MB at box 320) from the moment its group of classes is finalised until
/// every class's SSNR is known and the class maps can be made (`ClassReconstruction.classMaps`).
public struct TotalsSpill: Sendable, Equatable {
    /// The folder the spilled totals are written to (the run folder), one temporary file each,
    /// created exclusively and removed once read back (or when the pass fails).
    public let directory: String
    /// Bytes of totals this rank may keep in memory (0: every total is spilled).
    public let keptBytes: Int

    public init(directory: String, keptBytes: Int) {
        self.directory = directory
        self.keptBytes = max(0, keptBytes)
    }
}

/// A failed write or read of a spilled total (a full disk, a folder that cannot be written), thrown
/// on every rank once they agree that one failed (`ClassTotals.agreeing`): the failing rank's with
/// the file and the reason, the others' `elsewhere`. Nothing else the run wrote is touched.
public struct TotalsSpillError: Error, CustomStringConvertible {
    /// The file, nil on a rank whose own spill succeeded.
    public let path: String?
    /// What could not be done ("cannot write", "cannot read").
    public let action: String
    /// The system's error number, when there is one.
    public let code: Int32?
    /// The reason in words.
    public let reason: String

    static let elsewhere = TotalsSpillError(path: nil, action: "cannot spill", code: nil,
                                            reason: "another rank could not spill a class total of the final pass (see its message)")

    public var description: String {
        guard let path else { return reason }
        return "\(path): \(action) (a class total of the final pass): \(reason)"
    }

    init(path: String?, action: String, code: Int32?, reason: String) {
        self.path = path; self.action = action; self.code = code; self.reason = reason
    }

    init(path: String, action: String, errno code: Int32) {
        self.init(path: path, action: action, code: code, reason: String(cString: strerror(code)))
    }
}

/// The totals of the classes this rank finalises, in memory or spilled to files
/// (`TotalsSpill`), handed back one at a time. Files still held are removed on `removeSpilled()` and
/// when the store is released (a failed pass leaves none behind).
final class ClassTotals {
    private enum Held {
        case none
        case memory(ReconstructionAccumulator)
        case file(path: String, size: Int, padding: Int)
    }
    private var held: [Held]
    private let spill: TotalsSpill?
    private var keptBytes = 0

    /// Whether totals beyond the kept bytes go to files (a final pass); false: all in memory.
    var mayUseFiles: Bool { spill != nil }

    init(classCount: Int, spill: TotalsSpill?) {
        held = Array(repeating: .none, count: classCount)
        self.spill = spill
    }

    deinit { removeSpilled() }

    /// Keeps class `k`'s total: in memory while the kept totals fit `spill.keptBytes` (always
    /// without a spill), else in a new file of the spill folder (the memory is then released).
    func keep(_ total: ReconstructionAccumulator, ofClass k: Int) throws {
        let bytes = 8 * (total.numerator.count + total.ctfSquared.count)
        guard let spill, keptBytes + bytes > spill.keptBytes else {
            keptBytes += bytes
            held[k] = .memory(total)
            return
        }
        let path = spill.directory + String(format: "/.fovea-class_%03d-total-%d.tmp", k + 1, getpid())
        try Self.write(total, to: path)
        held[k] = .file(path: path, size: total.size, padding: total.padding)
    }

    /// Class `k`'s total (nil when this rank does not hold it), read back if it was spilled (the file
    /// is then removed); released from the store.
    func take(_ k: Int) throws -> ReconstructionAccumulator? {
        let entry = held[k]
        held[k] = .none
        switch entry {
        case .none: return nil
        case .memory(let total):
            keptBytes -= 8 * (total.numerator.count + total.ctfSquared.count)
            return total
        case .file(let path, let size, let padding):
            defer { unlink(path) }
            return try Self.read(from: path, size: size, padding: padding)
        }
    }

    /// Runs `body` (this rank's spilling or reading back) and makes every rank agree on whether one
    /// failed: then every rank throws a `TotalsSpillError` (its own, or `elsewhere`), so none waits
    /// in a later collective. Collective: one allreduce of one Int32.
    static func agreeing<T>(_ communicator: any Communicator, _ body: () throws -> T) throws -> T {
        let result: Result<T, any Error>
        do { result = .success(try body()) } catch { result = .failure(error) }
        let failed: Int32 = { if case .failure = result { return 1 } else { return 0 } }()
        let failures = try communicator.allreduce(failed, .max)
        switch result {
        case .success(let value):
            if failures > 0 { throw TotalsSpillError.elsewhere }
            return value
        case .failure(let error):
            throw error
        }
    }

    /// Removes every spilled file not yet read back.
    func removeSpilled() {
        for (k, entry) in held.enumerated() {
            if case .file(let path, _, _) = entry {
                unlink(path)
                held[k] = .none
            }
        }
    }

    /// Writes the numerator then Σctf² (native Float64) to `path`, created exclusively; a partial
    /// file is removed.
    static func write(_ total: ReconstructionAccumulator, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw TotalsSpillError(path: path, action: "cannot write", errno: errno)
        }
        var failure: Int32?
        for values in [total.numerator, total.ctfSquared] where failure == nil {
            failure = values.withUnsafeBytes { FileDescriptorWriting.writeAll($0, to: descriptor) }
        }
        if close(descriptor) != 0 && failure == nil { failure = errno }
        if let failure {
            unlink(path)
            throw TotalsSpillError(path: path, action: "cannot write", errno: failure)
        }
    }

    /// Reads back what `write` wrote for an accumulator of `size` and `padding`.
    static func read(from path: String, size: Int, padding: Int) throws -> ReconstructionAccumulator {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TotalsSpillError(path: path, action: "cannot read", errno: errno)
        }
        defer { close(descriptor) }
        var total = ReconstructionAccumulator(size: size, padding: padding)
        func fill(_ values: inout [Double]) throws {
            try values.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                var offset = 0
                while offset < raw.count {
                    let count = Foundation.read(descriptor, base + offset, raw.count - offset)
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw TotalsSpillError(path: path, action: "cannot read", errno: errno)
                    }
                    if count == 0 {
                        throw TotalsSpillError(path: path, action: "cannot read", code: nil,
                                               reason: "the file ends after \(offset) of \(raw.count) bytes (changed by another process?)")
                    }
                    offset += count
                }
            }
        }
        try fill(&total.numerator)
        try fill(&total.ctfSquared)
        return total
    }
}
