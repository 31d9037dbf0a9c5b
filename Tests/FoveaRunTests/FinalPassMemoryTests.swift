import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaRun

/// The final full-resolution pass's Float64 sums stay within a budget (a group's accumulators plus
/// the class totals kept in memory; the rest are spilled), and `--dry-run`'s estimate follows it.
@Suite struct FinalPassMemoryTests {
    /// Seeded samples of box, K and the memory available: the sums fit the budget, which is the
    /// default when memory is plentiful, shrinks with the memory left, and never below one class.
    @Test(arguments: 0..<12)
    func sumsStayWithinTheBudget(sample: Int) {
        var random = SplitMix64(seed: UInt64(77 + sample))
        let n = 2 * (16 + Int(random.next() % 185)), k = 1 + Int(random.next() % 12)
        let perClass = ParticleShard.accumulatorBytesPerClass(size: n), total = perClass / 2
        let available: Double? = random.next() % 4 == 0 ? nil : Double(random.next() % (8 << 30))
        let memory = FinalPassMemory(available: available, held: 52_428_800, box: n, classes: k)
        let group = FinalPassMemory.group(accumulatorBudget: memory.accumulatorBudget, box: n, classes: k)
        #expect(memory.accumulatorBudget >= perClass && memory.accumulatorBudget <= ParticleShard.fullResolutionAccumulatorBudget
                || memory.accumulatorBudget == perClass)
        #expect(group * perClass + memory.keptTotalsBytes <= max(memory.accumulatorBudget, perClass))
        let plentiful = FinalPassMemory(available: 1e15, held: 0, box: n, classes: k)
        #expect(plentiful == FinalPassMemory(box: n, classes: k))
        #expect(plentiful.accumulatorBudget == max(perClass, ParticleShard.fullResolutionAccumulatorBudget))
        let less = FinalPassMemory(available: (available ?? 1e12) / 2, held: 52_428_800, box: n, classes: k)
        #expect(less.accumulatorBudget <= memory.accumulatorBudget)
        if let available, available < Double(perClass) {
            #expect(memory.accumulatorBudget == perClass && memory.keptTotalsBytes < total)
        }
    }

    /// `--dry-run` at a large box: a further class (beyond those a group holds) adds its class map
    /// and its rows, not a Float64 total (396 MB at box 320), on any rank count — the totals beyond the budget are spilled. (It
    /// added a total per class a rank finalises when every total was held.)
    @Test(arguments: [(320, 1), (320, 2), (256, 1), (400, 3)])
    func anotherClassDoesNotAddATotal(box n: Int, ranks: Int) {
        let total = Double(ParticleShard.accumulatorBytesPerClass(size: n)) / 2
        func estimate(_ k: Int) -> Double {
            RunPlan.estimatedBytes(particles: 1000, rows: 1000, box: n, croppedBox: n / 3, cycleBox: n / 3 + 2, classes: k,
                                   threads: 2, maskWeights: false, preparedBytesPerParticle: 60_000, ranks: ranks)
        }
        // Beyond the classes one group holds (the group itself grows with K until then).
        let capacity = FinalPassMemory.group(accumulatorBudget: ParticleShard.fullResolutionAccumulatorBudget, box: n,
                                             classes: .max)
        for k in capacity..<(capacity + 9) {
            let added = estimate(k + 1) - estimate(k)
            #expect(added > 0 && added < total, "K \(k) → \(k + 1) at box \(n) on \(ranks) rank(s): \(added) bytes")
        }
    }

    /// The estimate holds what the pass certainly holds at once: a group's sums with the first half
    /// map and the second's spectrum, or the K class maps with one spectrum; and no more than the
    /// budget's sums, the K maps and that spectrum (a spilled total is read back a slab at a time,
    /// so no total comes on top of the K maps).
    @Test(arguments: [(320, 8), (192, 4), (400, 8), (80, 4)])
    func estimateCoversThePhases(box n: Int, classes k: Int) {
        let memory = FinalPassMemory(box: n, classes: k)
        let perClass = Double(ParticleShard.accumulatorBytesPerClass(size: n)), map = pow(Double(n), 3) * 4
        let group = Double(FinalPassMemory.group(accumulatorBudget: memory.accumulatorBudget, box: n, classes: k))
        let peak = memory.peakBytes(box: n, classes: k, ranks: 1)
        #expect(peak >= group * perClass + 2 * map)
        #expect(peak >= (Double(k) + 1) * map)
        #expect(peak <= Double(memory.accumulatorBudget) + (Double(k) + 1) * map)
    }

    /// Box 320, K = 8 (the ribosome benchmark): the estimate is the K maps and one spectrum when no
    /// total is kept, below the 2.75 GB the pass held before its buffers were made in place.
    @Test func ribosomeBoxEstimate() {
        let memory = FinalPassMemory(box: 320, classes: 8)
        let map = 320.0 * 320.0 * 320.0 * 4
        #expect(memory.keptTotalsBytes < ParticleShard.accumulatorBytesPerClass(size: 320) / 2)
        for ranks in [1, 2, 3] {
            #expect(memory.peakBytes(box: 320, classes: 8, ranks: ranks) == 9 * map)
        }
    }
}
