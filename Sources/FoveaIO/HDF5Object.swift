import CHDF5

/// An open HDF5 object — a file, a group or a dataset — that closes its HDF5 handle when it is
/// released (or earlier, with `close()`). Objects opened from a file keep that file open.
///
/// Not thread-safe per object; HDF5 calls of all objects are serialised by one process-wide lock.
public class HDF5Object {
    /// The HDF5 identifier; invalid once closed.
    let id: hid_t
    /// The file this object lives in (nil only for an `HDF5File` itself).
    let ownerFile: HDF5File?
    /// Absolute path of the object inside the file, e.g. "/classes/3/volume"; "/" for the file.
    public let path: String
    /// Builds errors naming the file and this object.
    let errors: HDF5ErrorContext
    var isClosed = false

    init(id: hid_t, ownerFile: HDF5File?, path: String, errors: HDF5ErrorContext) {
        self.id = id
        self.ownerFile = ownerFile
        self.path = path
        self.errors = errors
    }

    deinit {
        HDF5Lock.run { closeHandle() }
    }

    /// Path of the file as the caller named it (the final name while a write is under way).
    public var filePath: String { errors.file }

    /// Closes the handle now; later use throws. Closing twice is harmless.
    public func close() {
        HDF5Lock.run { closeHandle() }
    }

    /// Releases the HDF5 identifier; subclasses choose the right H5?close.
    func closeHandle() {
        guard !isClosed else { return }
        isClosed = true
        hdf5CloseQuietly(id)
    }

    /// The identifier, or an error when this object or its file has been closed.
    func liveID() throws -> hid_t {
        if isClosed || ownerFile?.isClosed == true || H5Iis_valid(id) <= 0 {
            throw errors.error(at: path, "used after its file or the object was closed")
        }
        return id
    }

    /// A `FormatError` naming the file and `objectPath` (default: this object), to throw.
    func fail(_ message: String, at objectPath: String? = nil) -> FormatError {
        errors.error(at: objectPath ?? path, message)
    }
}
