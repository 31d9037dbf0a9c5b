import FoveaCore
import FoveaDistributed

extension ParticleShard {
    /// The shard of particles whose images are in memory (`particles[i].image`); see
    /// `init(config:alignments:images:…)`. Collective.
    public init(config: ClassificationConfig, particles input: consuming [ParticleInput], focusMask: Volume?,
                communicator: any Communicator, storage: ParticleStorage = .memory) throws {
        let problem = Self.localProblem(in: input)
        let n = input.first?.image.size ?? 1, p = input.first?.image.pixelSize ?? 0
        let pixels = problem == nil ? input.map(\.image.pixels) : []
        try self.init(config: config, alignments: input.map(\.alignment),
                      images: InMemoryParticleImages(pixels: pixels, boxSize: n, pixelSize: p),
                      focusMask: focusMask, communicator: communicator, storage: storage, localProblem: problem)
    }

    /// Validates this rank's particles against every other rank's (one box and pixel size, both
    /// half sets populated, at least K particles in all) and prepares them: the global noise
    /// spectrum by allreduce (images read in chunks), the whitening filter, each row's view and
    /// likelihood region, and — for `.memory` storage — every particle's whitened spectrum and CTF
    /// in the cycles' frequency disc. `alignments[i]` belongs to image i of `images`. `focusMask`
    /// (box N) is the 3-D focus region; when nil and a sphere is set it is made from the sphere.
    /// Every rank must call this collectively; a problem on one rank makes every rank throw
    /// (`Communicator.agreeing`).
    public init(config: ClassificationConfig, alignments: [ParticleAlignment], images: any ParticleImageSource,
                focusMask: Volume?, communicator: any Communicator, storage: ParticleStorage = .memory) throws {
        try self.init(config: config, alignments: alignments, images: images, focusMask: focusMask,
                      communicator: communicator, storage: storage, localProblem: nil)
    }

