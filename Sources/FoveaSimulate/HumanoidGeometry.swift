import Foundation

/// Which half of the humanoid: side A lies at +x, side B at −x (its image under C2 about z).
public enum HumanoidSide: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case a = 0
    case b = 1

    /// The other side.
    public var opposite: HumanoidSide { self == .a ? .b : .a }
    /// "A" or "B".
    public var description: String { self == .a ? "A" : "B" }
}

/// The two positions of an arm (with its hand when present).
public enum ArmConformation: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Conformation 0: hanging down and out, 50° below horizontal.
    case lowered = 0
    /// Conformation 1: raised out, 40° above horizontal and 20° forward (toward +y on side A).
    case raised = 1

    public var description: String { self == .lowered ? "lowered" : "raised" }
}

/// An arm's direction for side A: elevation above the xy plane and azimuth from +x toward +y,
/// in degrees.
public struct ArmDirection: Sendable, Equatable {
    public var elevation: Double
    public var azimuth: Double
    public init(elevation: Double, azimuth: Double) {
        self.elevation = elevation
        self.azimuth = azimuth
    }
}

/// The humanoid's shapes, in Å from the map centre, z = the two-fold pseudo-symmetry axis.
///
/// Everything is given for side A (+x); side B is its image under C2 = diag(−1, −1, 1), so the
/// constant part (legs, body, neck, head) is exactly two-fold symmetric and the arms, hands and
/// feet are pseudo-symmetric. Defaults: total height 272 Å (feet bottom z = −136 Å to head top
/// z = +136 Å), 65 % of the default 80 × 5.24 Å = 419 Å box; widest reach |x| ≤ 102 Å.
/// The raised arm leans 20° toward +y, so side B is a rotated (not a mirrored) copy of side A.
public struct HumanoidGeometry: Sendable, Equatable {
    /// Gaussian σ (Å) of every shape's soft edge.
    public var edgeSigma: Double = 5
    /// Head: sphere on the axis.
    public var head = SoftPrimitive.sphere(center: SIMD3(0, 0, 112), radius: 24)
    /// Neck: vertical capsule on the axis.
    public var neck = SoftPrimitive.capsule(start: SIMD3(0, 0, 78), end: SIMD3(0, 0, 94), radius: 11)
    /// Body: ellipsoid on the axis, z from −36 to 80 Å.
    public var body = SoftPrimitive.ellipsoid(center: SIMD3(0, 0, 22), semiAxes: SIMD3(40, 26, 58))
    /// Side A's leg: capsule from inside the body down onto the foot (overlapping it by 9 Å).
    public var legA = SoftPrimitive.capsule(start: SIMD3(22, 0, -28), end: SIMD3(30, 0, -104), radius: 15)
    /// Side A's foot: flat ellipsoid under the leg, pointing out (+x); about 25,500 Å³.
    public var footA = SoftPrimitive.ellipsoid(center: SIMD3(44, 0, -123), semiAxes: SIMD3(26, 18, 13))
    /// Side A's shoulder joint (Å), where both arm conformations start.
    public var shoulderA = SIMD3<Double>(38, 0, 62)
    /// Arm length (Å) from the shoulder to the end of the arm segment.
    public var armLength: Double = 50
    /// Arm radius (Å).
    public var armRadius: Double = 10
    /// Hand: a sphere of this radius (Å), about 24,400 Å³ by default…
    public var handRadius: Double = 18
    /// …centred this far (Å) from the shoulder along the arm (it overlaps the arm's end).
    public var handDistance: Double = 64
    /// Direction of side A's arm in conformation 0 (lowered).
    public var loweredArm = ArmDirection(elevation: -50, azimuth: 0)
    /// Direction of side A's arm in conformation 1 (raised).
    public var raisedArm = ArmDirection(elevation: 40, azimuth: 20)

    public init() {}

    /// Unit vector of side A's arm in `conformation`.
    public func armDirectionA(_ conformation: ArmConformation) -> SIMD3<Double> {
        let angles = conformation == .lowered ? loweredArm : raisedArm
        let deg = Double.pi / 180
        let (e, a) = (angles.elevation * deg, angles.azimuth * deg)
        return SIMD3(cos(e) * cos(a), cos(e) * sin(a), sin(e))
    }

    /// Maps a side-A primitive to `side`.
    private func onSide(_ primitive: SoftPrimitive, _ side: HumanoidSide) -> SoftPrimitive {
        side == .a ? primitive : primitive.c2Image
    }

    /// The leg of `side` (part of the constant core).
    public func leg(_ side: HumanoidSide) -> SoftPrimitive { onSide(legA, side) }

    /// The foot of `side`.
    public func foot(_ side: HumanoidSide) -> SoftPrimitive { onSide(footA, side) }

    /// The arm of `side` in `conformation`.
    public func arm(_ side: HumanoidSide, _ conformation: ArmConformation) -> SoftPrimitive {
        let end = shoulderA + armDirectionA(conformation) * armLength
        return onSide(.capsule(start: shoulderA, end: end, radius: armRadius), side)
    }

    /// The hand at the end of the arm of `side` in `conformation`.
    public func hand(_ side: HumanoidSide, _ conformation: ArmConformation) -> SoftPrimitive {
        let center = shoulderA + armDirectionA(conformation) * handDistance
        return onSide(.sphere(center: center, radius: handRadius), side)
    }

    /// The primitives of one component map.
    public func primitives(of component: HumanoidComponent) -> [SoftPrimitive] {
        switch component {
        case .core: return [leg(.a), leg(.b), body, neck, head]
        case let .arm(side, conformation): return [arm(side, conformation)]
        case let .hand(side, conformation): return [hand(side, conformation)]
        case let .foot(side): return [foot(side)]
        }
    }
}
