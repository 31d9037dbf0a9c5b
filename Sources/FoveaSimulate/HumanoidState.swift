import FoveaCore

/// The movable parts of one side of the humanoid.
public struct SideState: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Which of the two arm positions.
    public var arm: ArmConformation
    /// Whether the hand at the end of the arm is there.
    public var handPresent: Bool
    /// Whether the foot of this side is there.
    public var footPresent: Bool

    public init(arm: ArmConformation, handPresent: Bool, footPresent: Bool) {
        self.arm = arm
        self.handPresent = handPresent
        self.footPresent = footPresent
    }

    /// Compact code: arm digit, then h/f with 1 (present) or 0 (absent), e.g. "0h1f1".
    public var description: String {
        "\(arm.rawValue)h\(handPresent ? 1 : 0)f\(footPresent ? 1 : 0)"
    }
}

/// One structural state of the whole humanoid: the movable parts of side A (+x) and side B (−x).
public struct HumanoidState: Hashable, Sendable, Codable, CustomStringConvertible {
    public var sideA: SideState
    public var sideB: SideState

    public init(sideA: SideState, sideB: SideState) {
        self.sideA = sideA
        self.sideB = sideB
    }

    public subscript(side: HumanoidSide) -> SideState {
        get { side == .a ? sideA : sideB }
        set { if side == .a { sideA = newValue } else { sideB = newValue } }
    }

    /// The state of the map rotated by C2 about z: the two sides swap their parts.
    public var c2Image: HumanoidState { HumanoidState(sideA: sideB, sideB: sideA) }

    /// True when the map is its own C2 image (both sides alike).
    public var isSelfSymmetric: Bool { sideA == sideB }

    /// Compact code, e.g. "A0h1f1_B1h0f1" (side A arm lowered with hand and foot; side B arm
    /// raised, no hand, foot present).
    public var description: String { "A\(sideA)_B\(sideB)" }

    /// The components whose union is this state's map: the core, each side's arm, and the hands
    /// and feet that are present.
    public var components: [HumanoidComponent] {
        var list: [HumanoidComponent] = [.core]
        for side in HumanoidSide.allCases {
            let parts = self[side]
            list.append(.arm(side, parts.arm))
            if parts.handPresent { list.append(.hand(side, parts.arm)) }
            if parts.footPresent { list.append(.foot(side)) }
        }
        return list
    }
}

/// The 11 component maps rendered once on a grid, from which the map of any state is assembled.
public struct HumanoidComponentMaps: Sendable {
    public let geometry: HumanoidGeometry
    public let grid: HumanoidGrid
    /// One map per entry of `HumanoidComponent.all`.
    public let maps: [HumanoidComponent: Volume]

    /// Renders every component of `geometry` on `grid`.
    public init(geometry: HumanoidGeometry = HumanoidGeometry(), grid: HumanoidGrid = HumanoidGrid()) {
        self.geometry = geometry
        self.grid = grid
        var maps: [HumanoidComponent: Volume] = [:]
        for component in HumanoidComponent.all { maps[component] = geometry.render(component, on: grid) }
        self.maps = maps
    }

    public subscript(component: HumanoidComponent) -> Volume { maps[component]! }

    /// The full map of `state`: the voxel-wise maximum of its components, so that overlapping
    /// parts (arm and hand, leg and foot, arm and body at the shoulder) never add up above 1.
    public func map(of state: HumanoidState) -> Volume {
        union(state.components)
    }

    /// The voxel-wise maximum of the given components' maps.
    public func union(_ components: [HumanoidComponent]) -> Volume {
        var result = Volume(size: grid.size, pixelSize: grid.pixelSize)
        result.voxels.withUnsafeMutableBufferPointer { out in
            for component in components {
                self[component].voxels.withUnsafeBufferPointer { part in
                    for i in 0..<out.count where part[i] > out[i] { out[i] = part[i] }
                }
            }
        }
        return result
    }
}
