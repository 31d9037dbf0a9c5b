import FoveaClassify
import FoveaCore
import Testing

/// The configuration accepts exactly the expansion groups the engine can build (one parser of
/// point-group names), with the engine's order: C120 was accepted here and then failed in the
/// engine; I1 was refused here although the engine has it.
@Suite struct ExpansionGroupTests {
    static func config(_ group: String) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: 2, cycles: 1, outerRadius: 60, classificationResolution: 10,
                                 referenceBand: FoveaClassify.ReferenceBand(low: 100, high: 8), molecularMass: 250,
                                 expansionGroup: group)
    }

    @Test func configurationAndEngineAgreeOnEveryName() throws {
        var random = SeededRandom(seed: 1515)
        var names = ["C1", "C99", "C100", "C120", "D99", "D100", "I", "I1", "I2", "I3", "I4", "t", "o", "X2", "C0", "D1"]
        for _ in 0..<24 {
            names.append(["C", "D", "c", "d"][Int(random.uniform() * 4)] + String(Int(random.uniform() * 1200)))
        }
        for name in names {
            let engineGroup = try? PointGroup(name: name)
            let config = try? Self.config(name)
            #expect((engineGroup == nil) == (config == nil), "\(name): engine \(engineGroup?.order ?? 0), config \(config?.operatorCount ?? 0)")
            if let engineGroup, let config { #expect(config.operatorCount == engineGroup.order, "\(name)") }
            if config == nil {
                #expect(throws: ConfigurationError.self) { _ = try Self.config(name) }
                do { _ = try Self.config(name) } catch let error as ConfigurationError { #expect(error.option == "expand") }
            }
        }
    }
}
