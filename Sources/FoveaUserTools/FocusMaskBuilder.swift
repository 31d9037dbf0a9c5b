import Foundation
import FoveaCore

/// A problem with the inputs of a focus mask (sphere outside the box, empty region, mismatched
/// maps), with what to do next.
public struct FocusMaskError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Builds focus masks on the `Volume` frame (voxel (N/2, N/2, N/2) at the map centre), values in [0, 1].
///
/// Soft edges: a sphere's cosine edge is centred on its radius (cisTEM's convention, `CosineEdge`:
/// weight ½ at r). A region taken from a map or mask keeps weight 1 on every region voxel and falls
/// outward as ½[1 + cos(π d / w)] for 0 < d < w, d = distance (Å, voxel centre to nearest region
/// voxel centre), as `relion_mask_create --width_soft_edge` does.
public enum FocusMaskBuilder {
    /// The sphere as an N³ mask.
    /// - Throws: `FocusMaskError` when the sphere, with half its soft edge, does not lie inside the box.
    public static func sphere(_ sphere: FocusSphere, boxSize: Int, pixelSize: Double, softEdge: Double = 0) throws -> Volume {
        guard sphere.radius > 0, pixelSize > 0, boxSize > 0 else {
            throw FocusMaskError("the sphere radius, box and pixel size must be positive")
        }
        let c = sphere.centreFromMapCentre(pixelSize: pixelSize, boxSize: boxSize)
        let reach = (sphere.radius + softEdge / 2) / pixelSize
        let low = -Double(boxSize / 2), high = Double(boxSize - 1 - boxSize / 2)
        for axis in 0..<3 where c[axis] - reach < low - 0.5 || c[axis] + reach > high + 0.5 {
            let name = ["x", "y", "z"][axis]
            let origin = sphere.origin == .corner ? "the map corner" : "the map centre"
            throw FocusMaskError("""
                the sphere (centre \(formatAngstrom(sphere.centre[axis])) Å in \(name) from \(origin), radius \(sphere.radius) Å\
                \(softEdge > 0 ? " + half of --soft-edge \(softEdge) Å" : "")) reaches outside the \(boxSize)-voxel box \
                (\(name) from \(formatAngstrom(low * pixelSize)) to \(formatAngstrom(high * pixelSize)) Å around the centre); \
                check --origin (corner or centre), or use a smaller radius
                """)
        }
        return sphere.volume(size: boxSize, pixelSize: pixelSize, edgeWidth: softEdge)
    }

    /// The region of `map` above `threshold`, grown by `dilation` Å, with an outward soft edge.
    /// - Throws: `FocusMaskError` when no voxel exceeds the threshold.
    public static func region(of map: Volume, threshold: Float, dilation: Double = 0, softEdge: Double = 0) throws -> Volume {
        let region = map.voxels.map { $0 > threshold }
        guard region.contains(true) else {
            let maximum = map.voxels.max() ?? 0
            throw FocusMaskError("no voxel of the map is above --threshold \(threshold) (map maximum \(maximum)); use a lower threshold")
        }
        return try softened(region: region, size: map.size, pixelSize: map.pixelSize, dilation: dilation, softEdge: softEdge)
    }

    /// An existing mask: unchanged without dilation and soft edge, else its region (values ≥ 0.5)
    /// grown and softened as `region(of:…)`.
    /// - Throws: `FocusMaskError` when the mask has no voxel ≥ 0.5.
    public static func fromMask(_ mask: Volume, dilation: Double = 0, softEdge: Double = 0) throws -> Volume {
        let region = mask.voxels.map { $0 >= 0.5 }
        guard region.contains(true) else {
            throw FocusMaskError("the mask has no voxel ≥ 0.5 (maximum \(mask.voxels.max() ?? 0)): it is empty")
        }
        if dilation == 0 && softEdge == 0 { return mask }
        return try softened(region: region, size: mask.size, pixelSize: mask.pixelSize, dilation: dilation, softEdge: softEdge)
    }

    /// 1 within `dilation` Å of the region, then ½[1 + cos(π(d − dilation)/w)] up to dilation + w.
    private static func softened(region: [Bool], size n: Int, pixelSize: Double, dilation: Double, softEdge: Double) throws -> Volume {
        guard dilation >= 0, softEdge >= 0 else { throw FocusMaskError("--dilate and --soft-edge must not be negative") }
        return RegionSoftEdge.soften(region: region, size: n, pixelSize: pixelSize,
                                     dilationPixels: dilation / pixelSize, edgePixels: softEdge / pixelSize)
    }
}
