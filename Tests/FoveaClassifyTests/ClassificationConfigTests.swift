import Foundation
import FoveaCore
import Testing
import FoveaClassify

/// A valid focused configuration with every field away from its default, to vary one field at a time.
private func makeConfig(classCount: Int = 3, cycles: Int = 20, focus: FocusMode = .twoD,
                        sphere: FocusSphere? = FocusSphere(x: 30, y: 40, z: 50, radius: 12, origin: .corner),
                        maskPath: String? = nil, focusEdge: Double = 2, outerRadius: Double = 60,
                        classificationResolution: Double = 10, referenceBand: ReferenceBand = ReferenceBand(low: 100, high: 8),
                        molecularMass: Double = 250, expansionGroup: String = "C2", seed: UInt64 = 42,
                        threads: Int = 2, checkpointEvery: Int = 5,
                        convergence: ConvergenceCriteria = ConvergenceCriteria(classAverageChange: 0.5, changedFraction: 0.01, minimumCycles: 4),
                        referenceMask: ReferenceMaskSettings = ReferenceMaskSettings(edge: 8, outsideWeight: 0.2, outsideLowPass: 25)) throws -> ClassificationConfig {
    try ClassificationConfig(classCount: classCount, cycles: cycles, focus: focus, sphere: sphere, maskPath: maskPath,
                             focusEdge: focusEdge, outerRadius: outerRadius, classificationResolution: classificationResolution,
                             referenceBand: referenceBand, molecularMass: molecularMass, expansionGroup: expansionGroup,
                             seed: seed, threads: threads, checkpointEvery: checkpointEvery, convergence: convergence,
                             referenceMask: referenceMask)
}

/// Runs `build` and returns the option named by the ConfigurationError it throws (nil if none).
private func failingOption(_ build: () throws -> ClassificationConfig) -> String? {
    do { _ = try build(); return nil } catch let error as ConfigurationError {
        #expect(error.description.hasPrefix("--\(error.option): "))
        return error.option
    } catch { return "unexpected \(error)" }
}

@Suite struct ClassificationConfigTests {
    @Test func validConfigurationKeepsItsValues() throws {
        let config = try makeConfig()
        #expect(config.classCount == 3 && config.operatorCount == 2 && config.formatVersion == ClassificationConfig.currentFormatVersion)
    }

    @Test func eachInvalidValueNamesItsOption() {
        let sphere = FocusSphere(x: 1, y: 1, z: 1, radius: 5, origin: .centre)
        let cases: [(String, () throws -> ClassificationConfig)] = [
            ("classes", { try makeConfig(classCount: 0) }),
            ("cycles", { try makeConfig(cycles: 0) }),
            ("focus", { try makeConfig(focus: .subtract, sphere: nil) }),
            ("sphere", { try makeConfig(sphere: sphere, maskPath: "focus.mrc") }),
            ("sphere", { try makeConfig(sphere: FocusSphere(x: 1, y: 1, z: 1, radius: 0, origin: .centre)) }),
            ("sphere", { try makeConfig(sphere: FocusSphere(x: .nan, y: 1, z: 1, radius: 3, origin: .centre)) }),
            ("mask", { try makeConfig(sphere: nil, maskPath: "") }),
            ("focus-edge", { try makeConfig(focusEdge: -1) }),
            ("outer-radius", { try makeConfig(outerRadius: 0) }),
            ("resolution", { try makeConfig(classificationResolution: .infinity) }),
            ("reference-low", { try makeConfig(referenceBand: ReferenceBand(low: 8, high: 20)) }),
            ("reference-high", { try makeConfig(referenceBand: ReferenceBand(low: 50, high: -3)) }),
            ("mass", { try makeConfig(molecularMass: 0) }),
            ("expand", { try makeConfig(expansionGroup: "X7") }),
            ("expand", { try makeConfig(expansionGroup: "D1") }),
            ("expand", { try makeConfig(expansionGroup: "C+2") }),
            ("threads", { try makeConfig(threads: 0) }),
            ("checkpoint-every", { try makeConfig(checkpointEvery: 0) }),
            ("stop-class-change", { try makeConfig(convergence: ConvergenceCriteria(classAverageChange: -1)) }),
            ("stop-changed-fraction", { try makeConfig(convergence: ConvergenceCriteria(changedFraction: 1.5)) }),
            ("min-cycles", { try makeConfig(convergence: ConvergenceCriteria(minimumCycles: 0)) }),
            ("mask-edge", { try makeConfig(referenceMask: ReferenceMaskSettings(edge: -2)) }),
            ("mask-outside-weight", { try makeConfig(referenceMask: ReferenceMaskSettings(outsideWeight: 2)) }),
            ("mask-lowpass", { try makeConfig(referenceMask: ReferenceMaskSettings(outsideLowPass: 0)) }),
        ]
        for (option, build) in cases {
            #expect(failingOption(build) == option, "expected --\(option) to be named")
        }
        // Focus none needs no region.
        #expect(failingOption { try makeConfig(focus: .none, sphere: nil) } == nil)
    }

