import Foundation
import FoveaIO

/// The exclusive lock of a run folder, held by rank 0 for the whole run: the file
/// `RUN/.fovea.lock`, published complete with `link(2)` (or created with `O_CREAT | O_EXCL`) and holding the owner's pid, host and start
/// time, removed when the run ends (finished, checkpointed by a signal or failed). A second run
/// into the same folder finds it and stops with exit code 2 naming the owner.
///
/// A lock left by a process that died without removing it (SIGKILL, an out-of-memory kill, a
/// node failure) is never taken silently: a new run is told that the folder holds a dead run and
/// what to do; `--continue` on the same host takes over a lock whose process is gone, and says so.
/// A lock from another host cannot be checked from here and is only reported.
public final class RunFolderLock {
    public static let fileName = ".fovea.lock"

    /// Who holds (or held) a lock.
    public struct Owner: Equatable, Sendable, CustomStringConvertible {
        public var pid: Int32
        public var host: String
        /// ISO 8601.
        public var started: String

        public static func here() -> Owner {
            Owner(pid: getpid(), host: ProcessInfo.processInfo.hostName,
                  started: ISO8601DateFormatter().string(from: Date()))
        }

        var text: String { "pid \(pid)\nhost \(host)\nstarted \(started)\n" }

        /// Parses the lock file's text; nil when it is not a lock written by Fovea.
        static func parse(_ text: String) -> Owner? {
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            guard let pid = fields["pid"].flatMap({ Int32($0) }), pid > 0, let host = fields["host"] else { return nil }
            return Owner(pid: pid, host: host, started: fields["started"] ?? "?")
        }

        /// Whether the process is known to be gone: same host and no such pid, or only its
        /// zombie (killed, not yet reaped: e.g. a rank just after mpirun exited).
        var isDeadHere: Bool {
            guard host == ProcessInfo.processInfo.hostName else { return false }
            if kill(pid, 0) != 0 { return errno == ESRCH }
            // /proc/PID/stat: "pid (name) state …"; the name may hold spaces and parentheses.
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
        }

        public var description: String { "pid \(pid) on \(host), started \(started)" }
    }

    public let path: String
    public let owner: Owner
    /// The dead owner whose lock this one replaced (`--continue` only), to report.
    public let replaced: Owner?
    private var held = true

    private init(path: String, owner: Owner, replaced: Owner?) {
        self.path = path; self.owner = owner; self.replaced = replaced
    }

    /// Takes the lock of `folder` (which must exist). With `continuing`, a lock whose process
    /// is gone (same host) is replaced; otherwise any existing lock is an error.
    public static func acquire(folder: String, continuing: Bool) throws -> RunFolderLock {
        let path = folder + "/" + fileName
        let owner = Owner.here()
        if try create(path, owner: owner) { return RunFolderLock(path: path, owner: owner, replaced: nil) }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        guard let previous = Owner.parse(text) else { throw RunFolderLockError.unreadable(folder: folder, lockPath: path) }
        guard previous.isDeadHere else {
            throw previous.host == ProcessInfo.processInfo.hostName
                ? RunFolderLockError.held(folder: folder, lockPath: path, owner: previous)
                : RunFolderLockError.heldElsewhere(folder: folder, lockPath: path, owner: previous)
        }
        guard continuing else { throw RunFolderLockError.stale(folder: folder, lockPath: path, owner: previous) }
        // Replace the dead owner's lock; if another process took it meanwhile, O_EXCL refuses.
        guard unlink(path) == 0 || errno == ENOENT, try create(path, owner: owner) else {
            throw RunFolderLockError.held(folder: folder, lockPath: path, owner: previous)
        }
        return RunFolderLock(path: path, owner: owner, replaced: previous)
    }

    /// Creates the lock file exclusively, already complete; false when one exists. The owner's
    /// text is written to an exclusive temporary first and published with `link(2)`, which fails
    /// when the lock exists: a second run never sees a lock file that is still empty. Where the
    /// file system has no hard links, the lock is created with `O_EXCL` and written in place.
    private static func create(_ path: String, owner: Owner) throws -> Bool {
        let temporary = AtomicFileWriter.temporaryPath(for: path)
        defer { unlink(temporary) }
        try write(owner, to: temporary, lockPath: path)
        if link(temporary, path) == 0 { return true }
        switch errno {
        case EEXIST: return false
        case EPERM, ENOTSUP, EOPNOTSUPP, EXDEV, EMLINK: break  // no hard links here
        default: throw FileWriteError(path: path, errno: errno, action: "cannot create the run's lock")
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw FileWriteError(path: path, errno: errno, action: "cannot create the run's lock")
        }
        close(descriptor)
        do { try write(owner, to: path, lockPath: path, existing: true) } catch { unlink(path); throw error }
        return true
    }

    /// Writes the owner's text to `file` (created exclusively unless `existing`).
    private static func write(_ owner: Owner, to file: String, lockPath: String, existing: Bool = false) throws {
        let flags = existing ? O_WRONLY | O_NOFOLLOW | O_CLOEXEC : O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC
        let descriptor = open(file, flags, 0o644)
        guard descriptor >= 0 else { throw FileWriteError(path: lockPath, errno: errno, action: "cannot create the run's lock") }
        defer { close(descriptor) }
        let bytes = Array(owner.text.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count else {
            throw FileWriteError(path: lockPath, errno: errno, action: "cannot write the run's lock")
        }
    }

    /// The owner of `folder`'s lock when a live process holds it (on this host, or any lock of
    /// another host, whose process cannot be checked from here); nil when there is no lock or its
    /// process is gone.
    public static func liveOwner(folder: String) -> Owner? {
        guard let text = try? String(contentsOfFile: folder + "/" + fileName, encoding: .utf8),
              let owner = Owner.parse(text), !owner.isDeadHere else { return nil }
        return owner
    }

    /// Removes the lock (idempotent).
    public func release() {
        guard held else { return }
        held = false
        unlink(path)
    }

    deinit { release() }
}

/// Why a run folder could not be locked (exit code 2).
public enum RunFolderLockError: Error, CustomStringConvertible, Equatable {
    case held(folder: String, lockPath: String, owner: RunFolderLock.Owner)
    case heldElsewhere(folder: String, lockPath: String, owner: RunFolderLock.Owner)
    case stale(folder: String, lockPath: String, owner: RunFolderLock.Owner)
    case unreadable(folder: String, lockPath: String)

    public var description: String {
        switch self {
        case .held(let folder, let lock, let owner):
            return "\(folder) is in use by another run (\(owner); lock \(lock)); wait for it to end or choose another --output"
        case .heldElsewhere(let folder, let lock, let owner):
            return "\(folder) is locked by a run on another host (\(owner); lock \(lock)); if that run is no longer "
                + "running, remove \(lock) and start again"
        case .stale(let folder, let lock, let owner):
            return "\(folder) holds a run that ended without finishing (\(owner), no longer running; lock \(lock)); "
                + "continue it with --continue \(folder), or remove \(lock) if you are sure nothing runs there"
        case .unreadable(let folder, let lock):
            return "\(folder) has a lock file that is not Fovea's (\(lock)); if no run uses the folder, remove it"
        }
    }
}
