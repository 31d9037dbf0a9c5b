import FoveaCore

/// The Fourier projectors of a scenario's maps under one focus mask, for the ideal-observer
/// ceiling, made group by group and shared between maps whose masked volumes are the same.
///
/// Memory: a projector at box N and padding P holds (P·N)²·(P·N/2 + 1) complex values (1 GiB at
/// N = 320, P = 2), so all 16 maps of a scenario are not held at once: `forEachGroup` keeps only
/// the projectors the current and later groups need. Maps that differ only outside the mask
/// (the other side's parts) give bit-identical masked volumes, hence one projector: the masked
/// volumes are compared bit for bit, so sharing never changes a value.
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

    /// Calls `body(states, projectors)` for each group of states in turn, with a projector for each
    /// of them; a projector is made once and dropped after the last group that needs it.
    func forEachGroup(_ groups: [[HumanoidState]], _ body: ([HumanoidState], [HumanoidState: FourierProjector]) -> Void) {
        var made: [Int: FourierProjector] = [:]
        var workspace: FFTWorkspace?
        for (g, states) in groups.enumerated() {
            var table: [HumanoidState: FourierProjector] = [:]
            for state in states {
                let d = distinctIndex[state]!
                if made[d] == nil {
                    if workspace == nil { workspace = FFTWorkspace(plan: FFTPlanner.shared.plan3D(size: padding * distinct[d].size)) }
                    made[d] = FourierProjector(volume: distinct[d], padding: padding, workspace: workspace)
                }
                table[state] = made[d]
            }
            body(states, table)
            let later = Set(groups[(g + 1)...].joined().map { distinctIndex[$0]! })
            for d in Array(made.keys) where !later.contains(d) { made[d] = nil }
        }
    }
}
