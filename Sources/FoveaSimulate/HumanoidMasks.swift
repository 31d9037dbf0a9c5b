import FoveaCore

/// The regions of the preprint's masks (Figure 2, Figure 3, Table 2), all on side A (+x) except
/// the far foot.
public enum HumanoidRegion: String, CaseIterable, Sendable, Codable {
    /// Focus mask: side A's arm and hand in both conformations, grown by the focus margin
    /// (Figure 2A; the mask of Table 1).
    case armHandFocus = "arm_hand_focus_A"
    /// Side A's leg grown by the focus margin, without the near-foot ROI (Figure 2B; Table 2's wrong mask).
    case leg = "leg_A"
    /// ROI: side A's hand in both positions ("near hand", blue in Figure 3).
    case nearHand = "near_hand_A"
    /// ROI: side A's hand in the lowered position only.
    case nearHandLowered = "hand_A_lowered"
    /// ROI: side A's hand in the raised position only.
    case nearHandRaised = "hand_A_raised"
    /// ROI: side A's foot ("near foot", purple in Figure 3).
    case nearFoot = "near_foot_A"
    /// ROI: side B's foot ("far foot", pink in Figure 3).
    case farFoot = "far_foot_B"

    /// One line saying what the region is.
    public var summary: String {
        switch self {
        case .armHandFocus: return "focus mask: side A arm + hand, both conformations, grown by the focus margin"
        case .leg: return "wrong-region mask (Table 2): side A leg grown by the focus margin, near-foot region excluded"
        case .nearHand: return "ROI near hand: side A hand in both positions, arms excluded"
        case .nearHandLowered: return "ROI: side A hand, lowered position, arms excluded"
        case .nearHandRaised: return "ROI: side A hand, raised position, arms excluded"
        case .nearFoot: return "ROI near foot: side A foot, leg excluded"
        case .farFoot: return "ROI far foot: side B foot, leg excluded"
        }
    }
}

/// Sizes of the masks, in Å.
public struct HumanoidMaskSettings: Sendable, Equatable, Codable {
    /// How far (Å) focus and leg masks reach beyond the shapes' surfaces.
    public var focusMargin: Double = 10
    /// How far (Å) ROI masks (hands, feet) reach beyond the shapes' surfaces; kept small so they
    /// make "minimal incursion into neighboring density" (Methods).
    public var roiMargin: Double = 5
    /// Width (pixels) of the cosine soft edge of the soft versions.
    public var softEdgeWidth: Double = 3

    public init(focusMargin: Double = 10, roiMargin: Double = 5, softEdgeWidth: Double = 3) {
        self.focusMargin = focusMargin
        self.roiMargin = roiMargin
        self.softEdgeWidth = softEdgeWidth
    }
}

extension HumanoidGeometry {
    /// Whether the point `p` (Å from the centre) lies in `region` — defined on the exact shapes,
    /// not on thresholded maps, so masks do not depend on the edge σ.
    public func contains(_ region: HumanoidRegion, _ p: SIMD3<Double>, settings: HumanoidMaskSettings) -> Bool {
        RegionMembership(region, geometry: self, settings: settings).contains(p)
    }

    /// The binary (0/1) mask of `region` on `grid` (the region's shapes are made once, not per voxel).
    public func binaryMask(_ region: HumanoidRegion, on grid: HumanoidGrid,
                           settings: HumanoidMaskSettings = HumanoidMaskSettings()) -> Volume {
        var mask = Volume(size: grid.size, pixelSize: grid.pixelSize)
        let n = grid.size
        let membership = RegionMembership(region, geometry: self, settings: settings)
        mask.voxels.withUnsafeMutableBufferPointer { voxels in
            for k in 0..<n {
                for j in 0..<n {
                    for i in 0..<n where membership.contains(grid.position(i, j, k)) {
                        voxels[i + n * (j + n * k)] = 1
                    }
                }
            }
        }
        return mask
    }

    /// The soft mask of `region`: the binary mask with a cosine edge of `settings.softEdgeWidth` pixels.
    public func softMask(_ region: HumanoidRegion, on grid: HumanoidGrid,
                         settings: HumanoidMaskSettings = HumanoidMaskSettings()) -> Volume {
        RegionSoftEdge.soften(binaryMask(region, on: grid, settings: settings), edgePixels: settings.softEdgeWidth)
    }

