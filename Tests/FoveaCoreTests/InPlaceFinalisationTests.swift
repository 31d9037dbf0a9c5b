import FoveaCore
import Numerics
import Testing
import _FoveaTestSupport

/// The finalisation's memory-lean kernels (the in-place 3-D inverse FFT, the forward transform
/// without a workspace, the in-place crop, and `finalised` built from them) give the bits of the
/// copying kernels they replace, over seeded random shapes, contents and thread counts.
@Suite struct InPlaceFinalisationTests {
    /// Runs `body` at 1, 2, 3 and 7 `VolumeThreads`.
    static func atThreadCounts(_ body: (Int) -> Void) {
        let previous = VolumeThreads.count
        defer { VolumeThreads.count = previous }
        for threads in [1, 2, 3, 7] {
            VolumeThreads.count = threads
            body(threads)
        }
    }

    /// Sums as insertion leaves them: random values at a `density` fraction of the grid voxels
    /// within `radius` (Fourier pixels of the Np grid), zero elsewhere.
    static func randomSums(size n: Int, padding: Int, radius: Double, density: Double,
                           random: inout TestRandom) -> ReconstructionAccumulator {
        var sums = ReconstructionAccumulator(size: n, padding: padding)
        let np = n * padding, wp = np / 2 + 1
        for l in 0..<np { for j in 0..<np { for i in 0..<wp {
            let kz = Double(l <= np / 2 ? l : l - np), ky = Double(j <= np / 2 ? j : j - np)
            guard (Double(i * i) + ky * ky + kz * kz).squareRoot() < radius, random.uniform(0, 1) < density else { continue }
            let index = i + wp * (j + np * l)
            sums.ctfSquared[index] = random.uniform(0, 3)
            sums.numerator[2 * index] = random.gaussian()
            sums.numerator[2 * index + 1] = random.gaussian()
        } } }
        return sums
    }

