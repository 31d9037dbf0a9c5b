import Dispatch
import FoveaCore
import FoveaDistributed

/// What one cycle produced, for progress lines, logs and checkpoints.
public struct CycleReport: Sendable, Equatable, Codable {
    public let statistics: CycleStatistics
    /// FSC-0.143 resolution (Å) per class from the half maps.
    public let resolutions: [Double]
    /// Wall-clock seconds the cycle took on this rank.
    public let seconds: Double
    /// Classes that are the same map or empty after this cycle (nil: every class distinct; absent
    /// from the histories of older runs).
    public let indistinct: IndistinctClasses?

    public init(statistics: CycleStatistics, resolutions: [Double], seconds: Double, indistinct: IndistinctClasses? = nil) {
        self.statistics = statistics; self.resolutions = resolutions; self.seconds = seconds; self.indistinct = indistinct
    }
}

/// The focused-classification engine (the cycle of docs/algorithm.md §2) for this rank's
/// particles, over a `Communicator`. Pure: no file I/O and no MPI calls of its own, so the same
/// code runs on one process or many, and every rank ends each cycle with identical class volumes.
///
/// Rows are the particles × the operators of `config.expansionGroup` (virtual expansion, §9): row
/// r is copy r % n of local particle r / n, seen along S_s·M; copies share the image, the CTF
/// and the half set, and get their own occupancies.
public final class ClassificationEngine {
    public let config: ClassificationConfig
    public let rows: ExpandedRows
    /// Box N (pixels) and pixel size p (Å) of images and volumes.
    public let boxSize: Int
    public let pixelSize: Double
    /// The classification box N_c the likelihood is computed in.
    public let croppedSize: Int
    /// The grid N_r the cycles keep, reconstruct and prepare the class volumes on (≥ N_c; see
    /// `CycleBox`).
    public let cycleBox: CycleBox
    /// Cycles completed.
    public private(set) var cycle = 0
    /// Occupancies (%) of this rank's rows × K, after the last cycle (the random start before).
    public private(set) var occupancy: ClassTable
    /// LogP of this rank's rows × K from the last cycle.
    public private(set) var logP: ClassTable
    /// The class volumes used as references by the next cycle, on the cycle box N_r (pixel
    /// p·N/N_r). Cycles reconstruct only out to `cycleInsertionRadius` (all the likelihood reads);
    /// `reconstructAtFullResolution()` makes the box-N full-resolution maps a finished run writes.
    public private(set) var classVolumes: [Volume]
    /// Half-map FSC per class from the last reconstruction, shells 0 … N_r/2 (0 … N/2 after
    /// `reconstructAtFullResolution()`).
    public private(set) var fscCurves: [[Double]] = []
    /// The two half maps of each class (K × 2, box N) from `reconstructAtFullResolution()`; empty
    /// before it (the cycles do not keep them). Regularised with a constant Wiener term of 1.
    public private(set) var halfMaps: [[Volume]] = []
    /// Reports of the cycles run so far.
    public private(set) var history: [CycleReport] = []

