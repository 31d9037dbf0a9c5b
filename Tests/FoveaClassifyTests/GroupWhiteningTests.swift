import Foundation
import Testing
import FoveaClassify
import _FoveaTestSupport
import FoveaCore
import FoveaDistributed

/// Per-group noise spectra: on images whose noise level and colour are known per group, each
/// group's estimated filter flattens the shell powers of fresh noise of that group; the estimate is the same on 1, 2
/// and 3 ranks; one group reproduces the global sums of `ExactSum.globalSums` bit for bit.
@Suite struct GroupWhiteningTests {
    /// One simulated noise group: noise SD (image units) and colour B-factor (Å²) of the filter
    /// exp(−B|k|²/4) on the noise amplitude.
    struct Group { var level: Double; var colourB: Double }

    static let size = 48, pixelSize = 5.0, radius = 15.0

    /// A fixed spectrum to whiten (the transform of a seeded noise image).
    static let probe: HalfComplexImage = {
        var random = SeededRandom(seed: 99)
        let pixels = (0..<(size * size)).map { _ in Float(random.gaussian()) }
        var spectrum = HalfComplexImage(size: size)
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: size))
        pixels.withUnsafeBufferPointer { input in spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) } }
        return spectrum
    }()

    /// An image of group `group`: a bright disc inside the background radius (must not count) and
    /// coloured Gaussian noise everywhere.
    static func image(_ group: Group, random: inout SeededRandom, workspace: FFTWorkspace) -> [Float] {
        let n = size, w = n / 2 + 1
        var pixels = (0..<(n * n)).map { _ in Float(random.gaussian()) }
        var spectrum = HalfComplexImage(size: n)
        pixels.withUnsafeBufferPointer { input in spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) } }
        let step = 1 / (Double(n) * pixelSize)
        var filter = [Float](repeating: 0, count: w * n)
        for j in 0..<n {
            let ky = Double(FourierGrid.frequency(index: j, size: n)) * step
            for i in 0..<w {
                let kx = Double(i) * step
                filter[i + w * j] = Float(Foundation.exp(-group.colourB * (kx * kx + ky * ky) / 4))
            }
        }
        spectrum.multiply(by: filter)
        spectrum.values.withUnsafeBufferPointer { input in pixels.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) } }
        let c = Double(n / 2)
        for y in 0..<n {
            for x in 0..<n {
                let d2 = (Double(x) - c) * (Double(x) - c) + (Double(y) - c) * (Double(y) - c)
                let signal: Float = d2 < 0.6 * radius * radius ? 40 : 0
                pixels[x + n * y] = Float(group.level) * pixels[x + n * y] + signal + 3
            }
        }
        return pixels
    }

    /// Seeded groups: group 0 white, group 1 strongly coloured, the rest drawn; 30–70 particles each.
    static func dataset(seed: UInt64) -> (groups: [Group], images: [[Float]], groupOfParticle: [Int]) {
        var draw = TestRandom(seed: seed)
        var groups = [Group(level: draw.uniform(0.5, 2), colourB: 0), Group(level: draw.uniform(0.5, 2), colourB: 400)]
        for _ in 0..<Int(draw.uniform(1, 3)) { groups.append(Group(level: draw.uniform(0.5, 2), colourB: draw.uniform(0, 400))) }
        var random = SeededRandom(seed: seed)
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: size))
        var images: [[Float]] = [], groupOfParticle: [Int] = []
        for (g, group) in groups.enumerated() {
            for _ in 0..<Int(draw.uniform(30, 70)) {
                images.append(image(group, random: &random, workspace: workspace))
                groupOfParticle.append(g)
            }
        }
        // Interleave the groups so that every rank holds some of each.
        var order = Array(images.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(draw.uniform(0, Double(i + 1)))) }
        return (groups, order.map { images[$0] }, order.map { groupOfParticle[$0] })
    }

    static func estimate(_ images: [[Float]], groups: [Int], communicator: any Communicator,
                         range: Range<Int>? = nil, norm: WhiteningNorm = .shell) throws -> GroupWhitening {
        let r = range ?? images.indices
        return try GroupWhitening.estimate(images: InMemoryParticleImages(pixels: Array(images[r]), boxSize: size, pixelSize: pixelSize),
                                           globalIndex: Array(r), groups: Array(groups[r]), backgroundRadius: radius,
                                           norm: norm, threads: 2, chunk: 17, communicator: communicator).whitening
    }

    /// The summed power of shells 2 … N/2 − 2 of fresh noise of `group` after the filter of local
    /// particle `particle`, relative to its median: 1 everywhere when the filter does what §3's
    /// filter does to white noise (W = 1/√P with P the shell's summed power: every shell carries the
    /// same noise power).
    /// With `perPixel`, the power per Fourier pixel instead (1 everywhere when the filter makes the
    /// noise white per pixel, `WhiteningNorm.pixel`).
    static func whitenedShellPower(_ group: Group, whitening: GroupWhitening, particle: Int, seed: UInt64,
                                   perPixel: Bool = false) -> [Double] {
        let n = size
        var random = SeededRandom(seed: seed ^ 0xABCD)
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        var shellSums = [Double](repeating: 0, count: n / 2 + 1), shellCounts = shellSums
        let shellOf = (0..<(n / 2 + 1) * n).map { index -> Int in
            let i = index % (n / 2 + 1), ky = FourierGrid.frequency(index: index / (n / 2 + 1), size: n)
            return Int((Double(i * i + ky * ky)).squareRoot().rounded())
        }
        for _ in 0..<60 {
            var noise = image(Group(level: group.level, colourB: group.colourB), random: &random, workspace: workspace)
            let c = Double(n / 2)
            for y in 0..<n { for x in 0..<n where (Double(x) - c) * (Double(x) - c) + (Double(y) - c) * (Double(y) - c) < 0.6 * radius * radius {
                noise[x + n * y] -= 40 } }   // noise only
            var spectrum = HalfComplexImage(size: n)
            noise.withUnsafeBufferPointer { input in spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) } }
            whitening.apply(to: &spectrum, particle: particle)
            for (index, v) in spectrum.values.enumerated() where shellOf[index] <= n / 2 {
                shellSums[shellOf[index]] += Double(v.real * v.real + v.imaginary * v.imaginary)
                shellCounts[shellOf[index]] += 1
            }
        }
        let powers = (2...(n / 2 - 2)).map { perPixel ? shellSums[$0] / shellCounts[$0] : shellSums[$0] }
        let median = powers.sorted()[powers.count / 2]
        return powers.map { $0 / median }
    }

    @Test(arguments: [UInt64(3), 17, 101])
    func eachGroupsFilterWhitensThatGroupsNoise(seed: UInt64) throws {
        let (groups, images, groupOfParticle) = Self.dataset(seed: seed)
        let whitening = try Self.estimate(images, groups: groupOfParticle, communicator: SerialCommunicator())
        #expect(whitening.groupCount == groups.count)
        #expect(whitening.particleCounts == groups.indices.map { g in groupOfParticle.filter { $0 == g }.count })
        // Truth: after its own group's filter, fresh noise of a group has the same power in every shell
        // within 15 %.
        for (g, group) in groups.enumerated() {
            let particle = try #require(groupOfParticle.firstIndex(of: g))
            let relative = Self.whitenedShellPower(group, whitening: whitening, particle: particle, seed: seed + UInt64(g))
            let worst = relative.map { abs($0 - 1) }.max() ?? 0
            #expect(worst < 0.15, "group \(g) (B \(group.colourB) Å², level \(group.level)): worst shell off by \(worst)")
        }
        // One spectrum for all leaves the white and the coloured group far from white.
        let pooled = try Self.estimate(images, groups: [Int](repeating: 0, count: images.count), communicator: SerialCommunicator())
        for g in [0, 1] {
            let particle = try #require(groupOfParticle.firstIndex(of: g))
            let relative = Self.whitenedShellPower(groups[g], whitening: pooled, particle: particle, seed: seed + UInt64(g))
            #expect((relative.map { abs($0 - 1) }.max() ?? 0) > 0.25)
        }
        // The estimated spectra follow the true colour: the ratio of group 1's to group 0's mean power
        // from shell 4 to N/2 − 2 falls as exp(−B|k|²/2) with B = 400 Å², within 20 %.
        let n = Self.size
        let ratios = (4...(n / 2 - 2)).map { s in whitening.meanPower[1][s] / whitening.meanPower[0][s] }
        let truth = (4...(n / 2 - 2)).map { s in
            Foundation.exp(-400 * pow(Double(s) / (Double(n) * Self.pixelSize), 2) / 2)
        }
        let scale = ratios[0] / truth[0]
        for (ratio, expected) in zip(ratios, truth) { #expect(abs(ratio / (scale * expected) - 1) < 0.2) }
    }

    @Test(arguments: [UInt64(4), 31])
    func perPixelNormMakesEachGroupsNoiseWhitePerPixel(seed: UInt64) throws {
        let (groups, images, groupOfParticle) = Self.dataset(seed: seed)
        let whitening = try Self.estimate(images, groups: groupOfParticle, communicator: SerialCommunicator(), norm: .pixel)
        for (g, group) in groups.enumerated() {
            let particle = try #require(groupOfParticle.firstIndex(of: g))
            let white = Self.whitenedShellPower(group, whitening: whitening, particle: particle, seed: seed + UInt64(g), perPixel: true)
            #expect((white.map { abs($0 - 1) }.max() ?? 0) < 0.2, "group \(g): \(white)")
            // The shell norm's filter leaves the same noise far from white per pixel.
            let shellNorm = try Self.estimate(images, groups: groupOfParticle, communicator: SerialCommunicator())
            let tilted = Self.whitenedShellPower(group, whitening: shellNorm, particle: particle, seed: seed + UInt64(g), perPixel: true)
            #expect((tilted.map { abs($0 - 1) }.max() ?? 0) > 0.5)
        }
    }

    @Test(arguments: [UInt64(5), 23])
    func estimateIsIdenticalOnOneTwoAndThreeRanks(seed: UInt64) throws {
        let (_, images, groupOfParticle) = Self.dataset(seed: seed)
        let single = try Self.estimate(images, groups: groupOfParticle, communicator: SerialCommunicator())
        for ranks in [2, 3] {
            let ranges = ShardingPlan.ranges(count: images.count, size: ranks)
            let parts = try LocalGroup(size: ranks).run { communicator in
                let range = ranges[communicator.rank]
                let whitening = try Self.estimate(images, groups: groupOfParticle, communicator: communicator, range: range)
                // Whiten one image of each local particle's group with the local object.
                var spectra: [HalfComplexImage] = []
                for local in 0..<range.count {
                    var spectrum = Self.probe
                    whitening.apply(to: &spectrum, particle: local)
                    spectra.append(spectrum)
                }
                return (whitening.meanPower, whitening.particleCounts, spectra)
            }
            for part in parts {
                #expect(part.0 == single.meanPower)
                #expect(part.1 == single.particleCounts)
            }
            var expected: [HalfComplexImage] = []
            for particle in images.indices {
                var spectrum = Self.probe
                single.apply(to: &spectrum, particle: particle)
                expected.append(spectrum)
            }
            #expect(parts.flatMap(\.2) == expected)
        }
    }

    @Test func oneGroupSumsEqualGlobalSumsBitForBit() throws {
        var random = TestRandom(seed: 77)
        for _ in 0..<20 {
            let count = Int(random.uniform(1, 300)), width = Int(random.uniform(1, 9))
            let rows = (0..<count).map { _ in (0..<width).map { _ in random.uniform(-1, 1) * pow(10, random.uniform(-8, 6)) } }
            let columns = (0..<width).map { j in rows.map { $0[j] } }
            let global = try ExactSum.globalSums(columns, communicator: SerialCommunicator())
            let grouped = try ExactSum.globalGroupSums(rows: rows, groups: [Int](repeating: 0, count: count), groupCount: 1,
                                                       width: width, communicator: SerialCommunicator())
            #expect(grouped == [global])
            // Several groups: each equals the global sum of its own rows.
            let groupCount = Int(random.uniform(1, 5))
            let groups = (0..<count).map { _ in Int(random.uniform(0, Double(groupCount))) }
            let perGroup = try ExactSum.globalGroupSums(rows: rows, groups: groups, groupCount: groupCount, width: width,
                                                        communicator: SerialCommunicator())
            for g in 0..<groupCount {
                let mine = rows.indices.filter { groups[$0] == g }
                #expect(perGroup[g] == (try ExactSum.globalSums((0..<width).map { j in mine.map { rows[$0][j] } },
                                                                communicator: SerialCommunicator())))
            }
        }
    }
}
