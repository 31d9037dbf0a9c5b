import FoveaCore
import FoveaDistributed

/// Several random starts of one run, the best kept (`--starts M`, `--start-cycles C`): M start
/// states from seeds derived from the run's seed, each run for C cycles, and the one whose mean
/// LogP after its C-th cycle is highest continues. A seed can end in a poorer partition (two true
/// states merged, another split), and such a run has the lowest mean LogP from about cycle 6 on
/// (docs/classify.md, "Seeds and starts"). The half sets stay those of the run's seed; only the
/// random occupancies differ between starts. The mean LogP is `CycleStatistics.meanLogP` (summed
/// exactly across ranks), so every rank, at any rank count, chooses the same start.
public enum ClassificationStarts {
    /// What one start reached after its cycles.
    public struct Trial: Sendable, Equatable {
        /// 1-based start number.
        public let start: Int
        /// Seed of its random occupancies.
        public let seed: UInt64
        /// Mean over all rows of the best class's LogP after its last cycle.
        public let meanLogP: Double
    }

    /// The chosen start's state and what every start reached.
    public struct Choice: Sendable {
        /// This shard's rows of the chosen start after its cycles.
        public let state: ClassificationState
        /// The weights of its last cycle (for the full-resolution maps when the run ends there).
        public let weights: ClassWeights?
        /// Every start that ran, in order.
        public let trials: [Trial]
        /// The 1-based number of the chosen start.
        public let chosen: Int
    }

    /// The seed of start `start` (1-based): start 1 is `runSeed` itself (so one start is the plain
    /// run); the others are counter-based draws from it.
    public static func seed(ofStart start: Int, runSeed: UInt64) -> UInt64 {
        start <= 1 ? runSeed : CounterRandom.bits(seed: runSeed, purpose: .startSeed, UInt64(start))
    }

    /// The 0-based index of the highest mean LogP (the first of equals; non-finite values lose).
    public static func best(_ meanLogP: [Double]) -> Int {
        var best = 0
        for (index, value) in meanLogP.enumerated() where value.isFinite {
            if !meanLogP[best].isFinite || value > meanLogP[best] { best = index }
        }
        return best
    }

    /// Runs `shard.config.starts` starts for `shard.config.startCycles` cycles each and keeps the one
    /// with the highest mean LogP. `first` is start 1's state (`ClassificationStart.fresh` with the
    /// run's seed), `references` as there. `afterCycle(start, report)` is called after every cycle;
    /// `stopRequested` after every start: true skips the starts not yet run (the best of those that
    /// ran is chosen). Besides `first`, only the best start's state so far and the running one's are held. Collective.
    public static func choose(first: ClassificationState, shard: ParticleShard, references: [Volume]?,
                              communicator: any Communicator,
                              afterCycle: (Int, CycleReport) throws -> Void = { _, _ in },
                              stopRequested: () throws -> Bool = { false }) throws -> Choice {
        let config = shard.config
        var trials: [Trial] = []
        var kept: (state: ClassificationState, weights: ClassWeights?)?
        for start in 1...max(config.starts, 1) {
            let seed = seed(ofStart: start, runSeed: config.seed)
            var state = start == 1 ? first
                : try ClassificationStart.fresh(shard: shard, references: references, seed: seed, communicator: communicator)
            var weights: ClassWeights?
            for _ in 0..<config.startCycles {
                let outcome = try ClassificationCycle.run(state, shard: shard, communicator: communicator)
                state = outcome.state
                weights = outcome.weights
                try afterCycle(start, outcome.report)
            }
            let meanLogP = state.history.last?.statistics.meanLogP ?? -.infinity
            trials.append(Trial(start: start, seed: seed, meanLogP: meanLogP))
            if best(trials.map(\.meanLogP)) == trials.count - 1 { kept = (state, weights) }
            if start < config.starts, try stopRequested() { break }
        }
        let chosen = best(trials.map(\.meanLogP))
        // `kept` is set by the first start at the latest (a lone value is the best).
        guard let kept else { return Choice(state: first, weights: nil, trials: trials, chosen: 1) }
        return Choice(state: kept.state, weights: kept.weights, trials: trials, chosen: chosen + 1)
    }
}
