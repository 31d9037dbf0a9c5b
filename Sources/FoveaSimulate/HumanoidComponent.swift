import FoveaCore

/// One component map of the humanoid: the constant core or one movable part.
public enum HumanoidComponent: Hashable, Sendable, CustomStringConvertible {
    /// Legs, body, neck and head: present in every map, exactly two-fold symmetric about z.
    case core
    /// The arm of a side in a conformation.
    case arm(HumanoidSide, ArmConformation)
    /// The hand at the end of that arm.
    case hand(HumanoidSide, ArmConformation)
    /// The foot of a side.
    case foot(HumanoidSide)

    /// All 11 components: core, 4 arms, 4 hands, 2 feet.
    public static let all: [HumanoidComponent] = {
        var list: [HumanoidComponent] = [.core]
        for side in HumanoidSide.allCases {
            for conformation in ArmConformation.allCases { list.append(.arm(side, conformation)) }
        }
        for side in HumanoidSide.allCases {
            for conformation in ArmConformation.allCases { list.append(.hand(side, conformation)) }
        }
        for side in HumanoidSide.allCases { list.append(.foot(side)) }
        return list
    }()

    /// File-name friendly name, e.g. "core", "arm_A_lowered", "hand_B_raised", "foot_A".
    public var description: String {
        switch self {
        case .core: return "core"
        case let .arm(side, conformation): return "arm_\(side)_\(conformation)"
        case let .hand(side, conformation): return "hand_\(side)_\(conformation)"
        case let .foot(side): return "foot_\(side)"
        }
    }

    /// The same component on the other side (the core maps to itself).
    public var c2Image: HumanoidComponent {
        switch self {
        case .core: return .core
        case let .arm(side, conformation): return .arm(side.opposite, conformation)
        case let .hand(side, conformation): return .hand(side.opposite, conformation)
        case let .foot(side): return .foot(side.opposite)
        }
    }
}

/// The sampling grid of the maps: `size`³ voxels of `pixelSize` Å, voxel (i, j, k) at
/// ((i − N/2)·pixel, (j − N/2)·pixel, (k − N/2)·pixel) Å from the centre (FoveaCore's frame).
public struct HumanoidGrid: Sendable, Equatable {
    /// Box edge N in voxels.
    public let size: Int
    /// Å per voxel.
    public let pixelSize: Double

    public init(size: Int = 80, pixelSize: Double = 5.24) {
        precondition(size > 0 && pixelSize > 0, "box and pixel size must be positive")
        self.size = size
        self.pixelSize = pixelSize
    }

    /// Index of the centre voxel, N/2.
    public var center: Int { size / 2 }

    /// Position in Å from the centre of voxel (i, j, k).
    @inlinable public func position(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
        let c = size / 2
        return SIMD3(Double(i - c) * pixelSize, Double(j - c) * pixelSize, Double(k - c) * pixelSize)
    }

    /// The voxel index range along one axis covering [lower, upper] Å, clipped to the box.
    func indexRange(lower: Double, upper: Double) -> ClosedRange<Int>? {
        let lo = max(0, Int((lower / pixelSize).rounded(.down)) + center - 1)
        let hi = min(size - 1, Int((upper / pixelSize).rounded(.up)) + center + 1)
        return lo <= hi ? lo...hi : nil
    }

    /// Calls `body(linearIndex, position)` for every voxel whose position lies in the box
    /// [lower, upper] Å (padded by one voxel), x fastest.
    func forEachVoxel(lower: SIMD3<Double>, upper: SIMD3<Double>,
                      _ body: (Int, SIMD3<Double>) -> Void) {
        guard let xs = indexRange(lower: lower.x, upper: upper.x),
              let ys = indexRange(lower: lower.y, upper: upper.y),
              let zs = indexRange(lower: lower.z, upper: upper.z) else { return }
        for k in zs {
            for j in ys {
                for i in xs { body(i + size * (j + size * k), position(i, j, k)) }
            }
        }
    }
}

/// Soft densities are set to exactly 0 beyond this many σ outside a surface (½·erfc(5/√2) ≈ 3e-7),
/// so that clipping the work to a bounding box cannot break the exact symmetry.
let densityCutoffSigmas = 5.0

extension HumanoidGeometry {
    /// The union (voxel-wise maximum) of the soft densities of `primitives` on `grid`.
    public func render(_ primitives: [SoftPrimitive], on grid: HumanoidGrid) -> Volume {
        var volume = Volume(size: grid.size, pixelSize: grid.pixelSize)
        let cutoff = densityCutoffSigmas * edgeSigma
        let sigma = edgeSigma
        volume.voxels.withUnsafeMutableBufferPointer { voxels in
            for primitive in primitives {
                let box = primitive.bounds(margin: cutoff + grid.pixelSize)
                grid.forEachVoxel(lower: box.lower, upper: box.upper) { index, p in
                    let d = primitive.signedDistance(p)
                    guard d <= cutoff else { return }
                    let rho = Float(SoftPrimitive.density(signedDistance: d, edgeSigma: sigma))
                    if rho > voxels[index] { voxels[index] = rho }
                }
            }
        }
        return volume
    }

    /// The map of one component on `grid` (density 1 inside, soft edge, 0 far outside).
    public func render(_ component: HumanoidComponent, on grid: HumanoidGrid) -> Volume {
        render(primitives(of: component), on: grid)
    }

    /// The minimum signed distance (Å) from `p` to any of `primitives` (the union's distance bound).
    public func unionDistance(_ primitives: [SoftPrimitive], at p: SIMD3<Double>) -> Double {
        primitives.reduce(Double.infinity) { min($0, $1.signedDistance(p)) }
    }
}