    let communicator: any Communicator
    /// Where the prepared particles live (see `ParticleStorage`).
    public let storage: ParticleStorage
    /// The raw images (read again for streaming and for the full-resolution reconstruction).
    let images: any ParticleImageSource
    /// Per local particle: shift (Å, particle centre from the box centre) and CTF.
    let shifts: [SIMD2<Double>]
    let ctfs: [CTFParameters]
    /// Global 0-based particle index per local particle.
    private let globalIndex: [Int]
    /// The whitening filters of the noise groups (`GroupWhitening`) and the radius (pixels) outside
    /// which an image is background.
    public let whitening: GroupWhitening
    let backgroundRadius: Double
    /// From the engine's map units to the images' density on RELION's scale (the written maps).
    public let densityScale: MapDensityScale
    /// The disc of frequencies the cycles read (likelihood and band-limited insertion).
    let cycleLayout: HalfPlaneLayout
    /// `.memory`: the prepared particles in `cycleLayout` (nil once released: cycles then read and
    /// prepare them again, as when streaming).
    var resident: PreparedParticles?
    /// Particles per chunk when they are read and prepared from the images.
    let chunkSize: Int
    private let rotations: [RotationMatrix]
    private let regions: [LikelihoodRegion]
    private let active: [Bool]
    private let halfOfRow: [Int]
    /// The 3-D focus region at box N (the likelihood regions' footprints are taken from it).
    private let focusMask: Volume?
    /// The same region on the cycle box, where the references are masked.
    private let cycleFocusMask: Volume?
    /// Voxels (of the cycle box) the class maps are compared over to find identical classes (`IndistinctClasses`).
    private let comparisonRegion: [Int]
    private let evaluation: LikelihoodEvaluation
    private var bestClass: [Int32]?
    /// The reconstruction weights and class priors of the last cycle this process ran.
    private var lastReconstruction: (weights: ClassTable, priors: [Double])?
    /// Radius (box-N Fourier pixels; the same frequency spacing as the N_c grid) out to which a
    /// cycle inserts the particles: the likelihood band plus 4 pixels for the trilinear splat and
    /// the slices' interpolation, at most N/2. Like RELION's classification, cycles reconstruct
    /// only what the next likelihood uses; at box 128 and 20 Å that is a third of the work.
    public var cycleInsertionRadius: Double { Self.insertionRadius(size: boxSize, evaluation: evaluation) }
    /// Best classes of the local rows once a cycle has run, else nil.
    var bestClassesIfRun: [Int32]? { bestClass }

    /// Padding of the reconstruction grid (1: trilinear insertion on the N grid).
    static let reconstructionPadding = 1

    /// Bytes of Float64 sums the full-resolution pass fills at once: the K classes are
    /// reconstructed a group at a time (the particles read once per group), as many classes per
    /// group as fit (at least one). Box 192 fits 12 classes, box 320 two.
    public static let fullResolutionAccumulatorBudget = 2 << 30

    /// The engine over particles whose images are in memory (`particles[i].image`); see
    /// `init(config:alignments:images:…)`. Collective.
    public convenience init(config: ClassificationConfig, particles input: consuming [ParticleInput], references: [Volume]?,
                            focusMask: Volume?, communicator: any Communicator, resumingFrom snapshot: EngineSnapshot? = nil,
                            storage: ParticleStorage = .memory) throws {
        let problem = Self.localProblem(in: input)
        let n = input.first?.image.size ?? 1, p = input.first?.image.pixelSize ?? 0
        let pixels = problem == nil ? input.map(\.image.pixels) : []
        try self.init(config: config, alignments: input.map(\.alignment),
                      images: InMemoryParticleImages(pixels: pixels, boxSize: n, pixelSize: p), references: references,
                      focusMask: focusMask, communicator: communicator, resumingFrom: snapshot, storage: storage,
                      localProblem: problem)
    }

    /// Validates the inputs, preprocesses this rank's particles (global noise spectrum by
    /// allreduce; the images are read in chunks) and prepares the starting references:
    /// `references` nil, or one volume for K > 1 classes → reconstructed from the seeded random
    /// occupancies (cisTEM's start: K identical copies of one map would stay identical);
    /// K volumes (or one for K = 1) → used as they are. `focusMask` (box N) is the 3-D focus region; when
    /// nil and a sphere is set it is made from the sphere. With `snapshot`, the run continues from
    /// that state instead (references are ignored). `alignments[i]` belongs to image i of `images`.
    /// `storage` says whether the prepared particles stay in memory or are prepared again from
    /// `images` every cycle. Every rank must call this collectively.
    public convenience init(config: ClassificationConfig, alignments: [ParticleAlignment], images: any ParticleImageSource,
                            references: [Volume]?, focusMask: Volume?, communicator: any Communicator,
                            resumingFrom snapshot: EngineSnapshot? = nil, storage: ParticleStorage = .memory) throws {
        try self.init(config: config, alignments: alignments, images: images, references: references, focusMask: focusMask,
                      communicator: communicator, resumingFrom: snapshot, storage: storage, localProblem: nil)
    }

