import Foundation
import FoveaAnalysis

/// PNG encoding of the report's `RasterImage` through FoveaAnalysis's libpng `PNGWriter`.
public enum PNGEncoding {
    /// The PNG file bytes of `image` (8-bit grey or RGB).
    public static func encode(_ image: RasterImage) throws -> Data {
        var raster = PreviewRaster(width: image.width, height: image.height, channels: image.channels)
        raster.bytes = image.bytes
        return try PNGWriter.encode(raster)
    }
}
