import Foundation

/// A one-dimensional NumPy structured array read from a `.npy` file (format versions 1, 2 and 3),
/// the layout of cryoSPARC's `.cs` files: a magic string, a header that is a Python dict literal
/// `{'descr': [(name, type[, shape]), …], 'fortran_order': False, 'shape': (n,)}`, then n packed
/// records of the fields in `descr` order.
///
/// Only little-endian (or byte-order-free) scalar fields are accepted: unsigned and signed
/// integers, floats, booleans, fixed-width byte strings (`S`) and padding (`V`). Every size read
/// from the header is checked (no overflow, the records fit in the file) before any value is read.
public struct NumpyStructuredArray: Sendable {
    /// What one field's elements are.
    public enum Kind: Sendable, Equatable {
        case unsignedInteger, signedInteger, float, boolean, bytes, padding
    }

    /// One named field of the record.
    public struct Field: Sendable, Equatable {
        public let name: String
        public let kind: Kind
        /// Bytes per element (for `bytes`: the string width).
        public let elementSize: Int
        /// Elements per record (product of the sub-array shape; 1 for scalars).
        public let elementCount: Int
        /// Byte offset of the field within a record.
        public let offset: Int
    }

    /// Path as given, for error messages.
    public let file: String
    public let fields: [Field]
    /// Number of records.
    public let count: Int
    /// Bytes per record.
    public let recordSize: Int
    private let bytes: [UInt8]
    private let dataOffset: Int

    /// Largest header accepted, bytes (NumPy's own limit for untrusted files is 10,000).
    static let maximumHeaderLength = 1 << 20

