/// Where a focus sphere's centre coordinates are measured from (docs/conventions.md).
public enum CoordinateOrigin: String, Sendable, Codable, CaseIterable {
    /// From the centre of voxel (0, 0, 0) of the map, as Frealign/cisTEM `focus_mask`.
    case corner
    /// From the map centre, voxel (N/2, N/2, N/2).
    case centre
}

/// The one focus sphere of the project (`--sphere` of classify and mask, the simulator's arm+hand
/// sphere, the report): centre (x, y, z) in Å measured from `origin`, radius in Å.
/// Stored in checkpoints and `run.h5` as {x, y, z, radius, origin}.
public struct FocusSphere: Sendable, Equatable, Codable {
    public let x: Double
    public let y: Double
    public let z: Double
    public let radius: Double
    public let origin: CoordinateOrigin

    public init(x: Double, y: Double, z: Double, radius: Double, origin: CoordinateOrigin) {
        self.x = x; self.y = y; self.z = z; self.radius = radius; self.origin = origin
    }

    /// A sphere with centre `centre` (Å from `origin`) and `radius` Å.
    public init(centre: SIMD3<Double>, radius: Double, origin: CoordinateOrigin) {
        self.init(x: centre.x, y: centre.y, z: centre.z, radius: radius, origin: origin)
    }

    /// The centre (x, y, z) in Å, measured from `origin`.
    public var centre: SIMD3<Double> { SIMD3(x, y, z) }

    /// A sphere whose centre is given in Å from the map centre.
    public init(centreFromMapCentreInÅ centre: SIMD3<Double>, radius: Double) {
        self.init(x: centre.x, y: centre.y, z: centre.z, radius: radius, origin: .centre)
    }

    /// Centre relative to the map centre, in pixels (voxel N/2 is 0).
    public func centreFromMapCentre(pixelSize: Double, boxSize: Int) -> SIMD3<Double> {
        let inPixels = SIMD3(x, y, z) / pixelSize
        switch origin {
        case .centre: return inPixels
        case .corner: return inPixels - SIMD3(repeating: Double(boxSize / 2))
        }
    }

    /// The same sphere with its centre measured from `newOrigin`, on a map of `boxSize` voxels of
    /// `pixelSize` Å.
    public func measured(from newOrigin: CoordinateOrigin, pixelSize: Double, boxSize: Int) -> FocusSphere {
        let fromCentre = centreFromMapCentre(pixelSize: pixelSize, boxSize: boxSize) * pixelSize
        let centre = newOrigin == .centre ? fromCentre : fromCentre + SIMD3(repeating: Double(boxSize / 2) * pixelSize)
        return FocusSphere(x: centre.x, y: centre.y, z: centre.z, radius: radius, origin: newOrigin)
    }

    /// The sphere seen along a view: a disc at (Mᵀ·c)_xy pixels from the image centre with radius
    /// r/p pixels (docs/algorithm.md §5.3; exact, since a sphere projects to a disc in any direction).
    public func projected(along view: RotationMatrix, boxSize: Int, pixelSize: Double) -> Disc {
        let c = view.applyTransposed(centreFromMapCentre(pixelSize: pixelSize, boxSize: boxSize))
        return Disc(centre: SIMD2(c.x, c.y), radius: radius / pixelSize)
    }

    /// The sphere as an N³ map on the `Volume` frame: 1 inside, 0 outside, with an optional
    /// cosine edge of full width `edgeWidth` Å centred on the sphere surface.
    public func volume(size: Int, pixelSize: Double, edgeWidth: Double = 0) -> Volume {
        var map = Volume(size: size, pixelSize: pixelSize)
        map.voxels = [Float](repeating: 1, count: size * size * size)
        map.applySphericalMask(CosineEdge(radius: radius / pixelSize, width: edgeWidth / pixelSize),
                               centre: centreFromMapCentre(pixelSize: pixelSize, boxSize: size), fill: .value(0))
        return map
    }

    /// "x,y,z,r" in Å with one decimal, as `--sphere` takes it (with `--sphere-origin` = `origin`).
    public var optionText: String {
        [x, y, z, radius].map(Self.oneDecimal).joined(separator: ",")
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "\(value)" }
        let sign = tenths < 0 ? "-" : ""
        let magnitude = Int(abs(tenths))
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
