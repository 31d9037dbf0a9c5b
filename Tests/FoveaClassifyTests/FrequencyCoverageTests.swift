import Testing
import FoveaClassify
import FoveaCore

/// Every frequency the likelihood's low-pass reads is held by the layout the particles are kept
/// in between cycles, over the space of boxes, pixel sizes and resolutions a user can set (a
/// frequency lost to round-off between the layout's radius and the filter's trapped runs at box 64,
/// 4 Å/px and 8–26 Å).
@Suite struct FrequencyCoverageTests {
    struct Case: CustomStringConvertible {
        let box: Int, pixelSize: Double, resolution: Double, referenceHigh: Double
        var description: String { "box \(box), \(pixelSize) Å/px, --resolution \(resolution), --reference-high \(referenceHigh)" }
    }

    /// The reported settings, then a seeded sample of box (even, 16–512), pixel 0.5–10 Å,
    /// resolution 2p–60 Å (some on whole and half Å) and reference high limit 2p–resolution.
    static let cases: [Case] = {
        // --reference-high defaults to --resolution.
        var list = [8.0, 15, 17, 20, 23, 26].map { Case(box: 64, pixelSize: 4, resolution: $0, referenceHigh: $0) }
            + [6.0, 7].map { Case(box: 64, pixelSize: 3, resolution: $0, referenceHigh: $0) }
        var random = SeededRandom(seed: 20_261_205)
        for index in 0..<1000 {
            let box = 2 * Int(random.uniform(in: 8..<257))
            let pixel = (random.uniform(in: 0.5..<10) * 100).rounded() / 100
            var resolution = random.uniform(in: (2 * pixel)..<max(60, 2 * pixel + 1))
            if index % 3 == 0 { resolution = max(2 * pixel, (resolution * 2).rounded() / 2) }
            let high = random.uniform(in: (2 * pixel)..<(resolution + 0.001))
            list.append(Case(box: box, pixelSize: pixel, resolution: resolution, referenceHigh: high))
        }
        return list
    }()

    @Test func theCycleLayoutHoldsEveryFrequencyTheLikelihoodReads() throws {
        var failures: [String] = []
        for item in Self.cases {
            let config = try ClassificationConfig(classCount: 2, cycles: 1, outerRadius: 1, classificationResolution: item.resolution,
                                                  referenceBand: ReferenceBand(low: 300, high: item.referenceHigh), molecularMass: 100)
            let (layout, reads) = ParticleShard.cycleFrequencies(size: item.box, pixelSize: item.pixelSize, config: config)
            #expect(!reads.isEmpty, "\(item)")
            let missing = reads.filter { layout.index(kx: $0.x, ky: $0.y) == nil }
            if !missing.isEmpty { failures.append("\(item): misses \(missing.prefix(4).map { "(\($0.x), \($0.y))" })") }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(Self.cases.count) cases: \(failures.prefix(20).joined(separator: "; "))")
    }
}
