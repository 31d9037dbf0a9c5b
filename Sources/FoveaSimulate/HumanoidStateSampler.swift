import FoveaCore

/// The ground truth of one simulated particle.
public struct HumanoidParticleTruth: Hashable, Sendable, Codable {
    /// The scenario it was drawn from.
    public var scenario: HumanoidScenario
    /// Its structural state.
    public var state: HumanoidState
    /// 1-based number of its map within the scenario (the "7" of "B7").
    public var scenarioMapNumber: Int
    /// Its number (1–28) in `HumanoidCatalog`.
    public var catalogNumber: Int

    public init(scenario: HumanoidScenario, state: HumanoidState, scenarioMapNumber: Int, catalogNumber: Int) {
        self.scenario = scenario
        self.state = state
        self.scenarioMapNumber = scenarioMapNumber
        self.catalogNumber = catalogNumber
    }

    /// The class label of the parts of `side` (see `HumanoidScenario.label(of:)`).
    public func label(of side: HumanoidSide) -> Int { scenario.label(of: state[side]) }

    /// The label of the parts that lie under a focus mask drawn around side A's arm region, for
    /// the symmetry-expanded copy that has been rotated by C2 `copy` times (0 or 1): copy 0 shows
    /// side A under the mask, copy 1 (rotated 180° about z) shows side B there.
    public func labelUnderSideAMask(copy: Int) -> Int {
        label(of: copy % 2 == 0 ? .a : .b)
    }

    /// The preprint's name of its map, e.g. "B7".
    public var mapName: String { "\(scenario.letter)\(scenarioMapNumber)" }
}

/// Draws per-particle states of a scenario: each particle takes one of the scenario's maps with
/// equal probability (the preprint: "each of the … sub-datasets selected randomly"), which makes
/// the arm of each side and (scenario 2/3) the hand of each side independent fair coins, with
/// feet always present (1, 2) or equal to the hand on the same side (3).
///
/// Deterministic: the same seed gives the same sequence on every platform (one `SplitMix64`
/// word per particle; the map index is its top 2 or 4 bits).
public struct HumanoidStateSampler: Sendable {
    public let scenario: HumanoidScenario
    private let maps: [HumanoidState]
    private let catalogNumbers: [Int]
    private let bits: Int
    private var random: SplitMix64

    public init(scenario: HumanoidScenario, seed: UInt64) {
        self.scenario = scenario
        maps = scenario.maps
        catalogNumbers = maps.map { HumanoidCatalog.number(of: $0)! }
        bits = maps.count.trailingZeroBitCount
        precondition(1 << bits == maps.count, "scenario map count must be a power of two")
        random = SplitMix64(seed: seed)
    }

    /// The next particle's truth.
    public mutating func next() -> HumanoidParticleTruth {
        let index = random.nextBits(bits)
        return HumanoidParticleTruth(scenario: scenario, state: maps[index],
                                     scenarioMapNumber: index + 1, catalogNumber: catalogNumbers[index])
    }

    /// `count` particles of `scenario` drawn from `seed`.
    public static func sample(_ scenario: HumanoidScenario, count: Int, seed: UInt64) -> [HumanoidParticleTruth] {
        var sampler = HumanoidStateSampler(scenario: scenario, seed: seed)
        return (0..<count).map { _ in sampler.next() }
    }
}
