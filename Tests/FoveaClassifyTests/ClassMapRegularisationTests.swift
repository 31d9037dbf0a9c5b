import Foundation
import Testing
import FoveaClassify
import _FoveaClassifyTestSupport
import _FoveaTestSupport
import FoveaCore
import FoveaDistributed

/// `--regularisation` T (RELION's `--tau2_fudge`): the class maps' Wiener filter with the SSNR
/// multiplied by T, stored with the run.
@Suite struct ClassMapRegularisationTests {
    /// Sums on a box-`size` grid whose every filled voxel has Σctf² = `ctf2` and a random
    /// numerator; the x = 0 plane and the corners beyond N/2 − 1 are left empty, so Friedel
    /// completion and the end of the SSNR curve do not touch the filled voxels.
    static func uniformSums(size: Int, padding: Int, ctf2: Double, random: inout TestRandom) -> ReconstructionAccumulator {
        var sums = ReconstructionAccumulator(size: size, padding: padding)
        let np = size * padding, wp = np / 2 + 1
        let limit = Double(size / 2 - 1) * Double(padding)
        for l in 0..<np {
            let kz = Double(l <= np / 2 ? l : l - np)
            for j in 0..<np {
                let ky = Double(j <= np / 2 ? j : j - np)
                for i in 1..<wp where (Double(i * i) + ky * ky + kz * kz).squareRoot() < limit {
                    let index = i + wp * (j + np * l)
                    sums.ctfSquared[index] = ctf2
                    sums.numerator[2 * index] = random.uniform(-1, 1)
                    sums.numerator[2 * index + 1] = random.uniform(-1, 1)
                }
            }
        }
        return sums
    }

    /// With Σctf² = c and SSNR = s on every filled voxel, the Wiener map is the unregularised
    /// map (τ = 0) times c/(c + 1/(T·s)) = T·s·c/(T·s·c + 1) — computed here independently of the
    /// filter — for seeded random T, s and c.
    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func wienerFactorIsTsc_over_Tsc_plus_one(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        let size = 8, padding = seed % 2 == 0 ? 2 : 1
        let ctf2 = pow(10, random.uniform(-1, 2)), ssnr = pow(10, random.uniform(-2, 1))
        let factor = seed == 1 ? 1 : pow(10, random.uniform(-2, 2))
        let sums = Self.uniformSums(size: size, padding: padding, ctf2: ctf2, random: &random)
        let plain = sums.finalised(regularisation: .constant(0))
        let curve = [Double](repeating: ssnr, count: size / 2 + 1)
        let filtered = sums.finalised(regularisation: ClassMapRegularisation.wienerTerm(ssnr: curve, factor: factor))
        let expected = factor * ssnr * ctf2 / (factor * ssnr * ctf2 + 1)
        let scale = plain.voxels.map { abs(Double($0)) }.max() ?? 0
        #expect(scale > 0)
        let worst = zip(filtered.voxels, plain.voxels).map { (a: Float, b: Float) -> Double in abs(Double(a) - expected * Double(b)) }
            .max() ?? .infinity
        #expect(worst <= 1e-5 * scale, "T \(factor), s \(ssnr), c \(ctf2): factor \(expected), worst \(worst) of \(scale)")
    }

    /// T = 1 is today's filter exactly (the same SSNR values, the same constant), so the maps are
    /// bit for bit those of runs made before the option; other T scale the SSNR, shell by shell.
    @Test func unitFactorIsThePlainFilter() {
        var random = TestRandom(seed: 9)
        for _ in 0..<20 {
            let curve = (0..<Int(random.uniform(1, 40))).map { _ in random.uniform(-0.5, 20) }
            #expect(ClassMapRegularisation.wienerTerm(ssnr: curve, factor: 1) == .ssnr(perShell: curve, wienerConstant: 1))
            let factor = random.uniform(0.01, 100)
            #expect(ClassMapRegularisation.wienerTerm(ssnr: curve, factor: factor)
                    == .ssnr(perShell: curve.map { $0 * factor }, wienerConstant: 1))
        }
    }

    static func config(regularisation: Double, cycles: Int = 4) throws -> ClassificationConfig {
        try ClassificationConfig(classCount: 2, cycles: cycles, focus: .twoD, sphere: SyntheticDataset.focus,
                                 outerRadius: 90, classificationResolution: 10,
                                 referenceBand: ReferenceBand(low: 300, high: 10), molecularMass: 200,
                                 expansionGroup: "C1", seed: 3, threads: 2,
                                 convergence: ConvergenceCriteria(classAverageChange: 0, changedFraction: 0, minimumCycles: 4),
                                 regularisation: regularisation)
    }

    /// T ≠ 1 changes the class maps (the option is not ignored), and with it the classes on 1, 2
    /// and 3 ranks are identical.
    @Test(arguments: [0.25, 4.0])
    func regularisedRunsDoNotDependOnTheNumberOfRanks(factor: Double) throws {
        let data = EngineClassificationTests.highSNR
        let config = try Self.config(regularisation: factor)
        let single = try EngineClassificationTests.run(config, data.particles)
        let plain = try EngineClassificationTests.run(try Self.config(regularisation: 1), data.particles)
        #expect(single.classVolumes != plain.classVolumes)
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: data.particles.count, size: ranks)
            let classes = try LocalGroup(size: ranks).run { communicator -> [Int32] in
                let engine = try ClassificationEngine(config: config, particles: Array(data.particles[ranges[communicator.rank]]),
                                                      references: nil, focusMask: nil, communicator: communicator)
                _ = try engine.run()
                return engine.bestClasses
            }
            #expect(classes.flatMap { $0 } == single.bestClasses, "T \(factor) on \(ranks) ranks")
        }
    }

    /// Stored with the run: round-trips, runs stored before the option read as T = 1, values outside
    /// 10⁻³…10³ (or not finite) are refused naming the option, and `--continue` may not change it.
    @Test func storedValidatedAndFixedOnContinue() throws {
        let config = try Self.config(regularisation: 4)
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(ClassificationConfig.self, from: data) == config)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "regularisation")
        let old = try JSONDecoder().decode(ClassificationConfig.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.regularisation == 1)
        for bad in [0, -1, 0.0009, 1000.5, .nan, .infinity] as [Double] {
            do { _ = try Self.config(regularisation: bad); Issue.record("T \(bad) accepted") }
            catch let error as ConfigurationError { #expect(error.option == "regularisation") }
        }
        for good in [0.001, 0.5, 16, 1000] as [Double] { #expect(try Self.config(regularisation: good).regularisation == good) }
        #expect(config.differingOptions(from: old) == [.regularisation])
        do { try old.checkContinuation(with: config); Issue.record("a changed T accepted on --continue") }
        catch let error as ConfigurationError { #expect(error.option == "regularisation") }
        try config.checkContinuation(with: try Self.config(regularisation: 4, cycles: 9))
    }
}
