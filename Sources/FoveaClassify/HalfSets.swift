/// The FSC half set of a particle. Every symmetry copy of a particle is in its particle's half set
/// (§9), so the two half maps never share an image.
public enum HalfSet: Int, Sendable, Codable, CaseIterable {
    /// RELION `rlnRandomSubset` 1.
    case first = 1
    /// RELION `rlnRandomSubset` 2.
    case second = 2

    /// The default half set of a particle whose input has none: alternating blocks of
    /// `blockSize` consecutive particles (blockSize 1 = odd/even as cisTEM's dumps). A pure
    /// function of the global particle index, so independent of the sharding.
    public static func alternating(particle: Int, blockSize: Int = 1) -> HalfSet {
        precondition(blockSize >= 1 && particle >= 0)
        return (particle / blockSize) % 2 == 0 ? .first : .second
    }

    /// Half sets for the given particles: the value from `given` where it is non-nil, otherwise
    /// `alternating(particle:blockSize:)`. `given` is indexed like `particles` (nil = unknown).
    public static func assign(particles: [Int], given: [HalfSet?]? = nil, blockSize: Int = 1) -> [HalfSet] {
        if let given { precondition(given.count == particles.count, "one given half set per particle") }
        return particles.indices.map { index in
            given?[index] ?? alternating(particle: particles[index], blockSize: blockSize)
        }
    }
}

extension ExpandedRows {
    /// Half set of each local row, given the half set of each local particle (`particleHalfSets`
    /// indexed like `particles`). Copies inherit their particle's half set.
    public func rowHalfSets(particleHalfSets: [HalfSet]) -> [HalfSet] {
        precondition(particleHalfSets.count == particles.count)
        return (0..<count).map { particleHalfSets[$0 / operatorCount] }
    }
}
