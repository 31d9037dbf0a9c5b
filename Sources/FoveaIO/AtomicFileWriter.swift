import Foundation

/// Writes files so that a reader never sees a half-written one and a failed write never
/// destroys the previous version: data go to a temporary name in the same folder, which is
/// renamed over the destination only when complete.
public enum AtomicFileWriter {
    /// The temporary path used while writing `path` (same folder, so the rename is atomic).
    public static func temporaryPath(for path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw FormatError(file: path, "cannot write (check the folder exists and is writable)")
            }
        }
    }

    /// Calls `body` with a temporary path to fill; on success renames it to `path`, on error
    /// removes it and leaves any existing `path` untouched.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        do {
            try body(temporary)
            if rename(temporary, path) != 0 {
                let reason = String(cString: strerror(errno))
                throw FormatError(file: path, "cannot rename the finished temporary file into place: \(reason)")
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