    init(config: ClassificationConfig, alignments input: [ParticleAlignment], images: any ParticleImageSource,
         references: [Volume]?, focusMask: Volume?, communicator: any Communicator, resumingFrom snapshot: EngineSnapshot?,
         storage: ParticleStorage, localProblem given: String?) throws {
        self.config = config
        self.communicator = communicator
        self.storage = storage
        self.images = images
        // Local checks first, then one collective so that every rank learns whether any failed
        // (no rank may be left waiting in a later collective).
        let localProblem = given ?? (input.isEmpty ? "this rank received no particles; use fewer ranks"
            : input.count != images.count ? "\(input.count) particles but \(images.count) images"
            : input.contains(where: { $0.noiseGroup < 0 }) ? "a particle has a negative noise group" : nil)
        let n = images.boxSize, p = images.pixelSize
        var agreement: [Double] = [localProblem == nil ? 0 : 1, Double(input.count), Double(n), -Double(n), p, -p]
        try communicator.allreduce(&agreement, .max)
        // Particles, and active particles per half set.
        var counts = [Int64(input.count), Int64(input.filter { $0.isActive && $0.halfSet == .first }.count),
                      Int64(input.filter { $0.isActive && $0.halfSet == .second }.count)]
        try communicator.allreduce(&counts, .sum)
        if let localProblem { throw EngineInputError(localProblem, scope: .thisRank) }
        if agreement[0] > 0 { throw EngineInputError.elsewhere }
        guard agreement[2] == -agreement[3], abs(agreement[4] + agreement[5]) <= 1e-3 * agreement[4] else {
            throw EngineInputError("ranks hold particles of different boxes (\(Int(-agreement[3]))–\(Int(agreement[2])) px) "
                                   + "or pixel sizes (\(-agreement[5])–\(agreement[4]) Å)")
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
        try config.validate(boxSize: n, pixelSize: p)
        for (index, volume) in (references ?? []).enumerated() where volume.size != n || abs(volume.pixelSize - p) > 1e-3 * p {
            throw EngineInputError("reference \(index + 1) is \(volume.size) px at \(volume.pixelSize) Å/px; particles are \(n) px at \(p) Å/px")
        }
        if let references, references.count != 1 && references.count != config.classCount {
            throw EngineInputError("give 1 or \(config.classCount) references, not \(references.count)")
        }
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
        whitening = try GroupSignalScale.applied(config.noiseGroups.scale, to: noise.whitening, images: images, ctfs: ctfs,
                                                 groups: input.map(\.noiseGroup), backgroundRadius: radius,
                                                 norm: config.noiseGroups.whitening,
                                                 bandRadius: evaluation.bandRadius, threads: threads, chunk: chunkSize,
                                                 communicator: communicator)
        let densityScale = MapDensityScale.estimate(backgroundPower: noise.rawPower, particleCount: Int(globalCount), size: n,
                                                    backgroundRadius: radius, perPixel: config.noiseGroups.whitening == .pixel)
        self.densityScale = densityScale
        cycleLayout = Self.cycleLayout(size: n, evaluation: evaluation)
        evaluation.read(from: cycleLayout)
        self.evaluation = evaluation
        if storage == .memory {
            let prepared = PreparedParticles(count: images.count, layout: cycleLayout, ctfRange: whitening.ctfRange)
            let (chunk, shifts, ctfs, whitening) = (chunkSize, shifts, ctfs, whitening)
            try EngineInputError.agreeing(communicator) {
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
        occupancy = InitialOccupancies.table(rows: rows, classCount: config.classCount, seed: config.seed)
        logP = ClassTable(rowCount: rows.count, classCount: config.classCount)
        if let snapshot {
            guard snapshot.classVolumes.count == config.classCount, snapshot.occupancy.classCount == config.classCount else {
                throw EngineInputError("the stored state has \(snapshot.classVolumes.count) classes; the run has \(config.classCount)")
            }
            // Volumes on the cycle box (a checkpoint's), or of the data's box (a finished run's
            // full-resolution maps, or a state of an older version), which are cropped to it.
            guard snapshot.classVolumes.allSatisfy({ $0.size == n || $0.size == box.size }) else {
                throw EngineInputError("the stored class volumes are \(snapshot.classVolumes[0].size) px; particles are \(n) px "
                                       + "and the cycles' box is \(box.size) px")
            }
            guard let largest = rows.particles.max(), (largest + 1) * rows.operatorCount <= snapshot.occupancy.rowCount else {
                throw EngineInputError("the stored state has \(snapshot.occupancy.rowCount) rows, fewer than this input needs")
            }
            classVolumes = snapshot.classVolumes.map(box.map)
            fscCurves = snapshot.fscCurves
            history = snapshot.history
            cycle = snapshot.cycle
            occupancy = ClassTable(rowCount: 0, classCount: config.classCount)
            occupancy = localRows(of: snapshot.occupancy)
            logP = localRows(of: snapshot.logP)
            if let best = snapshot.bestClass { bestClass = globalRows.map { best[$0] } }
        } else if let references, !Self.startsFromData(referenceCount: references.count, classCount: config.classCount) {
            // References are density maps (RELION's scale, or Fovea's written maps): into the
            // engine's units at the full box, then onto the cycles' grid.
            classVolumes = references.map { box.map(densityScale.engineMap($0)) }
        } else {
            classVolumes = []
            let weights = try ReconstructionWeights.compute(occupancy: occupancy, sigma: [Float](repeating: 1, count: rows.count),
                                                            active: active, communicator: communicator)
            (classVolumes, fscCurves) = try reconstruct(weights: weights,
                                                        classWeights: [Double](repeating: 1, count: config.classCount),
                                                        maxRadius: cycleInsertionRadius)
        }
    }

    /// Whether the classes start from reconstructions of the particles under the seeded random
    /// occupancies rather than from the given references: with none, and with a single
    /// reference for K > 1 classes (as RELION users pass by habit).
    public static func startsFromData(referenceCount: Int, classCount: Int) -> Bool {
        referenceCount == 0 || (referenceCount == 1 && classCount > 1)
    }

    /// What the run output says about a single reference for K > 1 classes (nil otherwise).
    public static func singleReferenceNote(referenceCount: Int, classCount: Int) -> String? {
        guard referenceCount == 1 && classCount > 1 else { return nil }
        return "one --reference for \(classCount) classes: K copies of one map would never separate, so the \(classCount) "
            + "starting maps are reconstructed from the particles with seeded random occupancies (--seed); the reference "
            + "is not used as a start"
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

    /// Runs one cycle: references → LogP → occupancies → reconstruction → statistics.
    @discardableResult
    public func runCycle() throws -> CycleReport {
        let start = DispatchTime.now().uptimeNanoseconds
        let k = config.classCount
        let priors = try OccupancyUpdate.classAverages(of: occupancy, active: active, communicator: communicator)
        // After `reconstructAtFullResolution()` the maps are of box N: a further cycle crops them.
        let references = PreparedReferences.prepare(volumes: classVolumes.map(cycleBox.map), config: config,
                                                    focusMask: cycleFocusMask,
                                                    classWeights: priors, croppedSize: croppedSize)
        let values = SharedSlots<Float>(repeating: 0, count: rows.count * k)
        let operatorCount = rows.operatorCount
        try EngineInputError.agreeing(communicator) {
            try forEachPrepared(in: cycleLayout) { chunk, prepared in
                let firstRow = chunk.lowerBound * operatorCount
                ParallelChunks.run(count: chunk.count * operatorCount, threads: config.threads,
                                   makeState: { LikelihoodEvaluation.Workspace(size: croppedSize) }) { workspace, range in
                    evaluation.evaluate(rows: (range.lowerBound + firstRow)..<(range.upperBound + firstRow), particles: prepared,
                                        particleOfRow: { $0 / operatorCount - chunk.lowerBound },
                                        rotations: rotations, regions: regions, references: references,
                                        workspace: workspace, logP: values, classCount: k)
                }
            }
        }
        logP = ClassTable(rowCount: rows.count, classCount: k, values: values.values)
        // A non-finite LogP (an image of extreme values) would stop the E-step; every rank learns of it.
        let (table, operators, particles) = (logP, operatorCount, globalIndex)
        try EngineInputError.agreeing(communicator) {
            if let bad = table.values.firstIndex(where: { !$0.isFinite }) {
                throw EngineInputError("particle \(particles[bad / k / operators] + 1): its log-likelihood is not finite in cycle "
                                       + "\(cycle + 1) (an image with extreme values, or a constant background?)")
            }
        }
        let step = try OccupancyCycle(cycle: cycle + 1, logP: logP,
                                      sigmaPerClass: ClassTable(rowCount: rows.count, classCount: k, repeating: 1),
                                      previous: occupancy, previousBestClass: bestClass,
                                      previousStatistics: history.last?.statistics, active: active,
                                      communicator: communicator)
        occupancy = step.occupancy
        bestClass = step.bestClass
        let weights = try ReconstructionWeights.compute(occupancy: occupancy, sigma: step.sigma, active: active,
                                                        communicator: communicator)
        (classVolumes, fscCurves) = try reconstruct(weights: weights, classWeights: step.priors, maxRadius: cycleInsertionRadius)
        lastReconstruction = (weights, step.priors)
        cycle += 1
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let report = CycleReport(statistics: step.statistics,
                                 resolutions: fscCurves.map {
                                     FourierShellCorrelation.resolution(of: $0, size: cycleBox.size, pixelSize: cycleBox.pixelSize)
                                 }, seconds: seconds,
                                 indistinct: IndistinctClasses.find(volumes: classVolumes, hardFractions: step.statistics.hardFractions,
                                                                    region: comparisonRegion))
        history.append(report)
        return report
    }

    /// The one cycle loop (a job's, `ClassificationRun`, and the tests'): cycles until the
    /// stopping rule says stop — none when the state already meets it, as a finished run continued
    /// — or until `afterCycle` returns false. `afterCycle` sees every report with the stopping
    /// rule's verdict on it (nil: more cycles) and does the caller's work between cycles (progress,
    /// checkpoints, stop signals); every rank must return the same. Returns the stopping rule's
    /// reason, or nil when `afterCycle` ended the loop before it said stop.
    @discardableResult
    public func run(afterCycle: (CycleReport, StopReason?) throws -> Bool = { _, _ in true }) throws -> StopReason? {
        var reason = history.last.flatMap { config.convergence.stopReason(after: $0, cycleLimit: config.cycles) }
        while reason == nil {
            let report = try runCycle()
            reason = config.convergence.stopReason(after: report, cycleLimit: config.cycles)
            guard try afterCycle(report, reason) else { return reason }
        }
        return reason
    }

    /// Best class (0-based) of each local row after the last cycle.
    public var bestClasses: [Int32] { bestClass ?? occupancy.argmaxPerRow() }

    /// Reconstructs every class out to N/2 from the current occupancies (the weights of the last
    /// cycle): the class maps, half maps and FSC curves a finished run writes. The particles are
    /// read from the images and prepared again in full, a chunk at a time. With
    /// `releasingParticles` the resident prepared particles are freed first (a finished run needs
    /// them no more; any later cycle prepares them again from the images). The classes are
    /// reconstructed as many at a time as `accumulatorBudget` bytes of sums hold (at least one);
    /// the maps do not depend on it. Collective.
    public func reconstructAtFullResolution(releasingParticles: Bool = false,
                                            accumulatorBudget: Int = fullResolutionAccumulatorBudget) throws {
        if releasingParticles { resident = nil }
        let weights: ClassTable, priors: [Double]
        if let lastReconstruction {
            (weights, priors) = lastReconstruction
        } else {
            weights = try ReconstructionWeights.compute(occupancy: occupancy, sigma: [Float](repeating: 1, count: rows.count),
                                                        active: active, communicator: communicator)
            priors = try OccupancyUpdate.classAverages(of: occupancy, active: active, communicator: communicator)
        }
        (classVolumes, fscCurves) = try reconstruct(weights: weights, classWeights: priors, maxRadius: nil,
                                                    accumulatorBudget: accumulatorBudget)
    }

    /// Inserts every row (band-limited to `maxRadius` from the resident or streamed disc into
    /// accumulators on the cycle box, or out to N/2 from particles prepared again in full into
    /// box-N accumulators, a group of classes at a time within `accumulatorBudget`), reduces over
    /// ranks and finalises, each rank its share of the classes (`ClassFinalisation.swift`).
    private func reconstruct(weights: ClassTable, classWeights: [Double], maxRadius: Double?,
                             accumulatorBudget: Int = fullResolutionAccumulatorBudget) throws -> ([Volume], [[Double]]) {
        halfMaps = []   // replaced below; not held twice meanwhile
        let k = config.classCount, fullResolution = maxRadius == nil
        let size = fullResolution ? boxSize : cycleBox.size, voxel = fullResolution ? pixelSize : cycleBox.pixelSize
        let layout = fullResolution ? HalfPlaneLayout.full(size: boxSize) : cycleLayout
        let perGroup = fullResolution
            ? max(1, min(k, accumulatorBudget / ClassReconstruction.bytesPerClass(size: size, padding: Self.reconstructionPadding)))
            : k
        var fsc: [[Double]] = [], ssnr: [[Double]] = [], halves: [[Volume]] = [], totals: [ReconstructionAccumulator?] = []
        for first in stride(from: 0, to: k, by: perGroup) {
            var reconstruction = ClassReconstruction(classes: first..<min(k, first + perGroup), size: size,
                                                     padding: Self.reconstructionPadding)
            try insert(into: &reconstruction, weights: weights, layout: layout, maxRadius: maxRadius)
            try reconstruction.reduce(communicator: communicator)
            let group = try reconstruction.finaliseHalves(pixelSize: voxel, communicator: communicator,
                                                          keepingHalfMaps: fullResolution)
            fsc += group.fsc; ssnr += group.ssnr; halves += group.halfMaps; totals += group.totals
        }
        let volumes = try ClassReconstruction.classMaps(&totals, ssnrs: ssnr, classWeights: classWeights, size: size,
                                                        pixelSize: voxel, communicator: communicator)
        if fullResolution { halfMaps = halves }
        return (volumes, fsc)
    }

    /// Inserts every row of this rank into `reconstruction`'s classes, the particles from `layout`.
    private func insert(into reconstruction: inout ClassReconstruction, weights: ClassTable, layout: HalfPlaneLayout,
                        maxRadius: Double?) throws {
        let operatorCount = rows.operatorCount
        let halves = halfOfRow
        try EngineInputError.agreeing(communicator) {
            try forEachPrepared(in: layout) { chunk, prepared in
                reconstruction.insert(particles: prepared, rows: (chunk.lowerBound * operatorCount)..<(chunk.upperBound * operatorCount),
                                      particleOfRow: { $0 / operatorCount - chunk.lowerBound }, rotations: rotations,
                                      halfOfRow: { halves[$0] }, weights: weights, threads: config.threads, maxRadius: maxRadius)
            }
        }
    }
}

extension ClassificationEngine {
    /// The box N_c the likelihood is computed in for images of box `size` at `pixelSize` Å and a
    /// classification resolution of `classificationResolution` Å.
    public static func likelihoodBox(size: Int, pixelSize: Double, classificationResolution: Double) -> Int {
        LikelihoodEvaluation.croppedSize(size: size, pixelSize: pixelSize, classificationResolution: classificationResolution)
    }
}
