import FoveaClassify
import FoveaIO

/// The noise group of every particle of a table (`NoiseGroupSettings`), the same on every rank:
/// particles are keyed by micrograph name (`rlnMicrographName`) or optics group, the keys sorted
/// (names as text, optics groups as numbers), and consecutive keys pooled until a group holds at
/// least `minimumParticles`; a last group smaller than that joins the one before. Groups are
/// numbered 0, 1, … in key order. RELION pools micrographs into groups the same way for its
/// per-group noise spectra and scales.
public struct NoiseGroupAssignment: Sendable, Equatable {
    /// The 0-based group of each particle of the table.
    public let groupOfParticle: [Int]
    /// The number of groups.
    public let groupCount: Int
    /// A line for the user when the asked grouping could not be used (nil otherwise).
    public let notice: String?

    /// The groups of `table` under `settings`. With `.micrograph` and no `rlnMicrographName`
    /// column, every particle is in one group and `notice` says so.
    public init(table: ParticleTable, settings: NoiseGroupSettings) {
        switch settings.mode {
        case .none:
            self.init(keys: [Int](repeating: 0, count: table.count), minimum: 1, notice: nil)
        case .optics:
            self.init(keys: table.particles.map(\.opticsGroup), minimum: settings.minimumParticles, notice: nil)
        case .micrograph:
            guard let column = table.extraColumns.firstIndex(of: "rlnMicrographName") else {
                self.init(keys: [Int](repeating: 0, count: table.count), minimum: 1,
                          notice: "the particles have no rlnMicrographName: one noise spectrum for all of them "
                            + "(--noise-groups optics groups them by rlnOpticsGroup)")
                return
            }
            self.init(keys: table.particles.map { $0.extraValues[column] }, minimum: settings.minimumParticles, notice: nil)
        }
    }

    /// Groups from one sortable key per particle, pooled to at least `minimum` (≥ 1) particles.
    init<Key: Comparable & Hashable>(keys: [Key], minimum: Int, notice: String?) {
        var counts: [Key: Int] = [:]
        for key in keys { counts[key, default: 0] += 1 }
        var groupOfKey: [Key: Int] = [:]
        var group = 0, filled = 0
        var lastGroupKeys: [Key] = []
        for key in counts.keys.sorted() {
            if filled >= max(1, minimum) { group += 1; filled = 0; lastGroupKeys = [] }
            groupOfKey[key] = group
            lastGroupKeys.append(key)
            filled += counts[key] ?? 0
        }
        // A last group under the minimum joins the one before it.
        if group > 0, filled < max(1, minimum) {
            for key in lastGroupKeys { groupOfKey[key] = group - 1 }
            group -= 1
        }
        groupOfParticle = keys.map { groupOfKey[$0] ?? 0 }
        groupCount = keys.isEmpty ? 0 : group + 1
        self.notice = notice
    }
}
