import Foundation
import FoveaCore
import FoveaIO
import Testing

@Suite struct PNGWriterTests {
    @Test func pngHasTheRightHeader() throws {
        var raster = RasterImage(width: 3, height: 2, channels: 3)
        raster.setPixel(x: 2, y: 1, SIMD3(255, 0, 7))
        let data = [UInt8](try PNGWriter.encode(raster))
        #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(Array(data[12..<16]) == Array("IHDR".utf8))
        #expect(Array(data[16..<24]) == [0, 0, 0, 3, 0, 0, 0, 2])  // width, height
        #expect(data[24] == 8 && data[25] == 2)  // 8-bit, RGB
        let grey = [UInt8](try PNGWriter.encode(RasterImage(width: 4, height: 4, channels: 1)))
        #expect(grey[25] == 0)  // greyscale
    }
}
