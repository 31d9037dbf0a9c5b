import CHDF5
import Foundation

/// A number type that can be stored in an HDF5 dataset or attribute.
///
/// Reads are strict: a dataset is read as `T` only when its stored class (integer or float),
/// size and signedness match `T`; HDF5 converts only the byte order.
public protocol HDF5Scalar: Sendable {
    /// The HDF5 memory type of one element (an H5T_NATIVE_* type; not to be closed).
    static var hdf5MemoryType: hid_t { get }
    /// What a dataset must hold to be read as this type.
    static var hdf5ElementKind: HDF5ElementKind { get }
}

extension Float: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { fovea_h5t_native_float() }
    public static var hdf5ElementKind: HDF5ElementKind { .float32 }
}
extension Double: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { fovea_h5t_native_double() }
    public static var hdf5ElementKind: HDF5ElementKind { .float64 }
}
extension Int32: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { fovea_h5t_native_int32() }
    public static var hdf5ElementKind: HDF5ElementKind { .int32 }
}
extension Int64: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { fovea_h5t_native_int64() }
    public static var hdf5ElementKind: HDF5ElementKind { .int64 }
}
extension UInt8: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { fovea_h5t_native_uint8() }
    public static var hdf5ElementKind: HDF5ElementKind { .uint8 }
}
/// `Int` is stored as a 64-bit signed integer (Fovea supports 64-bit platforms only).
extension Int: HDF5Scalar {
    public static var hdf5MemoryType: hid_t { fovea_h5t_native_int64() }
    public static var hdf5ElementKind: HDF5ElementKind { .int64 }
}

/// What one element of a dataset or attribute is, as stored in the file.
public enum HDF5ElementKind: Equatable, Sendable, CustomStringConvertible {
    case float32, float64, int32, int64, uint8
    /// A string; `fixedLength` is the byte length of a fixed-length string, nil for variable length.
    case string(fixedLength: Int?)
    /// Anything else (other integer sizes, compounds, …), with HDF5's class number.
    case other(typeClass: Int32, size: Int)

    public var description: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .string(let length?): return "fixed-length string of \(length) bytes"
        case .string(nil): return "variable-length string"
        case .other(let typeClass, let size): return "unsupported HDF5 type (class \(typeClass), \(size) bytes)"
        }
    }

    /// Classifies an HDF5 file or memory type.
    static func of(type: hid_t) -> HDF5ElementKind {
        let typeClass = H5Tget_class(type)
        let size = H5Tget_size(type)
        switch typeClass {
        case H5T_FLOAT where size == 4: return .float32
        case H5T_FLOAT where size == 8: return .float64
        case H5T_INTEGER where H5Tget_sign(type) == H5T_SGN_2 && size == 4: return .int32
        case H5T_INTEGER where H5Tget_sign(type) == H5T_SGN_2 && size == 8: return .int64
        case H5T_INTEGER where H5Tget_sign(type) == H5T_SGN_NONE && size == 1: return .uint8
        case H5T_STRING: return .string(fixedLength: H5Tis_variable_str(type) > 0 ? nil : size)
        default: return .other(typeClass: typeClass.rawValue, size: size)
        }
    }
}

/// Serialises every call into HDF5: builds without `--enable-threadsafe` (common on clusters)
/// must not be entered from two threads, and Swift Testing runs tests in parallel.
enum HDF5Lock {
    private static let lock = NSRecursiveLock()

    /// HDF5 is told, before its first use, not to close files at process exit: a file whose close
    /// failed (a full disk) stays in HDF5's list, and the library's exit handler then crashed
    /// closing it again, turning a clean "no space left" exit 1 into a segmentation fault. Every
    /// file Fovea writes is closed explicitly (`HDF5File.write`), and a failed one is discarded.
    private static let exitHandlerDisabled: Void = { _ = H5dont_atexit() }()

    /// Runs `body` holding the lock, with HDF5's automatic error printing off on this thread
    /// (the setting is per thread in thread-safe builds, so it is applied on every entry).
    static func run<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        _ = exitHandlerDisabled
        H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil)
        return try body()
    }
}

/// Builds `FormatError`s that name the file and the object path, with HDF5's own innermost
/// error description appended when it has one.
struct HDF5ErrorContext {
    /// Path of the file as the user knows it (the final name, not the temporary one).
    let file: String

    func error(at objectPath: String?, field: String? = nil, _ message: String) -> FormatError {
        var text = message
        var buffer = [CChar](repeating: 0, count: 512)
        fovea_h5e_take_innermost_message(&buffer, buffer.count)
        let detail = String(hdf5Buffer: buffer)
        if !detail.isEmpty { text += " (HDF5: \(detail))" }
        return FormatError(file: file, location: objectPath.map { "object \($0)" }, field: field, text)
    }

    /// Throws unless `status` (an herr_t) is non-negative.
    func check(_ status: herr_t, at objectPath: String?, field: String? = nil,
               _ message: @autoclosure () -> String) throws {
        if status < 0 { throw error(at: objectPath, field: field, message()) }
    }

