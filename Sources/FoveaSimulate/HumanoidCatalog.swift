/// The three simulation scenarios of the preprint (Results, Figure 1).
public enum HumanoidScenario: Int, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// Scenario 1 (Figure 1A, maps A1–A4): only the arms move; hands always present with the arms,
    /// feet always present.
    case armsMove = 1
    /// Scenario 2 (Figure 1B, maps B1–B16): arms move and each hand is present at random;
    /// feet always present.
    case randomHands = 2
    /// Scenario 3 (Figure 1C, maps C1–C16): as scenario 2, but each foot is present exactly when
    /// the hand on its side is.
    case handsWithFeet = 3

    /// The letter of the preprint's map names: "A", "B" or "C".
    public var letter: String { ["A", "B", "C"][rawValue - 1] }

    public var description: String { "scenario \(rawValue)" }

    /// Number of per-side classes scored by kappa: 2 (arm conformation) in scenario 1,
    /// 4 (arm conformation × hand present) in scenarios 2 and 3.
    public var labelCount: Int { self == .armsMove ? 2 : 4 }

    /// The class label of one side's parts: scenario 1: arm conformation (0 lowered, 1 raised);
    /// scenarios 2 and 3: 2·arm + hand (0 lowered without hand, 1 lowered with hand,
    /// 2 raised without hand, 3 raised with hand).
    public func label(of side: SideState) -> Int {
        self == .armsMove ? side.arm.rawValue : 2 * side.arm.rawValue + (side.handPresent ? 1 : 0)
    }

    /// The side parts a hand pattern implies in this scenario.
    func side(arm: ArmConformation, hand: Bool) -> SideState {
        switch self {
        case .armsMove: return SideState(arm: arm, handPresent: true, footPresent: true)
        case .randomHands: return SideState(arm: arm, handPresent: hand, footPresent: true)
        case .handsWithFeet: return SideState(arm: arm, handPresent: hand, footPresent: hand)
        }
    }

    /// The scenario's maps in the preprint's numbering (A1–A4, B1–B16, C1–C16).
    ///
    /// The order reproduces the pairs the Figure 1 legend names as C2 images of each other
    /// (A2/A3; B2/B3, B5/B6, B7/B8, B9/B10, B11/B12, B14/B15, and likewise for C): both hands
    /// present with arms (A,B) = (0,0), (0,1), (1,0), (1,1); then the one-hand maps in C2 pairs
    /// (hand on A with arms (a,b), then its image: hand on B with arms (b,a)) for (a,b) = (0,0),
    /// (0,1), (1,0), (1,1); then no hands with the four arm pairs. Which one-hand map is which
    /// within the legend's pairs is our choice; the pair structure is the preprint's.
    public var maps: [HumanoidState] {
        let armPairs: [(ArmConformation, ArmConformation)] =
            [(.lowered, .lowered), (.lowered, .raised), (.raised, .lowered), (.raised, .raised)]
        func state(_ arms: (ArmConformation, ArmConformation), _ hands: (Bool, Bool)) -> HumanoidState {
            HumanoidState(sideA: side(arm: arms.0, hand: hands.0), sideB: side(arm: arms.1, hand: hands.1))
        }
        var list = armPairs.map { state($0, (true, true)) }
        if self == .armsMove { return list }
        for arms in armPairs {
            let oneHand = state(arms, (true, false))
            list.append(oneHand)
            list.append(oneHand.c2Image)
        }
        list += armPairs.map { state($0, (false, false)) }
        return list
    }

    /// The preprint's name of a map of this scenario, e.g. "B7", or nil when not in the scenario.
    public func mapName(of state: HumanoidState) -> String? {
        maps.firstIndex(of: state).map { "\(letter)\($0 + 1)" }
    }
}

/// The 28 distinct maps the preprint's three scenarios use (Methods: "28 distinct datasets").
///
/// Scenario 2 has 16 maps (feet present, hands free) and scenario 3 has 16 (feet = hands); they
/// share the 4 maps with both hands and both feet present, which are also scenario 1's 4 maps.
/// 16 + 16 − 4 = 28. Catalog numbers: 1–16 = B1–B16, then 17–28 = scenario 3's maps with at least
/// one hand (and foot) absent, in C order (C5–C16).
public enum HumanoidCatalog {
    /// The 28 states, catalog number = index + 1.
    public static let states: [HumanoidState] = {
        var list = HumanoidScenario.randomHands.maps
        for state in HumanoidScenario.handsWithFeet.maps where !list.contains(state) { list.append(state) }
        return list
    }()

    /// The catalog number (1–28) of `state`, or nil when no scenario uses it.
    public static func number(of state: HumanoidState) -> Int? {
        states.firstIndex(of: state).map { $0 + 1 }
    }

    /// The preprint's names of a catalog state in every scenario that uses it, e.g. ["A2", "B2", "C2"].
    public static func names(of state: HumanoidState) -> [String] {
        HumanoidScenario.allCases.compactMap { $0.mapName(of: state) }
    }
}
