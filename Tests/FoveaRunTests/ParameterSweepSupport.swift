import Foundation
import FoveaClassify
import FoveaCore
import FoveaDistributed
import FoveaIO
import FoveaRun

/// One point of the space a user sets for `fovea classify`, with small simulated data.
struct SweepCase: Sendable, CustomStringConvertible {
    enum Region: Sendable, CustomStringConvertible {
        case sphere(FoveaCore.FocusSphere)
        /// A focus mask file: a sphere (Å, from the map centre) written as an MRC; radius 0 = an empty mask.
        case mask(centre: SIMD3<Double>, radius: Double)
        var description: String {
            switch self {
            case .sphere(let s): return "--sphere \(s.x),\(s.y),\(s.z),\(s.radius) --sphere-origin \(s.origin.rawValue)"
            case .mask(let c, let r): return "--mask (sphere at \(c.x),\(c.y),\(c.z) Å from the centre, radius \(r) Å)"
            }
        }
    }
    var index: Int
    var box: Int
    var pixelSize: Double
    var particles: Int
    var classes: Int
    var resolution: Double
    var outerRadius: Double
    var focus: FocusMode
    var region: Region?
    var expand: String
    var ranks: Int
    /// References given: 0 (start from the data), 1 or `classes`.
    var references: Int
    var seed: UInt64

    var description: String {
        "case \(index): box \(box) at \(pixelSize) Å/px, \(particles) particles on \(ranks) rank(s), --classes \(classes) "
            + "--resolution \(resolution) --outer-radius \(outerRadius) --focus \(focus.rawValue) "
            + (region.map { "\($0) " } ?? "") + "--expand \(expand) references \(references) --seed \(seed)"
    }

    /// The option a correct program must refuse this case for, when the settings make no sense for
    /// the data (nil: it must run). `nil` does not forbid a refusal for a reason this model does
    /// not know; the test names such refusals.
    var expectedRefusal: String? {
        let half = Double(box) * pixelSize / 2
        if outerRadius > half { return "outer-radius" }
        if resolution < 2 * pixelSize { return "resolution" }
        if case .sphere(let s) = region {
            let c = s.centreFromMapCentre(pixelSize: pixelSize, boxSize: box), r = s.radius / pixelSize
            let low = -Double(box / 2), high = Double(box - 1 - box / 2)
            if c.min() - r < low || c.max() + r > high { return "sphere" }
        }
        if case .mask(_, let radius) = region, radius == 0 { return "mask" }
        if classes > particles { return "classes" }
        return nil
    }

    /// A seeded sample of `count` cases; most boxes 24–96, about one in twelve 112–160 with few particles, K ≤ 2, one rank.
    static func sample(count: Int, seed: UInt64) -> [SweepCase] {
        var random = SeededRandom(seed: seed)
        func pick<T>(_ values: [T]) -> T { values[Int(random.uniform(in: 0..<Double(values.count)))] }
        func between(_ low: Double, _ high: Double) -> Double { random.uniform(in: low..<high) }
        return (0..<count).map { index in
            let large = index % 12 == 11
            // Boxes from a fixed list (every FFT shape's plan stays cached in this process; the CLI
            // sweep, one process per case, takes any even box).
            let box = large ? pick([112, 128, 160]) : pick([24, 28, 32, 36, 40, 48, 50, 56, 64, 72, 80, 90, 96])
            let pixel = (between(0.5, 10) * 100).rounded() / 100
            let width = Double(box) * pixel
            // Resolution: mostly 2p … 60 Å (some whole numbers), now and then finer than Nyquist.
            var resolution = between(2 * pixel, max(60, 2 * pixel + 0.5))
            if index % 4 == 0 { resolution = max(2 * pixel, resolution.rounded()) }
            if index % 23 == 5 { resolution = between(pixel, 2 * pixel) }
            // Outer radius: tiny to beyond the box.
            let outer: Double = pick([between(0.05, 1) * pixel, between(0.1, 0.5) * width,
                                      between(0.3, 0.5) * width, width / 2, between(0.5, 0.7) * width])
            let focus = pick(FocusMode.allCases)
            var region: Region?
            if focus != .none {
                let radius = between(0.3, 1) * pixel + between(0, 0.3) * width
                let centre = SIMD3(between(-0.3, 0.3), between(-0.3, 0.3), between(-0.3, 0.3)) * width
                if random.uniform() < 0.6 {
                    let corner = random.uniform() < 0.5
                    let c = corner ? centre + SIMD3(repeating: Double(box / 2) * pixel) : centre
                    region = .sphere(FoveaCore.FocusSphere(x: (c.x * 10).rounded() / 10, y: (c.y * 10).rounded() / 10,
                                                 z: (c.z * 10).rounded() / 10, radius: (radius * 10).rounded() / 10,
                                                 origin: corner ? .corner : .centre))
                } else {
                    region = .mask(centre: centre, radius: index % 29 == 3 ? 0 : max(radius, 1.5 * pixel))
                }
            }
            var expand = pick(["C1", "C1", "C1", "C2", "C7", "D2", "T", "O", "I"])
            // Large boxes: K ≤ 2 on one rank (every in-process rank holds K × 2 padded N³ accumulators;
            // the CLI sweep runs boxes to 512 as separate processes).
            let classes = large ? 1 + Int(between(0, 2)) : 1 + Int(between(0, 8))
            // Few particles for big boxes and big groups (I has 60 copies of each).
            var particles = large ? Int(between(6, 14)) : Int(between(8, 40))
            if expand == "I" || expand == "O" { particles = min(particles, 10) }
            if large && (expand == "I" || expand == "O") { expand = "C2" }
            if index % 31 == 7 { particles = max(1, classes - 1) }
            let ranks = large ? 1 : 1 + Int(between(0, 3))
            let references = pick([0, 0, 0, 1, classes])
            return SweepCase(index: index, box: box, pixelSize: pixel, particles: particles, classes: classes,
                             resolution: (resolution * 1000).rounded() / 1000, outerRadius: (outer * 100).rounded() / 100,
                             focus: focus, region: region, expand: expand, ranks: min(ranks, particles),
                             references: references, seed: 1 + UInt64(index))
        }
    }

