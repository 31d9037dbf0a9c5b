/// A disc in an N×N image, in pixels relative to the image centre (pixel (N/2, N/2)).
public struct Disc: Sendable, Equatable {
    public var centre: SIMD2<Double>
    public var radius: Double

    public init(centre: SIMD2<Double>, radius: Double) {
        self.centre = centre
        self.radius = radius
    }

    /// Whether pixel (ix, iy) of an N×N image is in the hard disc: (x − xc)² + (y − yc)² ≤ r².
    @inlinable public func contains(x: Int, y: Int, imageSize: Int) -> Bool {
        let dx = Double(x - imageSize / 2) - centre.x
        let dy = Double(y - imageSize / 2) - centre.y
        return dx * dx + dy * dy <= radius * radius
    }

    /// The disc as an N×N mask image: the hard binary disc of cisTEM's likelihood (edgeWidth 0), or
    /// with a cosine edge of full width `edgeWidth` pixels centred on the radius (our extension).
    public func mask(imageSize: Int, pixelSize: Double, edgeWidth: Double = 0) -> Image2D {
        var image = Image2D(size: imageSize, pixelSize: pixelSize)
        if edgeWidth == 0 {
            for y in 0..<imageSize { for x in 0..<imageSize where contains(x: x, y: y, imageSize: imageSize) {
                image[x, y] = 1
            } }
        } else {
            image.pixels = [Float](repeating: 1, count: imageSize * imageSize)
            image.applyCircularMask(CosineEdge(radius: radius, width: edgeWidth), centre: centre, fill: .value(0))
        }
        return image
    }
}