    @Test func pointGroupOrders() throws {
        let expected = ["C1": 1, "c3": 3, "D2": 4, "D7": 14, "T": 12, "O": 24, "i": 60]
        for (name, order) in expected { #expect(try makeConfig(expansionGroup: name).operatorCount == order) }
    }

    @Test func codableRoundTripIsExact() throws {
        let config = try makeConfig()
        let data = try JSONEncoder().encode(config)
        let decoded = try JSONDecoder().decode(ClassificationConfig.self, from: data)
        #expect(decoded == config)
        let noSphere = try makeConfig(focus: .none, sphere: nil, referenceMask: ReferenceMaskSettings())
        #expect(try JSONDecoder().decode(ClassificationConfig.self, from: JSONEncoder().encode(noSphere)) == noSphere)
    }

    @Test func decodingValidatesAndRefusesNewerFormats() throws {
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(makeConfig())) as! [String: Any]
        object["classCount"] = 0
        let bad = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: ConfigurationError.self) { try JSONDecoder().decode(ClassificationConfig.self, from: bad) }
        do { _ = try JSONDecoder().decode(ClassificationConfig.self, from: bad) } catch let error as ConfigurationError {
            #expect(error.option == "classes")
        }
        object["classCount"] = 3
        object["formatVersion"] = ClassificationConfig.currentFormatVersion + 1
        let newer = try JSONSerialization.data(withJSONObject: object)
        do { _ = try JSONDecoder().decode(ClassificationConfig.self, from: newer); Issue.record("newer format accepted") }
        catch let error as ConfigurationError { #expect(error.option == "format-version") }
    }

    @Test func continuationAllowsOnlyTheWhitelist() throws {
        let stored = try makeConfig()
        #expect(ClassificationConfig.optionsChangeableOnContinue == [.cycles, .threads, .checkpointEvery])
        let longer = try makeConfig(cycles: 50, threads: 8, checkpointEvery: 10)
        #expect(stored.differingOptions(from: longer) == [.cycles, .threads, .checkpointEvery])
        try stored.checkContinuation(with: longer)
        let reseeded = try makeConfig(cycles: 50, seed: 7)
        #expect(stored.differingOptions(from: reseeded) == [.cycles, .seed])
        do { try stored.checkContinuation(with: reseeded); Issue.record("seed change accepted") }
        catch let error as ConfigurationError { #expect(error.option == "seed") }
        let lowPass = try makeConfig(referenceMask: ReferenceMaskSettings(edge: 8, outsideWeight: 0.2, outsideLowPass: nil))
        #expect(stored.differingOptions(from: lowPass) == [.maskLowPass])
    }

    @Test func dataDependentChecks() throws {
        // Box 48 px of 2 Å: half width 48 Å, Nyquist 4 Å.
        let inside = try makeConfig(sphere: FocusSphere(x: 48, y: 48, z: 48, radius: 20, origin: .corner), outerRadius: 40)
        try inside.validate(boxSize: 48, pixelSize: 2)
        let cases: [(String, ClassificationConfig)] = [
            ("sphere", try makeConfig(sphere: FocusSphere(x: 80, y: 48, z: 48, radius: 20, origin: .corner), outerRadius: 40)),
            ("sphere", try makeConfig(sphere: FocusSphere(x: 0, y: 0, z: -40, radius: 10, origin: .centre), outerRadius: 40)),
            ("outer-radius", try makeConfig(outerRadius: 50)),
            ("resolution", try makeConfig(outerRadius: 40, classificationResolution: 3)),
            ("reference-high", try makeConfig(outerRadius: 40, referenceBand: ReferenceBand(low: 100, high: 3.5))),
        ]
        for (option, config) in cases {
            #expect(failingOption { try config.validate(boxSize: 48, pixelSize: 2); return config } == option)
        }
    }

    @Test func sphereCentreFrames() {
        let corner = FocusSphere(x: 30, y: 40, z: 50, radius: 5, origin: .corner)
        #expect(corner.centreFromMapCentre(pixelSize: 2, boxSize: 40) == SIMD3(-5, 0, 5))
        let centre = FocusSphere(x: 30, y: 40, z: 50, radius: 5, origin: .centre)
        #expect(centre.centreFromMapCentre(pixelSize: 2, boxSize: 40) == SIMD3(15, 20, 25))
    }
}
