/// A square real-space image of `size`² pixels, x fastest (MRC order).
///
/// Frame: pixel (ix, iy) sits at (ix − N/2, iy − N/2) pixels from the image centre.
/// `pixelSize` is in Å per pixel.
public struct Image2D: Sendable, Equatable {
    /// Edge length N in pixels.
    public let size: Int
    /// Å per pixel.
    public var pixelSize: Double
    /// N² values, index = ix + N·iy.
    public var pixels: [Float]

    /// An image of zeros.
    public init(size: Int, pixelSize: Double) {
        precondition(size > 0, "Image size must be positive")
        self.size = size
        self.pixelSize = pixelSize
        self.pixels = [Float](repeating: 0, count: size * size)
    }

    /// An image over existing values; `pixels.count` must be `size`².
    public init(size: Int, pixelSize: Double, pixels: [Float]) {
        precondition(pixels.count == size * size, "Image needs size² pixels")
        self.size = size
        self.pixelSize = pixelSize
        self.pixels = pixels
    }

    @inlinable public subscript(x: Int, y: Int) -> Float {
        get { pixels[x + size * y] }
        set { pixels[x + size * y] = newValue }
    }
}
