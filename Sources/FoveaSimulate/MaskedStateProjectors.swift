import FoveaCore

/// The masked volumes of a scenario's maps under one focus mask, for the ideal-observer ceiling,
/// with maps whose masked volumes are the same sharing one.
///
/// Maps that differ only outside the mask (the other side's parts) give bit-identical masked
/// volumes, hence one projector: the masked volumes are compared bit for bit, so sharing never
/// changes a value. Projectors are made one at a time on request (`projector(_:)`): one holds
/// (P·N)²·(P·N/2 + 1) complex values (1 GiB at N = 320, P = 2), so the ceiling never holds more
/// than one.
struct MaskedStateProjectors {
    let padding: Int
    /// The distinct masked volumes, and which of them each state's is.
    private let distinct: [Volume]
    private let distinctIndex: [HumanoidState: Int]

    init(scenario: HumanoidScenario, components: HumanoidComponentMaps, mask: Volume, padding: Int) {
        self.padding = padding
        var distinct: [Volume] = [], distinctIndex: [HumanoidState: Int] = [:]
        for state in scenario.maps {
            var masked = components.map(of: state)
            for i in masked.voxels.indices { masked.voxels[i] *= mask.voxels[i] }
            if let same = distinct.firstIndex(where: { Self.bitIdentical($0.voxels, masked.voxels) }) {
                distinctIndex[state] = same
            } else {
                distinctIndex[state] = distinct.count
                distinct.append(masked)
            }
        }
        self.distinct = distinct
        self.distinctIndex = distinctIndex
    }

    /// Whether two arrays hold the same bit patterns.
    static func bitIdentical(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
    }

    /// Which distinct masked volume `state`'s is (nil for a state outside the scenario).
    func distinctIndex(of state: HumanoidState) -> Int? { distinctIndex[state] }

    /// A projector of distinct masked volume `index` (its 3-D transform on `VolumeThreads`).
    func projector(_ index: Int) -> FourierProjector {
        FourierProjector(volume: distinct[index], padding: padding)
    }
}
