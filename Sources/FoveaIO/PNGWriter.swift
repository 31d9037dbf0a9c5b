import CPNG
import Foundation
import FoveaCore

/// Writes `RasterImage`s as PNG through Debian's libpng (its simplified `png_image` API), atomically.
public enum PNGWriter {
    /// The PNG file bytes of `raster` (8-bit grey or RGB, no interlace).
    /// - Throws: `FormatError` naming `file` when libpng refuses.
    public static func encode(_ raster: RasterImage, file: String = "") throws -> Data {
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
    public static func write(_ raster: RasterImage, to path: String) throws {
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