    /// The case's configuration (throws `ConfigurationError` for options that are wrong on their own).
    func config() throws -> ClassificationConfig {
        var sphere: FoveaCore.FocusSphere?
        var mask: String?
        switch region {
        case .sphere(let s): sphere = s
        case .mask: mask = "focus_mask.mrc"
        case nil: break
        }
        return try ClassificationConfig(classCount: classes, cycles: 2, focus: focus, sphere: sphere, maskPath: mask,
                                        outerRadius: outerRadius, classificationResolution: resolution,
                                        referenceBand: ReferenceBand(low: 300, high: resolution), molecularMass: 1000,
                                        expansionGroup: expand, seed: seed, threads: 1)
    }

    /// Writes the case's data into `folder` and returns the input paths: `SweepData` particles
    /// (RELION 3.1 STAR and MRCS), the focus mask and the references.
    func writeData(to folder: String) throws -> RunInputPaths {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = SweepData(box: box, pixelSize: pixelSize, seed: seed)
        try data.writeParticles(count: particles, to: folder)
        var maskPath: String?
        if case .mask(let centre, let radius) = region {
            var volume = FocusSphere(centre: centre, radius: max(radius, 1e-3), origin: .centre).volume(size: box, pixelSize: pixelSize)
            if radius == 0 { volume.voxels = [Float](repeating: 0, count: volume.voxels.count) }
            maskPath = folder + "/focus_mask.mrc"
            try MRCWriter.write(volume, to: maskPath!)
        }
        var referencePaths: [String] = []
        for k in 0..<references {
            let path = folder + "/reference_\(k + 1).mrc"
            try MRCWriter.write(data.volume(state: k % 2), to: path)
            referencePaths.append(path)
        }
        return RunInputPaths(particles: folder + "/particles.star", references: referencePaths, mask: maskPath)
    }
}

/// Cheap two-state data for any box and pixel size: a few Gaussian blobs (sizes in Å, spread over
/// a third of the box) of which one is present only in state 1, projected analytically (a
/// Gaussian's projection is a Gaussian at the projected centre) along uniform random views, with
/// white noise. The CTF values in the table are plausible but not applied: the sweep checks that
/// runs finish, not what they find.
struct SweepData {
    let box: Int
    let pixelSize: Double
    let seed: UInt64

    /// Blob centres (Å from the centre) and widths σ (Å); the last one varies with the state.
    var blobs: [(centre: SIMD3<Double>, sigma: Double)] {
        var random = SeededRandom(seed: 99)
        let reach = Double(box) * pixelSize / 6, sigma = max(1.5 * pixelSize, reach / 4)
        return (0..<5).map { _ in
            (SIMD3(random.uniform(in: -1..<1), random.uniform(in: -1..<1), random.uniform(in: -1..<1)) * reach, sigma)
        }
    }

