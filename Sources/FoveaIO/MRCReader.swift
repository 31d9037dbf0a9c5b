import Foundation
import FoveaCore

/// An open MRC/MRCS file from which single images, whole stacks or a volume are read.
///
/// Opening reads and checks only the header (and that the file is long enough for the data the
/// header promises), so a rank that needs a few images of a large stack reads only those:
/// `image(at:)` reads one section with one `pread`. Images are `nx`×`ny` sections; Fovea's
/// `Image2D` and `Volume` are square/cubic, so other shapes are rejected when read as such.
/// Pixel size comes from the header (cell length / mx); 0 means the header did not say.
public final class MRCReader {
    /// The path as given.
    public let path: String
    public let header: MRCHeader
    /// Length of the file in bytes when it was opened (at least `header.expectedFileSize`).
    public let fileSize: Int
    private let descriptor: Int32

    /// Opens `path` and validates its header.
    /// - Throws: `FormatError` for a missing/unreadable file, a bad header (dimensions, mode) or a
    ///   file shorter than header + extended header + nx·ny·nz values.
    public init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FormatError(file: path, "cannot open for reading: \(String(cString: strerror(errno)))")
        }
        do {
            var headerBytes = [UInt8](repeating: 0, count: MRCHeader.byteCount)
            let got = try Self.readFully(descriptor, into: &headerBytes, offset: 0, path: path)
            header = try MRCHeader.decode(Array(headerBytes.prefix(got)), file: path)
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                throw FormatError(file: path, "cannot stat: \(String(cString: strerror(errno)))")
            }
            let size = Int(info.st_size)
            // Checked before anything is allocated: every later size fits in this file's length.
            let needed = try header.checkedFileSize(file: path)
            if size < needed {
                let field = size < header.dataOffset ? "nsymbt" : "nz"
                throw FormatError(
                    file: path, location: "data", field: field,
                    "file is truncated: \(size) bytes, but the header (\(header.nx)×\(header.ny)×\(header.nz), "
                    + "mode \(header.mode.rawValue), \(header.extendedHeaderBytes) extended-header bytes) "
                    + "needs \(needed)")
            }
            fileSize = size
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// Number of images in a stack (sections, `nz`).
    public var imageCount: Int { header.nz }

    /// Å per pixel from the header (0 when unknown).
    public var pixelSize: Double { header.pixelSize }

    /// The values of section `index` (0-based), `nx`·`ny` floats, x fastest.
    /// - Throws: `FormatError` naming the image (1-based, as in `N@file`) when beyond the stack.
    public func sectionValues(at index: Int) throws -> [Float] {
        guard index >= 0, index < header.nz else {
            throw FormatError(file: path, location: "image \(index + 1)", field: "nz",
                              "image index beyond the stack, which holds \(header.nz) images (1-based \(index + 1))")
        }
        return try values(sections: index..<(index + 1))
    }

    /// One square image of a stack (0-based `index`).
    public func image(at index: Int) throws -> Image2D {
        try requireSquare("image")
        return Image2D(size: header.nx, pixelSize: pixelSize, pixels: try sectionValues(at: index))
    }

    /// Several images of this stack (0-based indices, any order, repeats allowed), read in
    /// increasing file order and returned in the order asked.
    public func images(at indices: [Int]) throws -> [Image2D] {
        var result = [Image2D?](repeating: nil, count: indices.count)
        for position in indices.indices.sorted(by: { indices[$0] < indices[$1] }) {
            result[position] = try image(at: indices[position])
        }
        return result.map { $0! }
    }

    /// Every image of the stack, in order (one contiguous read).
    public func allImages() throws -> [Image2D] {
        try requireSquare("image")
        let values = try values(sections: 0..<header.nz)
        let area = header.nx * header.ny
        return (0..<header.nz).map { k in
            Image2D(size: header.nx, pixelSize: pixelSize, pixels: Array(values[(k * area)..<((k + 1) * area)]))
        }
    }

    /// The whole file as a cubic volume.
    public func volume() throws -> Volume {
        guard header.nx == header.ny, header.ny == header.nz else {
            throw FormatError(file: path, location: "header", field: "nz",
                              "volume is \(header.nx)×\(header.ny)×\(header.nz); Fovea needs a cubic map")
        }
        return Volume(size: header.nx, pixelSize: pixelSize, voxels: try values(sections: 0..<header.nz))
    }

    // MARK: Raw access

    private func requireSquare(_ what: String) throws {
        guard header.nx == header.ny else {
            throw FormatError(file: path, location: "header", field: "ny",
                              "\(what) is \(header.nx)×\(header.ny); Fovea needs square images")
        }
    }

    private func values(sections: Range<Int>) throws -> [Float] {
        let byteCount = header.sectionBytes * sections.count
        var raw = [UInt8](repeating: 0, count: byteCount)
        let offset = header.dataOffset + header.sectionBytes * sections.lowerBound
        let got = try Self.readFully(descriptor, into: &raw, offset: offset, path: path)
        guard got == byteCount else {
            throw FormatError(file: path, location: "image \(sections.lowerBound + got / max(1, header.sectionBytes) + 1)",
                              field: "data", "file ended early while reading (truncated?)")
        }
        let count = header.nx * header.ny * sections.count
        var output = [Float](repeating: 0, count: count)
        raw.withUnsafeBytes { source in
            output.withUnsafeMutableBufferPointer { target in
                MRCValueDecoding.decode(source, mode: header.mode, bigEndian: header.isBigEndian, into: target)
            }
        }
        return output
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns how many were read (less at end of file).
    private static func readFully(_ fd: Int32, into buffer: inout [UInt8], offset: Int, path: String) throws -> Int {
        var total = 0
        let wanted = buffer.count
        try buffer.withUnsafeMutableBytes { raw in
            while total < wanted {
                let n = pread(fd, raw.baseAddress! + total, wanted - total, off_t(offset + total))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FormatError(file: path, "read failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { break }
                total += n
            }
        }
        return total
    }
}
