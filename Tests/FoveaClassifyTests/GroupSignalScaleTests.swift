import Foundation
import Testing
import FoveaClassify
import _FoveaTestSupport
import FoveaCore
import FoveaDistributed

/// The group intensity scale recovers known per-group signal scales (after the images are
/// normalised on their background, a group's scale is its signal amplitude over its noise level)
/// whatever the groups' defocus, and is identical on 1, 2 and 3 ranks.
@Suite struct GroupSignalScaleTests {
    static let size = 48, pixelSize = 5.0, radius = 18.0

    struct Group { var amplitude: Double; var level: Double; var defocus: Double; var count: Int }

    /// A particle: a few Gaussian blobs inside the particle disc, CTF-modulated, times `amplitude`,
    /// plus white noise of SD `level` and an offset.
    static func image(_ group: Group, ctf: CTFParameters, random: inout SeededRandom, workspace: FFTWorkspace) -> [Float] {
        let n = size, c = Double(n / 2)
        var signal = [Float](repeating: 0, count: n * n)
        for _ in 0..<6 {
            let r = 10 * random.uniform().squareRoot(), angle = 2 * Double.pi * random.uniform()
            let (bx, by) = (c + r * Foundation.cos(angle), c + r * Foundation.sin(angle))
            for y in 0..<n { for x in 0..<n {
                let d2 = (Double(x) - bx) * (Double(x) - bx) + (Double(y) - by) * (Double(y) - by)
                signal[x + n * y] += Float(Foundation.exp(-d2 / 8))
            } }
        }
        var spectrum = HalfComplexImage(size: n)
        signal.withUnsafeBufferPointer { input in spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) } }
        spectrum.multiply(by: ctf.halfPlaneGrid(size: n, pixelSize: pixelSize))
        spectrum.values.withUnsafeBufferPointer { input in signal.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) } }
        return signal.map { Float(group.amplitude) * $0 + Float(group.level * random.gaussian()) + 2 }
    }

    static func dataset(seed: UInt64) -> (groups: [Group], images: [[Float]], ctfs: [CTFParameters], groupOf: [Int]) {
        var draw = TestRandom(seed: seed)
        let groups = (0..<Int(draw.uniform(3, 6))).map { _ in
            Group(amplitude: draw.uniform(1.5, 6), level: draw.uniform(0.5, 2), defocus: draw.uniform(8_000, 30_000),
                  count: Int(draw.uniform(50, 90)))
        }
        var random = SeededRandom(seed: seed)
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: size))
        var images: [[Float]] = [], ctfs: [CTFParameters] = [], groupOf: [Int] = []
        for (g, group) in groups.enumerated() {
            for _ in 0..<group.count {
                let defocus = group.defocus + draw.uniform(-500, 500)
                let ctf = CTFParameters(defocusU: defocus, defocusV: defocus, astigmatismAngle: 0, voltage: 300,
                                        sphericalAberration: 2.7, amplitudeContrast: 0.1)
                images.append(image(group, ctf: ctf, random: &random, workspace: workspace))
                ctfs.append(ctf)
                groupOf.append(g)
            }
        }
        return (groups, images, ctfs, groupOf)
    }

    static func scales(_ data: (groups: [Group], images: [[Float]], ctfs: [CTFParameters], groupOf: [Int]),
                       range: Range<Int>, communicator: any Communicator, norm: WhiteningNorm = .shell) throws -> [Double] {
        let images = InMemoryParticleImages(pixels: Array(data.images[range]), boxSize: size, pixelSize: pixelSize)
        let groups = Array(data.groupOf[range])
        let whitening = try GroupWhitening.estimate(images: images, globalIndex: Array(range), groups: groups,
                                                    backgroundRadius: radius, norm: norm, threads: 2, chunk: 13,
                                                    communicator: communicator).whitening
        return try GroupSignalScale.estimate(images: images, ctfs: Array(data.ctfs[range]), whitening: whitening, groups: groups,
                                             backgroundRadius: radius, norm: norm, bandRadius: 14, threads: 2, chunk: 13,
                                             communicator: communicator)
    }

    @Test(arguments: [UInt64(2), 9, 44], WhiteningNorm.allCases)
    func recoversKnownGroupScales(seed: UInt64, norm: WhiteningNorm) throws {
        let data = Self.dataset(seed: seed)
        let estimated = try Self.scales(data, range: data.images.indices, communicator: SerialCommunicator(), norm: norm)
        // Truth: amplitude / level, normalised to a particle-weighted mean of 1 like the estimate.
        let raw = data.groups.map { $0.amplitude / $0.level }
        let mean = zip(raw, data.groups).reduce(0.0) { $0 + $1.0 * Double($1.1.count) } / Double(data.images.count)
        let truth = raw.map { $0 / mean }
        for (g, (a, t)) in zip(estimated, truth).enumerated() {
            #expect(abs(a / t - 1) < 0.15, "group \(g): estimated \(a), truth \(t) (\(data.groups[g]))")
        }
        let weightedMean = zip(estimated, data.groups).reduce(0.0) { $0 + $1.0 * Double($1.1.count) } / Double(data.images.count)
        #expect(abs(weightedMean - 1) < 1e-9 || estimated.contains { $0 == 0.2 || $0 == 5 })
    }

    @Test func scalesAreIdenticalOnOneTwoAndThreeRanks() throws {
        let data = Self.dataset(seed: 5)
        let single = try Self.scales(data, range: data.images.indices, communicator: SerialCommunicator())
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: data.images.count, size: ranks)
            let parts = try LocalGroup(size: ranks).run { communicator in
                try Self.scales(data, range: ranges[communicator.rank], communicator: communicator)
            }
            for part in parts { #expect(part == single) }
        }
    }
}
