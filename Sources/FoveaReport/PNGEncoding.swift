import CPNG
import Foundation

/// PNG encoding of `RasterImage` through Debian's libpng.
public enum PNGEncoding {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The PNG file bytes of `image` (8-bit grey or RGB).
    public static func encode(_ image: RasterImage) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>? = nil
        var size = 0
        let status = image.bytes.withUnsafeBufferPointer {
            fovea_png_encode($0.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels), &out, &size)
        }
        guard status == 0, let out else { throw Failure(description: "libpng could not encode a \(image.width)×\(image.height) image") }
        defer { free(out) }
        return Data(bytes: out, count: size)
    }

    /// Writes `image` as a PNG file (atomically).
    public static func write(_ image: RasterImage, to path: String) throws {
        let data = try encode(image)
        let temporary = path + ".tmp-\(getpid())"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw Failure(description: "\(path): cannot rename the written file into place") }
    }
}
