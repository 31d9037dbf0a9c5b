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
        let arms = ArmConformation.allCases.map { arm(.a, $0) }
        let hands = ArmConformation.allCases.map { hand(.a, $0) }
        func handROI(_ conformations: [ArmConformation]) -> Bool {
            unionDistance(conformations.map { hand(.a, $0) }, at: p) <= settings.roiMargin
                && unionDistance(arms, at: p) > 0
        }
        func footROI(_ side: HumanoidSide) -> Bool {
            foot(side).signedDistance(p) <= settings.roiMargin && leg(side).signedDistance(p) > 0
        }
        switch region {
        case .armHandFocus: return unionDistance(arms + hands, at: p) <= settings.focusMargin
        case .leg:
            return leg(.a).signedDistance(p) <= settings.focusMargin && foot(.a).signedDistance(p) > settings.roiMargin
        case .nearHand: return handROI(ArmConformation.allCases)
        case .nearHandLowered: return handROI([.lowered])
        case .nearHandRaised: return handROI([.raised])
        case .nearFoot: return footROI(.a)
        case .farFoot: return footROI(.b)
        }
    }

    /// The binary (0/1) mask of `region` on `grid`.
    public func binaryMask(_ region: HumanoidRegion, on grid: HumanoidGrid,
                           settings: HumanoidMaskSettings = HumanoidMaskSettings()) -> Volume {
        var mask = Volume(size: grid.size, pixelSize: grid.pixelSize)
        let n = grid.size
        mask.voxels.withUnsafeMutableBufferPointer { voxels in
            for k in 0..<n {
                for j in 0..<n {
                    for i in 0..<n where contains(region, grid.position(i, j, k), settings: settings) {
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