    /// The in-place c2r equals `FFTWorkspace.inverse` (uncentred and centred) bit for bit, for
    /// cubic and non-cubic even shapes.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func inPlaceInverseEqualsWorkspaceInverse(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let dimensions = seed == 1 ? [2, 2, 2] : (0..<3).map { _ in 2 * Int(random.uniform(1, 17)) }
        let plan = FFTPlanner.shared.plan(dimensions: dimensions)
        let spectrum = (0..<plan.complexCount).map { _ in Complex(Float(random.gaussian()), Float(random.gaussian())) }
        for centred in [false, true] {
            var expected = [Float](repeating: 0, count: plan.realCount)
            spectrum.withUnsafeBufferPointer { input in
                expected.withUnsafeMutableBufferPointer { FFTWorkspace(plan: plan).inverse(input, into: $0, centred: centred) }
            }
            Self.atThreadCounts { threads in
                // What the workspace does before its transform: the centring signs.
                var data = [Float](repeating: 0, count: 2 * plan.complexCount)
                let rowLength = dimensions[2] / 2 + 1
                for index in 0..<plan.complexCount {
                    let i = index % rowLength, row = index / rowLength
                    let j = row % dimensions[1], l = row / dimensions[1]
                    let sign: Float = centred && (i + j + l) & 1 == 1 ? -1 : 1
                    data[2 * index] = spectrum[index].real * sign
                    data[2 * index + 1] = spectrum[index].imaginary * sign
                }
                data.withUnsafeMutableBytes { plan.executeInverseInPlace($0.baseAddress!) }
                let bitsEqual = zip(data.prefix(plan.realCount), expected).allSatisfy { $0.bitPattern == $1.bitPattern }
                #expect(bitsEqual, "shape \(dimensions), centred \(centred), \(threads) threads")
            }
        }
    }

    /// `Volume.fourierTransform` (no workspace) and `HalfComplexVolume.realSpace` (one buffer,
    /// transformed in place) equal the workspace's forward and inverse bit for bit.
    @Test(arguments: [5, 6, 7] as [UInt64])
    func leanTransformsEqualWorkspaceTransforms(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let n = 2 * Int(random.uniform(2, 21))
        let map = Volume(size: n, pixelSize: 1.2, voxels: (0..<(n * n * n)).map { _ in Float(random.gaussian()) })
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan3D(size: n))
        var forward = HalfComplexVolume(size: n)
        map.voxels.withUnsafeBufferPointer { input in
            forward.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
        }
        var inverse = Volume(size: n, pixelSize: 1.2)
        forward.values.withUnsafeBufferPointer { input in
            inverse.voxels.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) }
        }
        Self.atThreadCounts { threads in
            let lean = map.fourierTransform()
            #expect(zip(lean.values, forward.values).allSatisfy {
                $0.real.bitPattern == $1.real.bitPattern && $0.imaginary.bitPattern == $1.imaginary.bitPattern
            }, "forward, box \(n), \(threads) threads")
            let back = forward.realSpace(pixelSize: 1.2)
            #expect(back.voxels.map(\.bitPattern) == inverse.voxels.map(\.bitPattern), "inverse, box \(n), \(threads) threads")
        }
    }

    /// The in-place crop equals the copying crop, with and without grid correction, for padding
    /// 1 (every voxel in its place) and 2–3 (voxels moved towards the start).
    @Test(arguments: [8, 9, 10, 11, 12] as [UInt64])
    func inPlaceCropEqualsCopyingCrop(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let n = 2 * Int(random.uniform(2, 13)), padding = Int(random.uniform(1, 4))
        let np = n * padding
        let padded = Volume(size: np, pixelSize: 0.9, voxels: (0..<(np * np * np)).map { _ in Float(random.gaussian()) })
        for gridCorrection in [true, false] {
            let expected = ReconstructionAccumulator.cropCentre(padded, to: n, gridCorrection: gridCorrection)
            Self.atThreadCounts { threads in
                let cropped = ReconstructionAccumulator.cropCentre(inPlace: padded, to: n, gridCorrection: gridCorrection)
                #expect(cropped.size == n && cropped.pixelSize == 0.9)
                #expect(cropped.voxels.map(\.bitPattern) == expected.voxels.map(\.bitPattern),
                        "box \(n), padding \(padding), grid correction \(gridCorrection), \(threads) threads")
            }
            // The source was a copy: the caller's map is untouched.
            #expect(padded.size == np)
        }
    }

    /// `finalised` (and `finaliseReleasingSums`) equals the copying pipeline it replaces: the
    /// Wiener spectrum as a `HalfComplexVolume`, the workspace's centred inverse into a separate
    /// map, then the copying crop — over seeded boxes, paddings, constants and sparse sums.
    @Test(arguments: [13, 14, 15, 16] as [UInt64])
    func finalisedEqualsCopyingPipeline(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let n = 2 * Int(random.uniform(3, 15)), padding = seed == 14 ? 2 : 1
        let np = n * padding, wp = np / 2 + 1
        let sums = Self.randomSums(size: n, padding: padding, radius: random.uniform(1, Double(np / 2)), density: 0.9,
                                   random: &random)
        let c = random.uniform(0, 2), pixelSize = random.uniform(0.8, 4)
        // The pipeline as it was: spectrum, workspace inverse into its own map, copying crop.
        let plane = sums.friedelPlane()
        let scale = 1 / Double(padding * padding * padding)
        var spectrum = HalfComplexVolume(size: np)
        for index in 0..<(wp * np * np) {
            let i = index % wp, q = index / wp
            let weight = i == 0 ? plane.ctfSquared[q] : sums.ctfSquared[index]
            guard weight > 0 else { continue }
            let re = i == 0 ? plane.numerator[2 * q] : sums.numerator[2 * index]
            let im = i == 0 ? plane.numerator[2 * q + 1] : sums.numerator[2 * index + 1]
            let factor = scale / (weight + c)
            spectrum.values[index] = Complex(Float(re * factor), Float(im * factor))
        }
        var padded = Volume(size: np, pixelSize: pixelSize)
        spectrum.values.withUnsafeBufferPointer { input in
            padded.voxels.withUnsafeMutableBufferPointer { FFTWorkspace(plan: FFTPlanner.shared.plan3D(size: np)).inverse(input, into: $0) }
        }
        let expected = ReconstructionAccumulator.cropCentre(padded, to: n, gridCorrection: true).voxels.map(\.bitPattern)
        Self.atThreadCounts { threads in
            let map = sums.finalised(regularisation: .constant(c), pixelSize: pixelSize)
            #expect(map.size == n && map.pixelSize == pixelSize)
            #expect(map.voxels.map(\.bitPattern) == expected, "box \(n), padding \(padding), \(threads) threads")
            var copy = sums
            let released = copy.finaliseReleasingSums(regularisation: .constant(c), pixelSize: pixelSize)
            #expect(copy.numerator.isEmpty && copy.ctfSquared.isEmpty)
            #expect(released.voxels.map(\.bitPattern) == expected, "releasing, box \(n), \(threads) threads")
        }
    }

    /// The map made from sums read a slab of z planes at a time (a spilled total) equals the map
    /// of the sums in memory, for seeded slab sizes (1 plane … more than the grid), paddings and
    /// SSNR-weighted regularisation; the planes are asked for in ascending order, each once.
    @Test(arguments: [17, 18, 19, 20] as [UInt64])
    func slabbedFinalisationEqualsInMemory(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let n = 2 * Int(random.uniform(3, 13)), padding = seed == 18 ? 2 : 1
        let np = n * padding, wp = np / 2 + 1
        let sums = Self.randomSums(size: n, padding: padding, radius: Double(np), density: 0.7, random: &random)
        let curve = (0...(n / 2)).map { _ in random.uniform(-0.5, 10) }
        let regularisation = WienerRegularisation.ssnr(perShell: curve, wienerConstant: random.uniform(0.5, 2))
        let expected = sums.finalised(regularisation: regularisation, pixelSize: 1.7).voxels.map(\.bitPattern)
        for slab in [1, Int(random.uniform(2, Double(np))), np + 3] {
            Self.atThreadCounts { threads in
                var next = 0
                let map = ReconstructionAccumulator.finalised(size: n, padding: padding, friedelPlane: sums.friedelPlane(),
                                                              regularisation: regularisation, pixelSize: 1.7,
                                                              planesAtOnce: slab) { planes, numerator, ctfSquared in
                    #expect(planes.lowerBound == next && planes.count <= slab)
                    next = planes.upperBound
                    let first = planes.lowerBound * wp * np
                    for v in 0..<(planes.count * wp * np) {
                        ctfSquared[v] = sums.ctfSquared[first + v]
                        numerator[2 * v] = sums.numerator[2 * (first + v)]
                        numerator[2 * v + 1] = sums.numerator[2 * (first + v) + 1]
                    }
                }
                #expect(next == np)
                #expect(map.voxels.map(\.bitPattern) == expected, "box \(n), padding \(padding), slab \(slab), \(threads) threads")
            }
        }
    }
}