    /// Reads and checks the whole file.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(file: path, "cannot read the file (missing or not readable)")
        }
        try self.init(bytes: [UInt8](data), file: path)
    }

    public init(bytes: [UInt8], file: String) throws {
        func fail(_ message: String, field: String? = nil) -> FormatError {
            FormatError(file: file, location: "NumPy header", field: field, message)
        }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // "\x93NUMPY"
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("not a NumPy .npy/.cs file (no \\x93NUMPY magic string)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("file ends inside the header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("format version \(major) is not 1, 2 or 3")
        }
        guard headerLength <= Self.maximumHeaderLength, headerStart + headerLength <= bytes.count else {
            throw fail("header length \(headerLength) bytes exceeds the file (\(bytes.count) bytes) or 1 MiB")
        }
        let headerText = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        var parser = PythonLiteralParser(text: headerText)
        let parsed: PythonLiteral
        do { parsed = try parser.parseValue() } catch { throw fail(error.message) }
        guard case .dictionary(let header) = parsed else {
            throw fail("header is not a dict")
        }
        func entry(_ key: String) throws -> PythonLiteral {
            guard let value = header.first(where: { $0.key == key })?.value else { throw fail("no '\(key)' entry") }
            return value
        }
        if case .boolean(true) = try entry("fortran_order") { throw fail("Fortran-ordered arrays are not supported") }
        guard case .sequence(let shape) = try entry("shape"), shape.count == 1, case .integer(let n) = shape[0], n >= 0 else {
            throw fail("shape is not one-dimensional (n,)", field: "shape")
        }
        guard case .sequence(let descr) = try entry("descr") else {
            throw fail("descr is not a list of fields; a plain (unstructured) array holds no particle fields", field: "descr")
        }
        var fields: [Field] = []
        var offset = 0
        for item in descr {
            let field = try Self.field(from: item, offset: offset, fail: fail)
            fields.append(field)
            let (size, overflow) = field.elementSize.multipliedReportingOverflow(by: field.elementCount)
            let (next, overflow2) = offset.addingReportingOverflow(size)
            guard !overflow, !overflow2 else { throw fail("field sizes overflow", field: field.name) }
            offset = next
        }
        let dataOffset = headerStart + headerLength
        let (total, overflow) = offset.multipliedReportingOverflow(by: n)
        guard !overflow, total <= bytes.count - dataOffset else {
            throw FormatError(file: file, location: "data", "\(n) records of \(offset) bytes need \(overflow ? "more than Int.max" : String(total)) "
                              + "bytes but the file holds \(bytes.count - dataOffset) after its header (truncated?)")
        }
        self.file = file
        self.fields = fields
        self.count = n
        self.recordSize = offset
        self.bytes = bytes
        self.dataOffset = dataOffset
    }

    /// One `descr` entry: `(name, type)` or `(name, type, shape)`.
    private static func field(from item: PythonLiteral, offset: Int, fail: (String, String?) -> FormatError) throws -> Field {
        guard case .sequence(let parts) = item, parts.count == 2 || parts.count == 3,
              case .string(let name) = parts[0] else {
            throw fail("a descr entry is not (name, type[, shape])", "descr")
        }
        guard case .string(let type) = parts[1] else {
            throw fail("nested structured fields are not supported", name)
        }
        var elementCount = 1
        if parts.count == 3 {
            guard case .sequence(let dims) = parts[2] else { throw fail("field shape is not a tuple", name) }
            for dim in dims {
                guard case .integer(let d) = dim, d >= 0 else { throw fail("field shape holds a non-integer", name) }
                let (product, overflow) = elementCount.multipliedReportingOverflow(by: d)
                guard !overflow else { throw fail("field shape overflows", name) }
                elementCount = product
            }
        }
        let scalars = Array(type.unicodeScalars)
        guard scalars.count >= 2, let size = Int(String(String.UnicodeScalarView(scalars.dropFirst(2)))),
              size > 0, size <= 1 << 20 else {
            throw fail("type '\(type)' is not a sized NumPy type such as '<f4'", name)
        }
        let order = scalars[0]
        guard order == "<" || order == "|" || order == "=" || (order == ">" && size == 1) else {
            throw fail("type '\(type)' is big-endian; only little-endian files are read", name)
        }
        let kind: Kind
        switch scalars[1] {
        case "u": kind = .unsignedInteger
        case "i": kind = .signedInteger
        case "f": kind = .float
        case "b": kind = .boolean
        case "S": kind = .bytes
        case "V": kind = .padding
        default: throw fail("type '\(type)' is not an integer, float, boolean or byte string", name)
        }
        let numeric: Set<Int> = kind == .float ? [4, 8] : [1, 2, 4, 8]
        guard kind == .bytes || kind == .padding || numeric.contains(size) else {
            throw fail("type '\(type)' has an unsupported size", name)
        }
        return Field(name: name, kind: kind, elementSize: size, elementCount: elementCount, offset: offset)
    }

    /// The field called `name`, if present.
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// Element `element` of numeric field `field` in record `row`, as a Double (integers up to
    /// 2⁵³ exactly). `row` < `count` and `element` < `field.elementCount` are the caller's to keep.
    public func double(_ field: Field, row: Int, element: Int = 0) -> Double {
        let start = dataOffset + row * recordSize + field.offset + element * field.elementSize
        var bits: UInt64 = 0
        for k in 0..<field.elementSize { bits |= UInt64(bytes[start + k]) << (8 * UInt64(k)) }
        switch (field.kind, field.elementSize) {
        case (.float, 4): return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case (.float, _): return Double(bitPattern: bits)
        case (.signedInteger, let size):
            let shift = UInt64(64 - 8 * size)
            return Double(Int64(bitPattern: bits << shift) >> Int64(shift))
        default: return Double(bits)
        }
    }

    /// Field `field` of record `row` as an unsigned integer (for integer fields).
    public func unsigned(_ field: Field, row: Int, element: Int = 0) -> UInt64 {
        let start = dataOffset + row * recordSize + field.offset + element * field.elementSize
        var bits: UInt64 = 0
        for k in 0..<min(field.elementSize, 8) { bits |= UInt64(bytes[start + k]) << (8 * UInt64(k)) }
        return bits
    }

    /// A byte-string field of record `row`, up to its first NUL, decoded as UTF-8.
    public func string(_ field: Field, row: Int) -> String {
        let start = dataOffset + row * recordSize + field.offset
        let raw = bytes[start..<(start + field.elementSize)]
        let end = raw.firstIndex(of: 0) ?? raw.endIndex
        return String(decoding: raw[raw.startIndex..<end], as: UTF8.self)
    }
}
