import Foundation
import FoveaCore

/// Writes files so that a reader never sees a half-written one and a failed write never
/// destroys the previous version: data go to a temporary file in the same folder, which is
/// renamed over the destination only when complete.
///
/// Temporaries are named `.NAME.tmp-XXXXXXXXXXXX` (12 random characters, as mkstemp) and created
/// exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`): a file or symbolic link planted under a predictable
/// name can never make Fovea write somewhere else.
public enum AtomicFileWriter {
    /// The marker in every temporary name (`.NAME` + marker + random characters).
    public static let temporaryMarker = ".tmp-"

    /// A fresh, unpredictable temporary path for writing `path` (same folder, so the rename is
    /// atomic). Nothing is created.
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<12).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        let name = ".\(url.lastPathComponent)\(temporaryMarker)\(suffix)"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Whether `name` (a file name, no folder) is one of this writer's temporaries.
    public static func isTemporaryName(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(temporaryMarker)
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw FileWriteError(path: path, errno: errno, action: "cannot write") }
            defer { close(descriptor) }
            if let failure = data.withUnsafeBytes({ FileDescriptorWriting.writeAll($0, to: descriptor) }) {
                throw FileWriteError(path: path, errno: failure, action: "cannot write")
            }
            guard fsync(descriptor) == 0 else { throw FileWriteError(path: path, errno: errno, action: "cannot write") }
        }
    }

    /// Calls `body` with a temporary path to fill; on success renames it to `path`, on error
    /// removes it and leaves any existing `path` untouched. The path does not exist when `body`
    /// is called: `body` must create it exclusively (`O_EXCL`, HDF5's `H5F_ACC_EXCL`).
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        do {
            try body(temporary)
            if rename(temporary, path) != 0 {
                throw FileWriteError(path: path, errno: errno, action: "cannot rename the finished temporary file onto it")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// A file that could not be written, with the reason in words (full disk, read-only file system,
/// no permission, a folder in the way …) and the path.
public struct FileWriteError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// The `errno` of the failed call.
    public let code: Int32
    /// What was being done, e.g. "cannot write".
    public let action: String

    public init(path: String, errno code: Int32, action: String) {
        self.path = path; self.code = code; self.action = action
    }

    /// After a library (HDF5) failed to write `path` without saying why: the reason the user can
    /// act on, when the folder shows one (read-only, no permission, no space left), else nil.
    public static func diagnosed(path: String) -> FileWriteError? {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        if access(directory, W_OK) != 0, [EROFS, EACCES, EPERM].contains(errno) {
            return FileWriteError(path: path, errno: errno, action: "cannot write")
        }
        var space = statvfs()
        if statvfs(directory, &space) == 0, UInt64(space.f_bavail) * UInt64(space.f_frsize) < 1 << 20 {
            return FileWriteError(path: path, errno: ENOSPC, action: "cannot write")
        }
        return nil
    }

    /// The reason in words, with what to do.
    public var reason: String {
        switch code {
        case ENOSPC: return "no space left on the device (free space or write elsewhere; nothing earlier was overwritten)"
        case EDQUOT: return "the disk quota is exceeded (free space or write elsewhere; nothing earlier was overwritten)"
        case EROFS: return "the file system is read-only (write elsewhere)"
        case EACCES, EPERM: return "permission denied (check the folder's owner and permissions, or write elsewhere)"
        case EISDIR: return "a folder of that name is in the way"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case ENOENT: return "the folder does not exist"
        case EEXIST: return "a file of that name appeared meanwhile (another process writes here?)"
        default: return String(cString: strerror(code))
        }
    }

    public var description: String { "\(path): \(action): \(reason)" }
}
