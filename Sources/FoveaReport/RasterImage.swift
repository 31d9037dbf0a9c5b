import Foundation
import FoveaCore

/// An 8-bit image for the report (grey, or RGB when `channels` is 3), rows top to bottom.
public struct RasterImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var bytes: [UInt8]

    public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
        precondition(bytes.count == width * height * channels, "RasterImage needs width·height·channels bytes")
        self.width = width; self.height = height; self.channels = channels; self.bytes = bytes
    }

    /// `values` (row-major, y up as in the map: row 0 is y = 0 and is drawn at the bottom) scaled
    /// linearly from their 1st–99.5th percentile range to 0…255.
    public static func grey(_ values: [Float], width: Int, height: Int) -> RasterImage {
        let sorted = values.filter(\.isFinite).sorted()
        let low = sorted.isEmpty ? 0 : sorted[Int(Double(sorted.count - 1) * 0.01)]
        let high = sorted.isEmpty ? 1 : sorted[Int(Double(sorted.count - 1) * 0.995)]
        let scale = high > low ? 255 / (high - low) : 0
        var bytes = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let v = (values[x + width * y] - low) * scale
                bytes[x + width * (height - 1 - y)] = UInt8(max(0, min(255, v.isFinite ? v : 0)))
            }
        }
        return RasterImage(width: width, height: height, channels: 1, bytes: bytes)
    }

    /// This grey image as RGB, to draw coloured marks on.
    public func rgb() -> RasterImage {
        guard channels == 1 else { return self }
        return RasterImage(width: width, height: height, channels: 3, bytes: bytes.flatMap { [$0, $0, $0] })
    }

    /// Draws a circle outline (centre in image pixels, y up as `grey`) in `colour`.
    public mutating func drawCircle(centreX: Double, centreY: Double, radius: Double, colour: (UInt8, UInt8, UInt8)) {
        precondition(channels == 3, "draw on an RGB image")
        // Centres and radii come from particle tables: circles that are not finite or lie far off the image are not drawn.
        let reach = Double(width + height)
        guard radius.isFinite, centreX.isFinite, centreY.isFinite, radius < reach, abs(centreX) < 2 * reach,
              abs(centreY) < 2 * reach else { return }
        let steps = max(32, Int(radius * 8))
        for i in 0..<steps {
            let angle = 2 * Double.pi * Double(i) / Double(steps)
            let x = Int((centreX + radius * cos(angle)).rounded()), y = Int((centreY + radius * sin(angle)).rounded())
            guard x >= 0, x < width, y >= 0, y < height else { continue }
            let index = 3 * (x + width * (height - 1 - y))
            bytes[index] = colour.0; bytes[index + 1] = colour.1; bytes[index + 2] = colour.2
        }
    }
}

/// Central sections and projections of a map, as the report shows them.
public enum MapViews {
    /// The projection along z (sum over z), N×N.
    public static func projectionAlongZ(_ volume: Volume) -> [Float] {
        let n = volume.size
        var out = [Float](repeating: 0, count: n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n { out[x + n * y] += volume[x, y, z] } } }
        return out
    }
}
