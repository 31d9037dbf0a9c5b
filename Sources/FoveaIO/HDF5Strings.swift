import CHDF5
import Foundation

/// Converts between Swift strings and HDF5's fixed- and variable-length string layouts, for
/// datasets and attributes alike. Called with `HDF5Lock` held.
enum HDF5StringCodec {
    /// Lays `strings` out for writing and calls `body` with the memory type and the bytes.
    /// Variable length: an array of C string pointers. Fixed length: `count × fixedLength`
    /// bytes, NUL padded; a string longer than `fixedLength` bytes of UTF-8 is an error.
    static func withEncoded<R>(_ strings: [String], fixedLength: Int?, errors: HDF5ErrorContext, path: String, field: String? = nil,
                               _ body: (hid_t, UnsafeRawPointer?) throws -> R) throws -> R {
        let memoryType = hdf5MakeStringType(fixedLength: fixedLength)
        defer { H5Tclose(memoryType) }
        if let fixedLength {
            var bytes = [UInt8](repeating: 0, count: max(1, strings.count * fixedLength))
            for (index, string) in strings.enumerated() {
                let utf8 = Array(string.utf8)
                guard utf8.count <= fixedLength else {
                    throw errors.error(at: path, field: field, "string \(index) is \(utf8.count) bytes long; the fixed length is \(fixedLength)")
                }
                bytes.replaceSubrange(index * fixedLength ..< index * fixedLength + utf8.count, with: utf8)
            }
            return try bytes.withUnsafeBytes { try body(memoryType, $0.baseAddress) }
        } else {
            let pointers = strings.map { strdup($0) }
            defer { pointers.forEach { free($0) } }
            return try pointers.withUnsafeBytes { try body(memoryType, $0.baseAddress) }
        }
    }

    /// Reads `count` strings stored with `fileType` (fixed or variable length): `read` is called
    /// with a memory type and a buffer to fill (H5Dread or H5Aread), `space` describes the
    /// stored elements (for freeing HDF5's variable-length allocations).
    static func decode(count: Int, fileType: hid_t, space: hid_t, errors: HDF5ErrorContext, path: String, field: String? = nil,
                       _ read: (hid_t, UnsafeMutableRawPointer?) -> herr_t) throws -> [String] {
        guard case .string(let fixedLength) = HDF5ElementKind.of(type: fileType) else {
            throw errors.error(at: path, field: field, "holds \(HDF5ElementKind.of(type: fileType)), not strings")
        }
        if count == 0 { return [] }
        if let fixedLength {
            let memoryType = H5Tcopy(fileType)
            defer { H5Tclose(memoryType) }
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: fixedLength)
            // The callers checked count × fixedLength against the file's size (HDF5ReadPlan).
            guard !overflow else {
                throw errors.error(at: path, field: field, "\(count) strings of \(fixedLength) bytes are too large (damaged file?)")
            }
            var bytes = [UInt8](repeating: 0, count: byteCount)
            try errors.check(bytes.withUnsafeMutableBytes { read(memoryType, $0.baseAddress) }, at: path, field: field, "cannot read the strings")
            let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
            return (0..<count).map { index in
                var slice = bytes[index * fixedLength ..< (index + 1) * fixedLength]
                if let end = slice.firstIndex(of: 0) { slice = slice[..<end] }
                var text = String(decoding: slice, as: UTF8.self)
                if spacePadded { while text.hasSuffix(" ") { text.removeLast() } }
                return text
            }
        }
        let memoryType = hdf5MakeStringType(fixedLength: nil)
        defer { H5Tclose(memoryType) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try errors.check(pointers.withUnsafeMutableBytes { read(memoryType, $0.baseAddress) }, at: path, field: field, "cannot read the strings")
        let strings = pointers.map { $0.map { String(cString: $0) } ?? "" }
        _ = pointers.withUnsafeMutableBytes { fovea_h5_reclaim_vlen(memoryType, space, $0.baseAddress) }
        return strings
    }
}

extension String {
    /// Decodes a NUL-terminated UTF-8 C buffer filled by HDF5.
    init(hdf5Buffer buffer: [CChar]) {
        self.init(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
