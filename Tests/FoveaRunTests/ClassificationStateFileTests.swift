import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaRun

/// A `ClassificationState` is written and read by one schema (`RunState`, format 2): over seeded
/// samples of particle count, operators, K, box, volume box, history and per-row σ (present or not), what is read back equals
/// what was written, field for field.
@Suite struct ClassificationStateFileTests {
    /// A seeded linear congruential generator for the samples.
    struct Draw {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func unit() -> Double { Double(next(1 << 24)) / Double(1 << 24) }
    }

    static func sample(_ draw: inout Draw) throws -> RunState {
        let k = draw.next(4) + 1, particles = draw.next(20) + 1
        let group = ["C1", "C2", "D2"][draw.next(3)]
        let config = try ClassificationConfig(classCount: k, cycles: 9, outerRadius: 10, classificationResolution: 8,
                                              referenceBand: ReferenceBand(low: 100, high: 8), molecularMass: 100,
                                              expansionGroup: group)
        let rows = particles * config.operatorCount
        let box = 2 * (draw.next(6) + 4), volumeBox = min(box, 2 * (draw.next(4) + 2)), pixel = 0.5 + 3 * draw.unit()
        let volumes = (0..<k).map { _ in
            Volume(size: volumeBox, pixelSize: pixel * Double(box) / Double(volumeBox),
                   voxels: (0..<(volumeBox * volumeBox * volumeBox)).map { _ in Float(draw.unit() - 0.5) })
        }
        let cycles = draw.next(4)
        let history = (0..<cycles).map { c in
            CycleReport(statistics: CycleStatistics(cycle: c + 1, rowCount: rows, softFractions: (0..<k).map { _ in draw.unit() },
                                                    hardFractions: (0..<k).map { _ in draw.unit() }, changedFraction: draw.unit(),
                                                    meanLogP: -1000 * draw.unit(), classAverageChange: c == 0 ? nil : draw.unit()),
                        resolutions: (0..<k).map { _ in 5 + 30 * draw.unit() }, seconds: draw.unit(),
                        indistinct: draw.next(2) == 0 ? nil : IndistinctClasses(identicalPairs: [], emptyClasses: [0]))
        }
        let classification = ClassificationState(
            cycle: cycles, occupancy: ClassTable(rowCount: rows, classCount: k, values: (0..<(rows * k)).map { _ in Float(100 * draw.unit()) }),
            logP: ClassTable(rowCount: rows, classCount: k, values: (0..<(rows * k)).map { _ in Float(-500 * draw.unit()) }),
            bestClass: cycles == 0 ? nil : (0..<rows).map { _ in Int32(draw.next(k)) }, classVolumes: volumes,
            fscCurves: (0..<k).map { _ in (0...(volumeBox / 2)).map { _ in draw.unit() } }, history: history,
            sigma: cycles == 0 || draw.next(2) == 0 ? nil : (0..<rows).map { _ in Float(0.45 + 2 * draw.unit()) })
        return RunState(config: config, inputs: RunInputPaths(particles: "particles.star"), particleCount: particles,
                        boxSize: box, pixelSize: pixel, classification: classification,
                        densityScale: MapDensityScale(noiseAmplitude: (0...(box / 2)).map { _ in draw.unit() }, boxSize: box))
    }

    @Test func whatIsWrittenIsWhatIsRead() throws {
        var draw = Draw(state: 14)
        let folder = temporaryFolder("state-file")
        for index in 0..<24 {
            let state = try Self.sample(&draw)
            let path = folder + "/state-\(index).h5"
            try state.write(to: path)
            let read = try RunState.read(from: path)
            #expect(read.storedFormatVersion == RunState.formatVersion)
            #expect(read.classification == state.classification, "sample \(index)")
            #expect(read.config == state.config && read.inputs == state.inputs)
            #expect(read.particleCount == state.particleCount && read.boxSize == state.boxSize && read.pixelSize == state.pixelSize)
            #expect(read.densityScale == state.densityScale)
        }
    }
}
