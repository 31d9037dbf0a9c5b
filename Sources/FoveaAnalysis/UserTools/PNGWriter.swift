import CPNG
import Foundation
import FoveaIO

/// An 8-bit raster for PNG output: `width`×`height` pixels, rows top to bottom, `channels` bytes
/// per pixel (1 = grey, 3 = RGB), index = channels·(x + width·y).
public struct PreviewRaster: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 (grey) or 3 (RGB).
    public let channels: Int
    public var bytes: [UInt8]

    /// A black raster.
    public init(width: Int, height: Int, channels: Int) {
        precondition(width > 0 && height > 0 && (channels == 1 || channels == 3), "raster needs a size and 1 or 3 channels")
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = [UInt8](repeating: 0, count: width * height * channels)
    }

    /// The colour at (x, y) (grey rasters repeat their one value).
    public func pixel(x: Int, y: Int) -> SIMD3<UInt8> {
        let i = channels * (x + width * y)
        return channels == 1 ? SIMD3(repeating: bytes[i]) : SIMD3(bytes[i], bytes[i + 1], bytes[i + 2])
    }

    /// Sets (x, y) to `colour` (grey rasters take its first component); outside the raster: no-op.
    public mutating func setPixel(x: Int, y: Int, _ colour: SIMD3<UInt8>) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = channels * (x + width * y)
        bytes[i] = colour.x
        if channels == 3 { bytes[i + 1] = colour.y; bytes[i + 2] = colour.z }
    }
}

/// Writes `PreviewRaster`s as PNG through Debian's libpng (its simplified `png_image` API), atomically.
public enum PNGWriter {
    /// The PNG file bytes of `raster` (8-bit grey or RGB, no interlace).
    /// - Throws: `FormatError` naming `file` when libpng refuses.
    public static func encode(_ raster: PreviewRaster, file: String = "") throws -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(raster.width)
        image.height = UInt32(raster.height)
        image.format = raster.channels == 1 ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB)
        let stride = Int32(raster.width * raster.channels)
        var size = 0
        let sized = raster.bytes.withUnsafeBytes { pixels in
            png_image_write_to_memory(&image, nil, &size, 0, pixels.baseAddress, stride, nil)
        }
        guard sized != 0, size > 0 else { throw failure(&image, file: file) }
        var data = Data(count: size)
        let written = data.withUnsafeMutableBytes { output in
            raster.bytes.withUnsafeBytes { pixels in
                png_image_write_to_memory(&image, output.baseAddress, &size, 0, pixels.baseAddress, stride, nil)
            }
        }
        guard written != 0 else { throw failure(&image, file: file) }
        return data.prefix(size)
    }

    /// Writes `raster` to `path` as PNG (atomically: a failure leaves an existing file untouched).
    public static func write(_ raster: PreviewRaster, to path: String) throws {
        try AtomicFileWriter.write(try encode(raster, file: path), to: path)
    }

    private static func failure(_ image: inout png_image, file: String) -> FormatError {
        let message = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        return FormatError(file: file, "libpng could not encode the image: \(message)")
    }
}
