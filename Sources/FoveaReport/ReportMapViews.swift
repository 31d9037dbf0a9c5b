import Foundation
import FoveaCore

extension MapViews {
    /// The xy, xz and yz sections through voxel `point` (x, y, z; clamped into the box), each
    /// row-major N×N and named with its plane ("xy (z = 31)").
    public static func sections(_ volume: Volume, through point: SIMD3<Int>) -> [(name: String, values: [Float])] {
        let n = volume.size
        let x0 = min(max(point.x, 0), n - 1), y0 = min(max(point.y, 0), n - 1), z0 = min(max(point.z, 0), n - 1)
        var xy = [Float](repeating: 0, count: n * n), xz = xy, yz = xy
        for a in 0..<n {
            for b in 0..<n {
                xy[a + n * b] = volume[a, b, z0]
                xz[a + n * b] = volume[a, y0, b]
                yz[a + n * b] = volume[x0, a, b]
            }
        }
        return [("xy (z = \(z0))", xy), ("xz (y = \(y0))", xz), ("yz (x = \(x0))", yz)]
    }
}

extension RasterImage {
    /// Signed values (row-major, y up as `grey`) in blue (negative), white (0) and red
    /// (positive), scaled symmetrically by the 99.5th percentile of |v|.
    public static func signed(_ values: [Float], width: Int, height: Int) -> RasterImage {
        let magnitudes = values.filter(\.isFinite).map(abs).sorted()
        let top = magnitudes.isEmpty ? 0 : magnitudes[Int(Double(magnitudes.count - 1) * 0.995)]
        let scale = top > 0 ? 1 / top : 0
        var bytes = [UInt8](repeating: 255, count: 3 * width * height)
        for y in 0..<height {
            for x in 0..<width {
                let raw = values[x + width * y] * scale
                let v = raw.isFinite ? max(-1, min(1, raw)) : 0
                let fade = UInt8(255 * (1 - abs(v)))
                let index = 3 * (x + width * (height - 1 - y))
                if v >= 0 { bytes[index + 1] = fade; bytes[index + 2] = fade } else { bytes[index] = fade; bytes[index + 1] = fade }
            }
        }
        return RasterImage(width: width, height: height, channels: 3, bytes: bytes)
    }

    /// Colours the pixels of `inside` (row-major, y up; same size as the image) that touch a pixel
    /// outside it or the image edge: the region's outline.
    public mutating func drawOutline(of inside: [Bool], colour: (UInt8, UInt8, UInt8)) {
        precondition(channels == 3 && inside.count == width * height, "outline on an RGB image of the region's size")
        for y in 0..<height {
            for x in 0..<width where inside[x + width * y] {
                let edge = x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || !inside[x - 1 + width * y] || !inside[x + 1 + width * y]
                    || !inside[x + width * (y - 1)] || !inside[x + width * (y + 1)]
                guard edge else { continue }
                let index = 3 * (x + width * (height - 1 - y))
                bytes[index] = colour.0; bytes[index + 1] = colour.1; bytes[index + 2] = colour.2
            }
        }
    }
}
