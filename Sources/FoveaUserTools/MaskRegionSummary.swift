import Foundation
import FoveaCore

/// Where a focus mask's region is and how big: what `fovea mask` prints, and the `--sphere` spec
/// that encloses it.
public struct MaskRegionSummary: Sendable, Equatable {
    /// Centre of mass of the mask values, Å from the map centre (voxel N/2).
    public var centreFromMapCentre: SIMD3<Double>
    /// The same, Å from the map corner (voxel 0 at 0 Å): centre + (N/2)·p.
    public var centreFromCorner: SIMD3<Double>
    /// Å: the largest distance from the centre of mass to a voxel centre with value ≥ 0.5, plus
    /// half a voxel (so a sphere of this radius holds the region's voxel centres with margin).
    public var enclosingRadius: Double
    /// Voxels with value ≥ 0.5, and their volume in Å³ (count · p³).
    public var regionVoxels: Int
    public var regionVolume: Double
    /// Σ mask values · p³ (Å³): the volume a soft mask weighs.
    public var weightedVolume: Double

    /// Summarises `mask`.
    /// - Throws: `FocusMaskError` when the mask is empty (no voxel ≥ 0.5 or a zero sum).
    public init(mask: Volume) throws {
        let n = mask.size, p = mask.pixelSize, half = Double(n / 2)
        var weight = 0.0, moment = SIMD3<Double>.zero, count = 0
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let v = Double(mask.voxels[x + n * (y + n * z)])
            guard v > 0 else { continue }
            weight += v
            moment += v * SIMD3(Double(x) - half, Double(y) - half, Double(z) - half)
            if v >= 0.5 { count += 1 }
        } } }
        guard weight > 0, count > 0 else { throw FocusMaskError("the mask is empty: no voxel is ≥ 0.5") }
        let centre = moment / weight
        var radius2 = 0.0
        for z in 0..<n { for y in 0..<n { for x in 0..<n where mask.voxels[x + n * (y + n * z)] >= 0.5 {
            let d = SIMD3(Double(x) - half, Double(y) - half, Double(z) - half) - centre
            radius2 = max(radius2, (d * d).sum())
        } } }
        centreFromMapCentre = centre * p
        centreFromCorner = (centre + SIMD3(repeating: half)) * p
        enclosingRadius = (radius2.squareRoot() + 0.5) * p
        regionVoxels = count
        regionVolume = Double(count) * p * p * p
        weightedVolume = weight * p * p * p
    }

    /// The enclosing sphere, as `FocusSphere` with the given origin.
    public func sphere(origin: CoordinateOrigin) -> FocusSphere {
        FocusSphere(centre: origin == .corner ? centreFromCorner : centreFromMapCentre, radius: enclosingRadius, origin: origin)
    }

    /// "x,y,z,r" (Å, two decimals) for `fovea classify --sphere`.
    public func sphereSpec(origin: CoordinateOrigin) -> String {
        let s = sphere(origin: origin)
        return [s.centre.x, s.centre.y, s.centre.z, s.radius].map { formatAngstrom($0) }.joined(separator: ",")
    }
}

/// Two decimals, no "-0.00".
func formatAngstrom(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return String(format: "%.2f", rounded == 0 ? 0 : rounded)
}
