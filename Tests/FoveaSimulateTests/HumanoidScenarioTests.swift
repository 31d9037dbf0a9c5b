import FoveaCore
import FoveaSimulate
import Testing

@Suite("Humanoid scenarios")
struct HumanoidScenarioTests {
    @Test("4, 16 and 16 distinct maps per scenario, 28 in all, every one a different volume")
    func mapCounts() {
        #expect(HumanoidScenario.armsMove.maps.count == 4)
        #expect(HumanoidScenario.randomHands.maps.count == 16)
        #expect(HumanoidScenario.handsWithFeet.maps.count == 16)
        for scenario in HumanoidScenario.allCases {
            #expect(Set(scenario.maps).count == scenario.maps.count)
        }
        let union = Set(HumanoidScenario.allCases.flatMap { $0.maps })
        #expect(union.count == 28 && HumanoidCatalog.states.count == 28 && Set(HumanoidCatalog.states) == union)
        let shared = Set(HumanoidScenario.randomHands.maps).intersection(HumanoidScenario.handsWithFeet.maps)
        #expect(shared == Set(HumanoidScenario.armsMove.maps))
        let volumes = HumanoidCatalog.states.map { coarseMaps.map(of: $0).voxels }
        #expect(Set(volumes.map { $0.map(\.bitPattern) }).count == 28)
    }

    @Test("the preprint's C2 pairs and self-symmetric maps, and its count of non-degenerate classes")
    func legendPairs() {
        let pairs = [(2, 3), (5, 6), (7, 8), (9, 10), (11, 12), (14, 15)]
        for scenario in [HumanoidScenario.randomHands, .handsWithFeet] {
            let maps = scenario.maps
            for (first, second) in pairs { #expect(maps[first - 1].c2Image == maps[second - 1]) }
            for selfSymmetric in [1, 4, 13, 16] { #expect(maps[selfSymmetric - 1].isSelfSymmetric) }
            let orbits = Set(maps.map { [$0, $0.c2Image].min { "\($0)" < "\($1)" }! })
            #expect(orbits.count == 10)
        }
        #expect(HumanoidScenario.armsMove.maps[1].c2Image == HumanoidScenario.armsMove.maps[2])
        #expect(HumanoidCatalog.names(of: HumanoidScenario.armsMove.maps[1]) == ["A2", "B2", "C2"])
    }

    @Test("scenario rules hold for every sampled particle; scenario 2 parts are independent fair coins")
    func scenarioStatistics() {
        let count = 10_000
        for truth in HumanoidStateSampler.sample(.armsMove, count: count, seed: 1) {
            for side in HumanoidSide.allCases {
                #expect(truth.state[side].handPresent && truth.state[side].footPresent)
                #expect(truth.label(of: side) == truth.state[side].arm.rawValue)
            }
        }
        for truth in HumanoidStateSampler.sample(.handsWithFeet, count: count, seed: 2) {
            for side in HumanoidSide.allCases { #expect(truth.state[side].footPresent == truth.state[side].handPresent) }
        }
        let sample = HumanoidStateSampler.sample(.randomHands, count: count, seed: 3)
        #expect(sample.allSatisfy { $0.state.sideA.footPresent && $0.state.sideB.footPresent })
        let features: [(HumanoidParticleTruth) -> Bool] = [
            { $0.state.sideA.arm == .raised }, { $0.state.sideB.arm == .raised },
            { $0.state.sideA.handPresent }, { $0.state.sideB.handPresent },
        ]
        func frequency(_ test: (HumanoidParticleTruth) -> Bool) -> Double {
            Double(sample.filter(test).count) / Double(count)
        }
        for (index, feature) in features.enumerated() {
            #expect(abs(frequency(feature) - 0.5) < 0.03)
            for other in features[(index + 1)...] {
                #expect(abs(frequency { feature($0) && other($0) } - 0.25) < 0.03)
            }
        }
        for number in 1...16 { #expect(abs(frequency { $0.scenarioMapNumber == number } - 1.0 / 16) < 0.015) }
    }

    @Test("labels: 2·arm + hand in scenarios 2/3; the expanded copy 1 shows side B under side A's mask")
    func labels() {
        let state = HumanoidState(sideA: SideState(arm: .raised, handPresent: false, footPresent: true),
                                  sideB: SideState(arm: .lowered, handPresent: true, footPresent: true))
        let truth = HumanoidParticleTruth(scenario: .randomHands, state: state, scenarioMapNumber: 8,
                                          catalogNumber: HumanoidCatalog.number(of: state)!)
        #expect(truth.mapName == "B8" && HumanoidScenario.randomHands.mapName(of: state) == "B8")
        #expect(truth.label(of: .a) == 2 && truth.label(of: .b) == 1)
        #expect(truth.labelUnderSideAMask(copy: 0) == 2 && truth.labelUnderSideAMask(copy: 1) == 1)
        #expect(HumanoidScenario.armsMove.labelCount == 2 && HumanoidScenario.handsWithFeet.labelCount == 4)
        let labels = Set(HumanoidScenario.handsWithFeet.maps.map { HumanoidScenario.handsWithFeet.label(of: $0.sideA) })
        #expect(labels == [0, 1, 2, 3])
    }

    @Test("seeded sampling is reproducible; SplitMix64 matches its reference output")
    func reproducible() {
        for scenario in HumanoidScenario.allCases {
            let first = HumanoidStateSampler.sample(scenario, count: 500, seed: 42)
            #expect(first == HumanoidStateSampler.sample(scenario, count: 500, seed: 42))
            #expect(first != HumanoidStateSampler.sample(scenario, count: 500, seed: 43))
            #expect(first.allSatisfy { HumanoidCatalog.states[$0.catalogNumber - 1] == $0.state })
        }
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(random.next() == 0x06C4_5D18_8009_454F)
    }
}
