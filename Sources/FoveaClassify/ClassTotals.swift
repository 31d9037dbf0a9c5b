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

    /// Class `k`'s map finalised with `regularisation` (nil when this rank does not hold its total),
    /// and the total released from the store: one kept in memory is released once its spectrum is
    /// made (`finaliseReleasingSums`); a spilled one is read back a slab of z planes at a time into
    /// the spectrum, never whole (`ReconstructionAccumulator.finalised(size:padding:friedelPlane:…)`),
    /// and its file removed. The same bits either way.
    func map(ofClass k: Int, regularisation: WienerRegularisation, pixelSize: Double) throws -> Volume? {
        if case .memory(var total) = held[k] {
            held[k] = .none  // `total` now holds the sums' only reference
            keptBytes -= 8 * (total.numerator.count + total.ctfSquared.count)
            return total.finaliseReleasingSums(regularisation: regularisation, pixelSize: pixelSize)
        }
        let entry = held[k]
        held[k] = .none
        switch entry {
        case .none, .memory: return nil
        case .file(let path, let size, let padding):
            defer { unlink(path) }
            return try Self.finalised(from: path, size: size, padding: padding, regularisation: regularisation, pixelSize: pixelSize)
        }
    }

    /// Runs `body` (this rank's spilling or reading back) under the ranks' one agreement
    /// (`Communicator.agreeing`) and says it in the final pass's terms: the failing rank throws its
    /// own `TotalsSpillError`, every other rank `TotalsSpillError.elsewhere`, so none waits in a
    /// later collective. Collective: one allreduce of one Int32.
    static func agreeing<T>(_ communicator: any Communicator, _ body: () throws -> T) throws -> T {
        do {
            return try communicator.agreeing(body)
        } catch RankFailure.elsewhere {
            throw TotalsSpillError.elsewhere
        } catch RankFailure.here(let error, _) {
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

    /// Writes the numerator, Σctf², then the Friedel-completed x = 0 plane's numerator and Σctf²
    /// (`friedelPlane()`; native Float64) to `path`, created exclusively; a partial file is removed.
    static func write(_ total: ReconstructionAccumulator, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw TotalsSpillError(path: path, action: "cannot write", errno: errno)
        }
        var failure: Int32?
        let plane = total.friedelPlane()
        for values in [total.numerator, total.ctfSquared, plane.numerator, plane.ctfSquared] where failure == nil {
            failure = values.withUnsafeBytes { FileDescriptorWriting.writeAll($0, to: descriptor) }
        }
        if close(descriptor) != 0 && failure == nil { failure = errno }
        if let failure {
            unlink(path)
            throw TotalsSpillError(path: path, action: "cannot write", errno: failure)
        }
    }

    /// The map of the total `write` wrote to `path` for an accumulator of `size` and `padding`,
    /// finalised with `regularisation` from the file a slab of z planes at a time.
    static func finalised(from path: String, size: Int, padding: Int, regularisation: WienerRegularisation,
                          pixelSize: Double) throws -> Volume {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw TotalsSpillError(path: path, action: "cannot read", errno: errno)
        }
        defer { close(descriptor) }
        let np = size * padding, wp = np / 2 + 1, values = wp * np * np, bytes = MemoryLayout<Double>.size
        /// Fills `buffer` from byte `offset` of the file.
        func fill(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
            guard let base = buffer.baseAddress else { return }
            var done = 0
            while done < buffer.count {
                let count = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw TotalsSpillError(path: path, action: "cannot read", errno: errno)
                }
                if count == 0 {
                    throw TotalsSpillError(path: path, action: "cannot read", code: nil,
                                           reason: "the file ends before byte \(offset + buffer.count) (changed by another process?)")
                }
                done += count
            }
        }
        var plane = ReconstructionAccumulator.FriedelPlane(numerator: [Double](repeating: 0, count: 2 * np * np),
                                                           ctfSquared: [Double](repeating: 0, count: np * np))
        try plane.numerator.withUnsafeMutableBytes { try fill($0, at: 3 * values * bytes) }
        try plane.ctfSquared.withUnsafeMutableBytes { try fill($0, at: (3 * values + 2 * np * np) * bytes) }
        return try ReconstructionAccumulator.finalised(size: size, padding: padding, friedelPlane: plane, regularisation: regularisation,
                                                       pixelSize: pixelSize) { planes, numerator, ctfSquared in
            let first = planes.lowerBound * wp * np
            try fill(UnsafeMutableRawBufferPointer(numerator), at: 2 * first * bytes)
            try fill(UnsafeMutableRawBufferPointer(ctfSquared), at: (2 * values + first) * bytes)
        }
    }
}