    init(config: ClassificationConfig, alignments input: [ParticleAlignment], images: any ParticleImageSource,
         focusMask: Volume?, communicator: any Communicator, storage: ParticleStorage, localProblem given: String?) throws {
        self.config = config
        self.storage = storage
        self.images = images
        // Local checks first, then one agreement so that every rank learns whether any failed
        // (no rank may be left waiting in a later collective).
        let localProblem = given ?? (input.isEmpty ? "this rank received no particles; use fewer ranks"
            : input.count != images.count ? "\(input.count) particles but \(images.count) images"
            : input.contains(where: { $0.noiseGroup < 0 }) ? "a particle has a negative noise group" : nil)
        try communicator.agreeing { if let localProblem { throw EngineInputError(localProblem) } }
        let n = images.boxSize, p = images.pixelSize
        var agreement: [Double] = [Double(n), -Double(n), p, -p]
        try communicator.allreduce(&agreement, .max)
        // Particles, and active particles per half set.
        var counts = [Int64(input.count), Int64(input.filter { $0.isActive && $0.halfSet == .first }.count),
                      Int64(input.filter { $0.isActive && $0.halfSet == .second }.count)]
        try communicator.allreduce(&counts, .sum)
        guard agreement[0] == -agreement[1], abs(agreement[2] + agreement[3]) <= 1e-3 * agreement[2] else {
            throw EngineInputError("ranks hold particles of different boxes (\(Int(-agreement[1]))–\(Int(agreement[0])) px) "
                                   + "or pixel sizes (\(-agreement[3])–\(agreement[2]) Å)")
        }
        guard n >= 8, n % 2 == 0 else {
            throw EngineInputError("the particle images are \(n) px square: classification needs an even box of at least 8 px "
                                   + "(re-extract or pad them, e.g. relion_image_handler --new_box)")
        }
        boxSize = n
        pixelSize = p
        let globalCount = counts[0]
        if globalCount < Int64(config.classCount) {
            throw EngineInputError("\(config.classCount) classes but only \(globalCount) particles")
        }
        if let empty = [HalfSet.first, .second].first(where: { counts[$0.rawValue] == 0 }) {
            throw EngineInputError("half set \(empty.rawValue) has no active particle (\(counts[1]) and \(counts[2]) active "
                                   + "particles in half sets 1 and 2): the two half maps and their FSC need both")
        }
        globalParticleCount = Int(globalCount)
        try config.validate(boxSize: n, pixelSize: p)
        let group = try PointGroup(name: config.expansionGroup)
        rows = ExpandedRows(particles: input.map(\.globalIndex), operatorCount: group.order)
        let threads = config.threads
        rotations = (0..<rows.count).map { row in
            group.operators[row % group.order] * RotationMatrix(input[row / group.order].angles)
        }
        shifts = input.map { SIMD2($0.shiftX, $0.shiftY) }
        ctfs = input.map(\.ctf)
        globalIndex = input.map(\.globalIndex)
        active = (0..<rows.count).map { input[$0 / group.order].isActive }
        halfOfRow = (0..<rows.count).map { input[$0 / group.order].halfSet == .first ? 0 : 1 }
        self.focusMask = try Self.resolvedFocusMask(config: config, given: focusMask, size: n, pixelSize: p)
        croppedSize = LikelihoodEvaluation.croppedSize(size: n, pixelSize: p, classificationResolution: config.classificationResolution)
        var evaluation = LikelihoodEvaluation(config: config, size: n, pixelSize: p, croppedSize: croppedSize)
        let box = CycleBox(fullSize: n, pixelSize: p, insertionRadius: Self.insertionRadius(size: n, evaluation: evaluation),
                           croppedSize: croppedSize)
        cycleBox = box
        // A given mask is resampled to the cycle box; a sphere is drawn there directly.
        cycleFocusMask = try focusMask.map(box.mask)
            ?? Self.resolvedFocusMask(config: config, given: nil, size: box.size, pixelSize: box.pixelSize)
        comparisonRegion = IndistinctClasses.comparisonRegion(config: config, focusMask: cycleFocusMask, size: box.size,
                                                              pixelSize: box.pixelSize)
        let radius = config.outerRadius / p
        backgroundRadius = radius
        chunkSize = Self.chunkSize(storage: storage, box: n, threads: threads)
        let noise = try GroupWhitening.estimate(images: images, globalIndex: globalIndex, groups: input.map(\.noiseGroup),
                                                backgroundRadius: radius, norm: config.noiseGroups.whitening,
                                                threads: threads, chunk: chunkSize,
                                                communicator: communicator)
        let groupScaled = try GroupSignalScale.applied(config.noiseGroups.scale, to: noise.whitening, images: images, ctfs: ctfs,
                                                       groups: input.map(\.noiseGroup), backgroundRadius: radius,
                                                       norm: config.noiseGroups.whitening,
                                                       bandRadius: evaluation.bandRadius, threads: threads, chunk: chunkSize,
                                                       communicator: communicator)
        whitening = try ParticleSignalScale.applied(config.noiseGroups.particleScale, to: groupScaled, images: images, ctfs: ctfs,
                                                    groups: input.map(\.noiseGroup), angles: input.map(\.angles),
                                                    globalCount: Int(globalCount), backgroundRadius: radius,
                                                    norm: config.noiseGroups.whitening,
                                                    bandRadius: evaluation.bandRadius, threads: threads, chunk: chunkSize,
                                                    communicator: communicator)
        densityScale = MapDensityScale.estimate(backgroundPower: noise.rawPower, particleCount: Int(globalCount), size: n,
                                                backgroundRadius: radius, perPixel: config.noiseGroups.whitening == .pixel)
        cycleLayout = Self.cycleLayout(size: n, evaluation: evaluation)
        evaluation.read(from: cycleLayout)
        self.evaluation = evaluation
        if storage == .memory {
            let prepared = PreparedParticles(count: images.count, layout: cycleLayout, ctfRange: whitening.ctfRange)
            let (chunk, shifts, ctfs, whitening) = (chunkSize, shifts, ctfs, whitening)
            try communicator.agreeing {
                for range in ParticlePreprocessing.chunks(of: images.count, size: chunk) {
                    try ParticlePreprocessing.prepare(range, images: images, shifts: shifts, ctfs: ctfs, into: prepared,
                                                      at: range.lowerBound, backgroundRadius: radius, whitening: whitening,
                                                      threads: threads)
                }
            }
            resident = prepared
        } else {
            resident = nil
        }
        regions = LikelihoodRegion.regions(rotations: rotations, config: config, size: n, pixelSize: p,
                                           croppedSize: croppedSize, focusMask: self.focusMask, threads: threads)
        var mostRows = 1
        for region in regions { mostRows = max(mostRows, RegionRuns.rows(of: region, width: croppedSize).count) }
        likelihoodRows = mostRows
        likelihoodAreas = ParticleNoiseLevel.rowAreas(regions: regions, evaluation: evaluation)
    }

    /// The first problem in this rank's in-memory particles: none at all, mixed boxes or pixel
    /// sizes (NaNs are found when the images are read).
    static func localProblem(in input: [ParticleInput]) -> String? {
        guard let first = input.first else { return "this rank received no particles; use fewer ranks" }
        let n = first.image.size, p = first.image.pixelSize
        for particle in input where particle.image.size != n || abs(particle.image.pixelSize - p) > 1e-3 * p {
            return "particle \(particle.globalIndex + 1) is \(particle.image.size) px at "
                + "\(particle.image.pixelSize) Å/px, but particle \(first.globalIndex + 1) is \(n) px at \(p) Å/px"
        }
        return nil
    }

    /// The 3-D focus region: the given mask, else the sphere as a hard-edged volume (3d/subtract).
    static func resolvedFocusMask(config: ClassificationConfig, given: Volume?, size: Int, pixelSize: Double) throws -> Volume? {
        if let given {
            guard given.size == size else { throw EngineInputError("the focus mask is \(given.size) px; particles are \(size) px") }
            guard given.voxels.contains(where: { $0 > 0 }) else { throw EngineInputError("the focus mask is empty (no voxel > 0)") }
            return given
        }
        if config.focus != .none && config.sphere == nil {
            throw EngineInputError("focus mode '\(config.focus.rawValue)' needs its region: the --mask map was not given to the engine")
        }
        guard let sphere = config.sphere, config.focus == .threeD || config.focus == .subtract else { return nil }
        return sphere.volume(size: size, pixelSize: pixelSize)
    }
}
