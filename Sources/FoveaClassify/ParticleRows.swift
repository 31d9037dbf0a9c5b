import FoveaDistributed

/// One row of the classification table: copy `operatorIndex` of particle `particle` under virtual
/// symmetry expansion (§9). Without expansion every particle has one row with operator 0.
public struct ParticleRow: Hashable, Sendable, Codable {
    /// Global particle index (0-based position in the input particle table).
    public let particle: Int
    /// Index of the symmetry operator, 0 ..< operatorCount (0 is the identity).
    public let operatorIndex: Int

    public init(particle: Int, operatorIndex: Int) {
        self.particle = particle
        self.operatorIndex = operatorIndex
    }
}

/// The rows held by one rank: its particles (global indices, in processing order) times the
/// symmetry operators, particle-major. Local row r is copy `r % operatorCount` of particle
/// `particles[r / operatorCount]`, so the copies of a particle are adjacent and never split
/// between ranks. Images are read once per particle; the copies refer to the same image.
public struct ExpandedRows: Sendable, Equatable {
    /// Global particle indices owned by this rank, in processing order.
    public let particles: [Int]
    /// Number of symmetry copies per particle (≥ 1).
    public let operatorCount: Int

    public init(particles: [Int], operatorCount: Int) {
        precondition(operatorCount >= 1, "operatorCount must be ≥ 1")
        self.particles = particles
        self.operatorCount = operatorCount
    }

    /// Number of local rows = particles × operators.
    public var count: Int { particles.count * operatorCount }

    /// The (particle, operator) of local row `localRow`.
    @inlinable
    public func row(_ localRow: Int) -> ParticleRow {
        ParticleRow(particle: particles[localRow / operatorCount], operatorIndex: localRow % operatorCount)
    }

    /// Global row index = particle · operatorCount + operator: the position of the copy in an
    /// expanded table (cisTEM's numbering, §9), independent of sharding.
    @inlinable
    public func globalRowIndex(_ localRow: Int) -> Int {
        particles[localRow / operatorCount] * operatorCount + localRow % operatorCount
    }

    /// All rows in local order.
    public var rows: [ParticleRow] { (0..<count).map(row) }
}

extension ShardingPlan {
    /// The expanded rows rank `rank` owns: every copy of each of its particles.
    public func rows(forRank rank: Int, operatorCount: Int) -> ExpandedRows {
        ExpandedRows(particles: particles(forRank: rank), operatorCount: operatorCount)
    }
}