    /// The map of `state` (0: without the last blob).
    func volume(state: Int) -> Volume {
        var volume = Volume(size: box, pixelSize: pixelSize)
        let used = state == 0 ? blobs.dropLast() : blobs[...]
        let half = Double(box / 2)
        for z in 0..<box { for y in 0..<box { for x in 0..<box {
            let r = (SIMD3(Double(x), Double(y), Double(z)) - SIMD3(repeating: half)) * pixelSize
            var value = 0.0
            for blob in used {
                let d = r - blob.centre
                value += exp(-(d * d).sum() / (2 * blob.sigma * blob.sigma))
            }
            volume.voxels[x + box * (y + box * z)] = Float(value)
        } } }
        return volume
    }

    /// Writes particles.mrcs and particles.star (RELION 3.1; `rlnRandomSubset` of particle i is
    /// `halfSet(i)`, alternating by default).
    func writeParticles(count: Int, to folder: String, halfSet: (Int) -> Int = { $0 % 2 + 1 }) throws {
        var random = SeededRandom(seed: seed)
        let half = Double(box / 2), blobs = self.blobs
        var images: [Image2D] = [], records: [ParticleRecord] = []
        for index in 0..<count {
            let angles = EulerAngles.uniformRandom(using: &random)
            let view = RotationMatrix(angles)
            let used = index % 2 == 0 ? blobs.dropLast() : blobs[...]
            let centres = used.map { view.transposed.apply($0.centre) / pixelSize }
            var pixels = [Float](repeating: 0, count: box * box)
            for y in 0..<box { for x in 0..<box {
                var value = 0.0
                for (blob, c) in zip(used, centres) {
                    let dx = Double(x) - half - c.x, dy = Double(y) - half - c.y, s = blob.sigma / pixelSize
                    value += exp(-(dx * dx + dy * dy) / (2 * s * s)) * s
                }
                pixels[x + box * y] = Float(value + 0.5 * random.gaussian())
            } }
            images.append(Image2D(size: box, pixelSize: pixelSize, pixels: pixels))
            let defocus = random.uniform(in: 8000..<25000)
            records.append(ParticleRecord(image: ImageLocation(path: "particles.mrcs", index: index), angles: angles,
                                          defocusU: defocus, defocusV: defocus + 200, voltage: 300, sphericalAberration: 2.7,
                                          amplitudeContrast: 0.1, pixelSize: pixelSize, imageSize: box, halfSet: halfSet(index)))
        }
        try MRCWriter.write(stack: images, to: folder + "/particles.mrcs")
        try ParticleTable(particles: records).writeRelionStar(to: folder + "/particles.star", version: .relion31)
    }
}

/// What became of one case.
enum SweepOutcome {
    /// Ran to the end: the run folder's state.
    case finished(RunState)
    /// Refused; the error as thrown (unwrapped from `RankFailure`), and whether the run folder
    /// was left without outputs.
    case refused(any Error, folderUntouched: Bool)
}

extension SweepCase {
    /// Runs the case (`ranks` in-process ranks) into a fresh folder under `root`.
    func run(in root: String) throws -> SweepOutcome {
        let data = root + "/data", output = root + "/run"
        let inputs = try writeData(to: data)
        let config: ClassificationConfig
        do { config = try self.config() } catch { return .refused(error, folderUntouched: true) }
        var request = RunRequest(config: config, inputs: inputs, output: output, continuing: false, commandLine: ["sweep"])
        var outcomes: [Result<RunOutcome, any Error>] = []
        // Another suite's simulated stop signal (StopSignal is process-wide) ends a run early with a
        // checkpoint: continue it, as a user would.
        for _ in 0..<4 {
            outcomes = try LocalGroup(size: ranks).run { [request] communicator -> Result<RunOutcome, any Error> in
                Result { try ClassificationRun(request: request, communicator: communicator) { _ in }.execute() }
            }
            guard case .success(.checkpointed) = outcomes[0] else { break }
            request.continuing = true
        }
        let errors = outcomes.compactMap { outcome -> (any Error)? in
            guard case .failure(let error) = outcome else { return nil }
            if case RankFailure.elsewhere = error { return nil }
            if case RankFailure.here(let inner, _) = error { return inner }
            return error
        }
        if outcomes.contains(where: { if case .failure = $0 { return true } else { return false } }) {
            let untouched = !FileManager.default.fileExists(atPath: output + "/checkpoint.h5")
                && !FileManager.default.fileExists(atPath: output + "/class_001.mrc")
            return .refused(errors.first ?? RankFailure.elsewhere, folderUntouched: untouched)
        }
        return .finished(try RunState.read(from: RunFolder(output).state))
    }
}
