import Foundation

/// A checksum stamped into the user block (the first `userBlockBytes`, which HDF5 skips) of every
/// HDF5 file Fovea writes, and verified before the HDF5 library sees the file: a damaged
/// checkpoint or run.h5 gives a clear error instead of reaching the library's own parser, which
/// can loop forever or crash on some damaged files. Files without the stamp (written by older
/// versions, or by other programs) are opened unverified when their HDF5 signature is at byte 0, as
/// are files changed in place (`.readWrite`), whose stamp is withdrawn first.
///
/// Stamp: `FOVEA-HDF5-CHECKSUM 1 <length> <hash>\n`, NUL padded; `hash` is a 64-bit hash (hex) of
/// bytes `userBlockBytes ..< length`.
enum HDF5Checksum {
    /// Bytes reserved before the HDF5 superblock (a power of two ≥ 512, as HDF5 requires).
    static let userBlockBytes = 512
    static let prefix = "FOVEA-HDF5-CHECKSUM 1 "
    /// HDF5's format signature, at byte 0, 512, 1024 … of a file.
    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Writes the stamp into the user block of the finished file at `path` (reported as `file`).
    static func stamp(_ path: String, file: String) throws {
        let descriptor = open(path, O_RDWR | O_NOFOLLOW)
        guard descriptor >= 0 else { throw FormatError(file: file, "cannot reopen to stamp its checksum: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let (length, hash) = try digest(descriptor, file: file)
        var block = Array((prefix + "\(length) \(String(hash, radix: 16))\n").utf8)
        block += [UInt8](repeating: 0, count: userBlockBytes - block.count)
        guard pwrite(descriptor, block, block.count, 0) == block.count else {
            throw FormatError(file: file, "cannot write its checksum: \(String(cString: strerror(errno)))")
        }
    }

    /// The user block of a stamped file opened for writing in place: its stamp no longer holds.
    static let unverified = "FOVEA-HDF5-UNVERIFIED\n"

    /// Replaces the stamp of `path` (if any) by the unverified mark, before it is changed in place.
    static func withdrawStamp(_ path: String) {
        let descriptor = open(path, O_RDWR | O_NOFOLLOW)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: prefix.utf8.count)
        guard pread(descriptor, &head, head.count, 0) == head.count, head == Array(prefix.utf8) else { return }
        var block = Array(unverified.utf8)
        block += [UInt8](repeating: 0, count: userBlockBytes - block.count)
        _ = pwrite(descriptor, block, block.count, 0)
    }

    /// Checks the stamp of the file at `path` before HDF5 opens it.
    /// - Throws: `FormatError` when the stamp does not match the contents (damaged or truncated
    ///   file), or when the file has a user block that is not Fovea's stamp.
    static func verify(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return }   // HDF5's open names the problem
        defer { close(descriptor) }
        var head = [UInt8](repeating: 0, count: userBlockBytes + hdf5Signature.count)
        let got = pread(descriptor, &head, head.count, 0)
        guard got > 0 else { return }
        let bytes = Array(head.prefix(got))
        if bytes.starts(with: hdf5Signature) { return }   // no user block: an unstamped file
        if bytes.starts(with: Array(unverified.utf8)) { return }   // changed in place after writing
        guard bytes.starts(with: Array(prefix.utf8)) else {
            // Superblock after a user block that is not the stamp: a stamped file whose first
            // bytes were damaged. Anything else is left to HDF5 (which names what it is not).
            if bytes.count >= userBlockBytes + hdf5Signature.count,
               Array(bytes[userBlockBytes..<(userBlockBytes + hdf5Signature.count)]) == hdf5Signature {
                throw FormatError(file: path, location: "byte 0", field: "user block",
                                  "the first bytes, where Fovea writes the file's checksum, are damaged")
            }
            return
        }
        let line = String(decoding: bytes.prefix { $0 != 0x0A && $0 != 0 }, as: UTF8.self)
        let fields = line.dropFirst(prefix.count).split(separator: " ")
        let (length, hash) = try digest(descriptor, file: path)
        guard fields.count == 2, Int(fields[0]) == length, UInt64(fields[1], radix: 16) == hash else {
            throw FormatError(file: path, location: "byte 0", field: "checksum",
                              "the file's contents do not match the checksum Fovea wrote with it (\(length) bytes now): "
                              + "the file is damaged or truncated")
        }
    }

    /// The length of the file and the hash of its bytes after the user block.
    private static func digest(_ descriptor: Int32, file: String) throws -> (Int, UInt64) {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var buffer = [UInt8](repeating: 0, count: 1 << 22)
        var offset = userBlockBytes
        while true {
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FormatError(file: file, "read failed: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            buffer.withUnsafeBytes { raw in
                var k = 0
                while k + 8 <= got {
                    hash = (hash ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0x100_0000_01B3
                    hash ^= hash >> 29
                    k += 8
                }
                while k < got {
                    hash = (hash ^ UInt64(raw[k])) &* 0x100_0000_01B3
                    k += 1
                }
            }
            offset += got
        }
        return (offset, hash)
    }
}