    /// The smallest sphere (to within about 1 %) holding every voxel centre of side A's solid arm
    /// and hand in both conformations: the sphere for a spherical focus mask, centre from the map centre.
    public func armHandSphere(on grid: HumanoidGrid) -> FocusSphere {
        let solid = ArmConformation.allCases.flatMap { [arm(.a, $0), hand(.a, $0)] }
        var points: [SIMD3<Double>] = []
        var lower = SIMD3<Double>(repeating: .infinity), upper = -lower
        for primitive in solid {
            let box = primitive.bounds(margin: 0)
            lower = pointwiseMin(lower, box.lower)
            upper = pointwiseMax(upper, box.upper)
        }
        grid.forEachVoxel(lower: lower, upper: upper) { _, p in
            if unionDistance(solid, at: p) <= 0 { points.append(p) }
        }
        let (center, radius) = EnclosingSphere.approximate(points)
        return FocusSphere(centreFromMapCentreInÅ: center, radius: radius)
    }
}

/// The test "is p in this region" with the region's shapes made once (a mask asks it for every
/// voxel); the same distances, compared the same way, as the region's definition.
struct RegionMembership {
    let region: HumanoidRegion
    let geometry: HumanoidGeometry
    let settings: HumanoidMaskSettings
    /// Side A's arm in both conformations; the arms and hands; the hand in each and in both.
    let arms: [SoftPrimitive], armsAndHands: [SoftPrimitive]
    let handsLowered: [SoftPrimitive], handsRaised: [SoftPrimitive], handsBoth: [SoftPrimitive]
    /// Leg and foot of side A and of side B.
    let legA: SoftPrimitive, footA: SoftPrimitive, legB: SoftPrimitive, footB: SoftPrimitive

    init(_ region: HumanoidRegion, geometry: HumanoidGeometry, settings: HumanoidMaskSettings) {
        self.region = region
        self.geometry = geometry
        self.settings = settings
        arms = ArmConformation.allCases.map { geometry.arm(.a, $0) }
        handsBoth = ArmConformation.allCases.map { geometry.hand(.a, $0) }
        armsAndHands = arms + handsBoth
        handsLowered = [geometry.hand(.a, .lowered)]
        handsRaised = [geometry.hand(.a, .raised)]
        (legA, footA, legB, footB) = (geometry.leg(.a), geometry.foot(.a), geometry.leg(.b), geometry.foot(.b))
    }

    func contains(_ p: SIMD3<Double>) -> Bool {
        func handROI(_ hands: [SoftPrimitive]) -> Bool {
            geometry.unionDistance(hands, at: p) <= settings.roiMargin && geometry.unionDistance(arms, at: p) > 0
        }
        func footROI(_ foot: SoftPrimitive, _ leg: SoftPrimitive) -> Bool {
            foot.signedDistance(p) <= settings.roiMargin && leg.signedDistance(p) > 0
        }
        switch region {
        case .armHandFocus: return geometry.unionDistance(armsAndHands, at: p) <= settings.focusMargin
        case .leg: return legA.signedDistance(p) <= settings.focusMargin && footA.signedDistance(p) > settings.roiMargin
        case .nearHand: return handROI(handsBoth)
        case .nearHandLowered: return handROI(handsLowered)
        case .nearHandRaised: return handROI(handsRaised)
        case .nearFoot: return footROI(footA, legA)
        case .farFoot: return footROI(footB, legB)
        }
    }
}

/// Smallest enclosing sphere of points, by Bădoiu–Clarkson iterations (move the centre toward
/// the farthest point by 1/(t+1)); after T steps the radius is within R/√T of the optimum R.
public enum EnclosingSphere {
    /// (centre, radius) with every point inside; radius within ≈ 1 % of the minimum.
    public static func approximate(_ points: [SIMD3<Double>], iterations: Int = 10_000) -> (SIMD3<Double>, Double) {
        guard var center = points.first else { return (.zero, 0) }
        func farthest(from c: SIMD3<Double>) -> (SIMD3<Double>, Double) {
            var best = c, bestSquared = -1.0
            for p in points {
                let d = p - c
                let s = (d * d).sum()
                if s > bestSquared { (best, bestSquared) = (p, s) }
            }
            return (best, bestSquared.squareRoot())
        }
        for t in 1...iterations {
            let (far, _) = farthest(from: center)
            center += (far - center) / Double(t + 1)
        }
        return (center, farthest(from: center).1)
    }
}
