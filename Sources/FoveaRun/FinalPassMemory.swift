import Foundation
import FoveaClassify

/// How much Float64 the final full-resolution pass of a finished run holds at once: a group of
/// classes' half-set sums while the particles are inserted, plus the classes' totals kept in memory
/// until every class's SSNR is known (the rest wait in temporary files of the run folder,
/// `TotalsSpill`). Both together stay within `sumsBudget` bytes: the smaller of
/// `ParticleShard.fullResolutionAccumulatorBudget` and what the memory budget leaves this rank
/// (`MemoryBudget.perRankHere`, less what it holds already and the pass's other working memory),
/// but never less than one class's sums (the pass needs them).
public struct FinalPassMemory: Sendable, Equatable {
    /// Bytes of Float64 sums for one group of classes (`ParticleShard.reconstructAtFullResolution`).
    public let accumulatorBudget: Int
    /// Bytes of class totals kept in memory; beyond, they are spilled.
    public let keptTotalsBytes: Int

    /// Classes per group that `accumulatorBudget` gives at box `n`, K = `classes`.
    public static func group(accumulatorBudget: Int, box n: Int, classes k: Int) -> Int {
        max(1, min(k, accumulatorBudget / ParticleShard.accumulatorBytesPerClass(size: n)))
    }

    /// Peak bytes of the pass at box `n`, K = `classes`, on `ranks` ranks with this split: the
    /// larger of its two phases (box-N Float32 maps, N³·4 bytes each; a spectrum buffer counts as
    /// one). While the particles are inserted and each class's half maps are made: a group's sums,
    /// the totals kept in memory (at most those of the ⌈K/ranks⌉ classes this rank finalises), the
    /// first half map and the second's spectrum, transformed in place into the map (the FSC's two
    /// transforms come after the halves are summed into one total, so they fit in the second half's
    /// place). While the class maps are made: the kept totals, the K class maps and one spectrum
    /// (a spilled total is read back into it a slab of planes at a time, a kept one released once
    /// its spectrum is made).
    public func peakBytes(box n: Int, classes k: Int, ranks: Int) -> Double {
        let perClass = Double(ParticleShard.accumulatorBytesPerClass(size: n)), total = perClass / 2
        let map = Double(n) * Double(n) * Double(n) * 4
        let group = Double(Self.group(accumulatorBudget: accumulatorBudget, box: n, classes: k))
        let finalisedHere = (Double(k) / Double(max(1, ranks))).rounded(.up)
        let kept = min(finalisedHere, (Double(keptTotalsBytes) / total).rounded(.down)) * total
        let inserting = group * perClass + kept + 2 * map
        let making = kept + Self.workingBytes(box: n, classes: k)
        return max(inserting, making)
    }

    /// Bytes the pass holds besides the sums: the K class maps and one spectrum (`peakBytes`).
    static func workingBytes(box n: Int, classes k: Int) -> Double {
        let voxels = Double(n) * Double(n) * Double(n)
        return (Double(k) + 1) * voxels * 4
    }

    /// The split with the default budget (nothing known of the memory).
    public init(box n: Int, classes k: Int) { self.init(available: nil, held: 0, box: n, classes: k) }

    /// The split for box `n`, K = `classes`, when `available` bytes per rank are known (nil: the
    /// default budget) and the process holds `held` bytes already.
    public init(available: Double?, held: Double, box n: Int, classes k: Int) {
        let perClass = ParticleShard.accumulatorBytesPerClass(size: n)
        var budget = Double(ParticleShard.fullResolutionAccumulatorBudget)
        if let available { budget = min(budget, available - held - Self.workingBytes(box: n, classes: k)) }
        let sums = Int(max(Double(perClass), budget.rounded(.down)))
        let group = Self.group(accumulatorBudget: sums, box: n, classes: k)
        accumulatorBudget = sums
        keptTotalsBytes = max(0, sums - group * perClass)
    }
}
