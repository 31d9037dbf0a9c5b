/// Where the centre coordinates of a `SphereMask` are measured from.
public enum MaskOrigin: String, Sendable, Codable {
    /// From the corner of the map (voxel 0 at 0 Å), as Frealign's `focus_mask` and cisTEM's
    /// 2-D masking sphere (docs/algorithm.md §5.3).
    case mapCorner
    /// From the map centre (voxel N/2 at 0 Å).
    case mapCentre
}

/// A sphere given in Å: the focus region of focused classification.
public struct SphereMask: Sendable, Equatable, Codable {
    /// Centre (x, y, z) in Å, measured from `origin`.
    public var centre: SIMD3<Double>
    /// Radius in Å.
    public var radius: Double
    public var origin: MaskOrigin

    public init(centre: SIMD3<Double>, radius: Double, origin: MaskOrigin) {
        self.centre = centre
        self.radius = radius
        self.origin = origin
    }

    /// The centre in pixels relative to the map centre (voxel N/2): c/p − N/2 from the corner,
    /// c/p from the centre.
    public func centreInPixels(boxSize: Int, pixelSize: Double) -> SIMD3<Double> {
        let c = centre / pixelSize
        switch origin {
        case .mapCorner: return c - SIMD3(repeating: Double(boxSize / 2))
        case .mapCentre: return c
        }
    }

    /// The sphere seen along a view: a disc at (Mᵀ·c)_xy pixels from the image centre with radius
    /// r/p pixels (docs/algorithm.md §5.3; exact, since a sphere projects to a disc in any direction).
    public func projected(along view: RotationMatrix, boxSize: Int, pixelSize: Double) -> Disc {
        let c = view.applyTransposed(centreInPixels(boxSize: boxSize, pixelSize: pixelSize))
        return Disc(centre: SIMD2(c.x, c.y), radius: radius / pixelSize)
    }

    /// The sphere as an N³ map on the `Volume` frame: 1 inside, 0 outside, with an optional
    /// cosine edge of full width `edgeWidth` Å centred on the sphere surface.
    public func volume(size: Int, pixelSize: Double, edgeWidth: Double = 0) -> Volume {
        var map = Volume(size: size, pixelSize: pixelSize)
        map.voxels = [Float](repeating: 1, count: size * size * size)
        map.applySphericalMask(CosineEdge(radius: radius / pixelSize, width: edgeWidth / pixelSize),
                               centre: centreInPixels(boxSize: size, pixelSize: pixelSize), fill: .value(0))
        return map
    }
}

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
