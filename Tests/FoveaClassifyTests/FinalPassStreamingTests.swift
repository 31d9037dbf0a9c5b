import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaDistributed
import _FoveaClassifyTestSupport

/// The final full-resolution pass can hand each class's half maps over as soon as they are
/// finalised (a finished run writes them then) instead of keeping all 2·K: the maps handed over,
/// the class maps and the FSCs are those of the pass that keeps them, bit for bit.
@Suite struct FinalPassStreamingTests {
    /// Focus modes and accumulator budgets (one class at a time, or all at once), on 1, 2 and 3 ranks.
    @Test(arguments: [(FocusMode.twoD, 1, 1), (.threeD, Int.max, 2), (.subtract, 1, 3), (.twoD, Int.max, 3)])
    func halfMapsHandedOverEqualTheKeptOnes(focus: FocusMode, budget: Int, ranks: Int) throws {
        let base = try ParticleStorageTests.config(focus: focus, cycles: 2)
        let config = try ClassificationConfig(classCount: 3, cycles: 2, focus: focus, sphere: base.sphere,
                                              outerRadius: base.outerRadius, classificationResolution: 20,
                                              referenceBand: base.referenceBand, molecularMass: base.molecularMass,
                                              expansionGroup: "C1", seed: 7, threads: 2, convergence: base.convergence)
        let particles = ParticleStorageTests.data.particles
        let results = try LocalGroup(size: ranks).run { communicator -> [[[Volume]]] in
            let kept = try FinalPassSpillTests.finishedEngine(config, particles: particles, communicator: communicator)
            let streamed = try FinalPassSpillTests.finishedEngine(config, particles: particles, communicator: communicator)
            try kept.reconstructAtFullResolution(accumulatorBudget: budget)
            var handed: [Int: [Volume]] = [:], order: [Int] = []
            try streamed.reconstructAtFullResolution(accumulatorBudget: budget) { k, pair in
                handed[k] = pair
                order.append(k)
            }
            #expect(streamed.halfMaps.isEmpty)
            #expect(order == Array(0..<config.classCount))
            #expect(streamed.classVolumes == kept.classVolumes && streamed.fscCurves == kept.fscCurves)
            #expect(kept.halfMaps.count == config.classCount && kept.halfMaps.allSatisfy { $0.count == 2 })
            return [kept.halfMaps, order.map { handed[$0] ?? [] }]
        }
        for result in results {
            #expect(result[1] == result[0])
            #expect(result[0] == results[0][0])
        }
    }
}
