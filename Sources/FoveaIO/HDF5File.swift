import CHDF5
import Foundation

/// An HDF5 file, which is also its root group "/".
///
/// New files are only ever written through `HDF5File.write(to:_:)`, which fills a temporary file,
/// stamps its checksum (`HDF5Checksum`, verified on read-only opens) and renames it over `path`
/// when the body returns, so readers never see a partial file and a failed write leaves an
/// earlier file intact. Existing files are opened with `init(openingAt:mode:)`
/// or read in a scope with `HDF5File.read(_:_:)`.
///
/// Closing the file (explicitly, or when the last reference goes) also closes every group and
/// dataset still open in it. A file opened `.readWrite` is locked (others cannot open it for
/// writing meanwhile); read-only opens take no lock, since complete files replace old ones by
/// rename. `HDF5_USE_FILE_LOCKING=FALSE` turns locking off altogether (some network file systems).
public final class HDF5File: HDF5Group {
    public enum Mode: Sendable {
        case readOnly, readWrite
    }

    /// Creates the file at `diskPath`, which must not exist (`H5F_ACC_EXCL`: never truncates or
    /// follows a link planted there), reporting errors under `displayPath`.
    private init(creating diskPath: String, displayPath: String) throws {
        let errors = HDF5ErrorContext(file: displayPath)
        let id = try HDF5Lock.run { () throws -> hid_t in
            let access = Self.strongCloseAccessList()
            defer { H5Pclose(access) }
            // Room before the superblock for the checksum stamped when the file is complete.
            let creation = H5Pcreate(fovea_h5p_file_create())
            defer { H5Pclose(creation) }
            H5Pset_userblock(creation, hsize_t(HDF5Checksum.userBlockBytes))
            let id = try errors.checkID(
                H5Fcreate(diskPath, fovea_h5f_acc_excl(), creation, access),
                at: nil, "cannot create the HDF5 file (check the folder exists and is writable)")
            fovea_h5f_set_close_on_exec(id)
            return id
        }
        super.init(id: id, ownerFile: nil, path: "/", errors: errors)
    }

    /// Opens an existing HDF5 file.
    public init(openingAt path: String, mode: Mode = .readOnly) throws {
        let errors = HDF5ErrorContext(file: path)
        let id = try HDF5Lock.run { () throws -> hid_t in
            guard FileManager.default.fileExists(atPath: path) else {
                throw FormatError(file: path, "no such file")
            }
            // A damaged file is refused here, before HDF5's parser (which can hang on some) sees it.
            if mode == .readOnly { try HDF5Checksum.verify(path) } else { HDF5Checksum.withdrawStamp(path) }
            let access = Self.strongCloseAccessList()
            defer { H5Pclose(access) }
            // Readers take no lock: files are replaced by rename, so a reader always sees a
            // complete file, and a lock held through a descriptor inherited by a spawned process
            // would otherwise make reads fail ("unable to lock file") long after the writer closed.
            if mode == .readOnly { _ = fovea_h5p_disable_file_locking(access) }
            let flags = mode == .readOnly ? fovea_h5f_acc_rdonly() : fovea_h5f_acc_rdwr()
            let id = try errors.checkID(H5Fopen(path, flags, access), at: nil,
                                        "cannot open as an HDF5 file (not HDF5, truncated, or open for writing elsewhere)")
            fovea_h5f_set_close_on_exec(id)
            return id
        }
        super.init(id: id, ownerFile: nil, path: "/", errors: errors)
    }

    /// Writes a new HDF5 file at `path` atomically: `body` fills a fresh file at a temporary
    /// name in the same folder; when it returns the file is closed and renamed to `path`. If
    /// `body` or closing throws, the temporary file is removed and an existing `path` is untouched.
    public static func write(to path: String, _ body: (HDF5File) throws -> Void) throws {
        try AtomicFileWriter.write(to: path) { temporary in
            let file: HDF5File
            do {
                file = try HDF5File(creating: temporary, displayPath: path)
            } catch {
                throw FileWriteError.diagnosed(path: path) ?? error
            }
            do {
                try body(file)
            } catch {
                file.close()
                throw error is FormatError ? FileWriteError.diagnosed(path: path) ?? error : error
            }
            do { try file.closeChecked() } catch { throw FileWriteError.diagnosed(path: path) ?? error }
            try HDF5Checksum.stamp(temporary, file: path)
        }
    }

    /// Opens `path` read-only, runs `body` and closes the file before returning.
    public static func read<R>(_ path: String, _ body: (HDF5File) throws -> R) throws -> R {
        let file = try HDF5File(openingAt: path, mode: .readOnly)
        defer { file.close() }
        return try body(file)
    }

    /// Closes the file and reports a failure to flush it (which `close()` ignores).
    public func closeChecked() throws {
        try HDF5Lock.run {
            guard !isClosed else { return }
            let status = H5Fclose(id)
            isClosed = true
            try errors.check(status, at: nil, "cannot finish writing the HDF5 file (disk full?)")
        }
    }

    override func closeHandle() {
        guard !isClosed else { return }
        H5Fclose(id)
        isClosed = true
    }

    /// A file-access property list whose file close also closes every open object in the file,
    /// so a finished file is complete on disk before it is renamed.
    private static func strongCloseAccessList() -> hid_t {
        let access = H5Pcreate(fovea_h5p_file_access())
        H5Pset_fclose_degree(access, H5F_CLOSE_STRONG)
        return access
    }
}