    /// Returns `id` or throws when it is negative (HDF5's failure value).
    func checkID(_ id: hid_t, at objectPath: String?, field: String? = nil,
                 _ message: @autoclosure () -> String) throws -> hid_t {
        if id < 0 { throw error(at: objectPath, field: field, message()) }
        return id
    }
}

/// Joins an absolute group path and a relative child path: ("/a", "b/c") -> "/a/b/c".
func hdf5JoinPath(_ parent: String, _ child: String) -> String {
    if child.hasPrefix("/") { return child }
    return parent == "/" ? "/" + child : parent + "/" + child
}

/// Closes an HDF5 identifier of any kind once it is no longer needed, ignoring failures
/// (used for temporary types, spaces and property lists inside one call).
func hdf5CloseQuietly(_ id: hid_t) {
    guard id >= 0, H5Iis_valid(id) > 0 else { return }
    switch H5Iget_type(id) {
    case H5I_FILE: H5Fclose(id)
    case H5I_GROUP: H5Gclose(id)
    case H5I_DATASET: H5Dclose(id)
    case H5I_DATATYPE: H5Tclose(id)
    case H5I_DATASPACE: H5Sclose(id)
    case H5I_ATTR: H5Aclose(id)
    case H5I_GENPROP_LST: H5Pclose(id)
    default: break
    }
}

/// A simple dataspace of `shape` (a scalar space when `shape` is empty).
func hdf5MakeDataspace(shape: [Int]) -> hid_t {
    if shape.isEmpty { return H5Screate(H5S_SCALAR) }
    let dims = shape.map { hsize_t($0) }
    return H5Screate_simple(Int32(dims.count), dims, nil)
}

/// The shape of a dataspace ([] for a scalar), or nil on failure or when a dimension does not
/// fit in an `Int` (a damaged file).
func hdf5Shape(ofSpace space: hid_t) -> [Int]? {
    let rank = H5Sget_simple_extent_ndims(space)
    if rank < 0 || rank > 32 { return nil }
    var dims = [hsize_t](repeating: 0, count: Int(rank))
    if rank > 0 && H5Sget_simple_extent_dims(space, &dims, nil) < 0 { return nil }
    var shape: [Int] = []
    for dim in dims {
        guard let value = Int(exactly: dim) else { return nil }
        shape.append(value)
    }
    return shape
}

/// What a read may allocate: the elements of a shape, checked against overflow and against the
/// size of the file, so a damaged dimension gives an error instead of a trap or a huge allocation.
enum HDF5ReadPlan {
    /// Largest ratio of the bytes a read decodes to the bytes of the whole file. Fovea writes
    /// its datasets uncompressed (ratio ≤ 1); the margin leaves room for compressed files and
    /// variable-length strings (a pointer per string).
    static let maximumExpansion = 64
    /// Reads up to this many bytes are allowed whatever the file's size.
    static let smallReadBytes = 1 << 20

    /// Elements of `shape` (1 for a scalar), or nil when the product overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dim in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow, dim >= 0 else { return nil }
            count = product
        }
        return count
    }

    /// The number of elements of `shape` when `elementSize`-byte elements of that many fit what
    /// the file `object` lives in can hold; else throws naming the object.
    static func checkedCount(_ shape: [Int], elementSize: Int, object: hid_t, errors: HDF5ErrorContext,
                             at objectPath: String, field: String? = nil) throws -> Int {
        guard let count = elementCount(shape) else {
            throw FormatError(file: errors.file, location: "object \(objectPath)", field: field,
                              "dimensions \(shape) are too large (damaged file?)")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: max(1, elementSize))
        guard !overflow, bytes <= allowance(object) else {
            throw FormatError(file: errors.file, location: "object \(objectPath)", field: field,
                              "dimensions \(shape) need more bytes than the file can hold (damaged file?)")
        }
        return count
    }

    /// Bytes a read from the file holding `object` may allocate.
    static func allowance(_ object: hid_t) -> Int {
        let file = H5Iget_file_id(object)
        guard file >= 0 else { return smallReadBytes }
        defer { H5Fclose(file) }
        var size: hsize_t = 0
        guard H5Fget_filesize(file, &size) >= 0 else { return smallReadBytes }
        let fileBytes = Int(clamping: size)
        return max(smallReadBytes, fileBytes.multipliedReportingOverflow(by: maximumExpansion).overflow
                   ? Int.max : fileBytes * maximumExpansion)
    }
}

/// A string datatype: variable length when `fixedLength` is nil, else that many bytes padded with
/// NULs. UTF-8. The caller closes it.
func hdf5MakeStringType(fixedLength: Int?) -> hid_t {
    let type = H5Tcopy(fovea_h5t_c_s1())
    if let fixedLength {
        H5Tset_size(type, max(1, fixedLength))
        H5Tset_strpad(type, H5T_STR_NULLPAD)
    } else {
        H5Tset_size(type, fovea_h5t_variable())
    }
    H5Tset_cset(type, H5T_CSET_UTF8)
    return type
}
