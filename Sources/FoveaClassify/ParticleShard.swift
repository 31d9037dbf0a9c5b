import FoveaCore
import FoveaDistributed

/// One rank's particles, validated and prepared once and then only read: their alignments, CTFs,
/// half sets and rows (particles × the operators of `config.expansionGroup`, virtual expansion
/// §9: row r is copy r % n of local particle r / n, seen along S_s·M; copies share the image, the
/// CTF and the half set), the whitening filter of the global noise spectrum, the likelihood's
/// regions, and the prepared particles — resident in the cycles' frequency disc, or read and
/// prepared again from `images` every cycle (streaming). What evolves from cycle to cycle is in
/// `ClassificationState`; a cycle is `ClassificationCycle.run`.
///
/// Frames: images and the data's volumes are N×N(×N) at p Å/px; the cycles' volumes are on
/// `cycleBox` (N_r voxels at p·N/N_r Å); the likelihood is computed in the N_c box.
public struct ParticleShard {
    /// The configuration the particles were prepared under.
    public let config: ClassificationConfig
    /// This rank's rows (its particles × the operators), particle-major.
    public let rows: ExpandedRows
    /// Box N (pixels) and pixel size p (Å) of images and volumes.
    public let boxSize: Int
    public let pixelSize: Double
    /// The classification box N_c the likelihood is computed in.
    public let croppedSize: Int
    /// The grid N_r the cycles keep, reconstruct and prepare the class volumes on (≥ N_c; see
    /// `CycleBox`).
    public let cycleBox: CycleBox
    /// Where the prepared particles live between cycles.
    public let storage: ParticleStorage
    /// From the engine's map units to the images' density on RELION's scale (the written maps).
    public let densityScale: MapDensityScale
    /// Particles in the whole job (all ranks).
    public let globalParticleCount: Int

    /// The raw images (read again for streaming and for the full-resolution reconstruction).
    let images: any ParticleImageSource
    /// Per local particle: shift (Å, particle centre from the box centre), CTF and global 0-based index.
    let shifts: [SIMD2<Double>]
    let ctfs: [CTFParameters]
    let globalIndex: [Int]
    /// The whitening filters of the noise groups (`GroupWhitening`) and the radius (pixels) outside
    /// which an image is background.
    public let whitening: GroupWhitening
    let backgroundRadius: Double
    /// The disc of frequencies the cycles read (likelihood and band-limited insertion).
    let cycleLayout: HalfPlaneLayout
    /// `.memory`: the prepared particles in `cycleLayout` (nil once released, `releasingResidentParticles()`:
    /// cycles then read and prepare them again, as when streaming).
    var resident: PreparedParticles?
    /// Particles per chunk when they are read and prepared from the images.
    let chunkSize: Int
    /// Per row: the view S_s·M, whether the particle is active, its half set (0 or 1).
    let rotations: [RotationMatrix]
    let active: [Bool]
    let halfOfRow: [Int]
    /// Per row: the 2-D region of the likelihood (`LikelihoodRegion`).
    let regions: [LikelihoodRegion]
    /// The most consecutive rows of the N_c image any row's region reads (N_c for soft regions): the
    /// rows each inverse FFT of the likelihood computes (`RowBandInverseFFT`).
    let likelihoodRows: Int
    /// Per row: its region's area and independent samples (`ParticleNoiseLevel.RowArea`), for the
    /// per-particle noise level; computed once, as the regions are.
    public let likelihoodAreas: [ParticleNoiseLevel.RowArea]
    /// The 3-D focus region at box N (the likelihood regions' footprints are taken from it).
    let focusMask: Volume?
    /// The same region on the cycle box, where the references are masked.
    let cycleFocusMask: Volume?
    /// Voxels (of the cycle box) the class maps are compared over to find identical classes (`IndistinctClasses`).
    let comparisonRegion: [Int]
    /// The likelihood at box N_c, reading the particles from `cycleLayout`.
    let evaluation: LikelihoodEvaluation

    /// Padding of the reconstruction grid (1: trilinear insertion on the N grid).
    static let reconstructionPadding = 1

    /// Bytes of Float64 sums the full-resolution pass fills at once: the K classes are
    /// reconstructed a group at a time (the particles read once per group), as many classes per
    /// group as fit (at least one). Box 160 fits 10 classes, box 192 six, box 320 one.
    public static let fullResolutionAccumulatorBudget = 1 << 30

    /// Radius (box-N Fourier pixels; the same frequency spacing as the N_c grid) out to which a
    /// cycle inserts the particles: the likelihood band plus 4 pixels for the trilinear splat and
    /// the slices' interpolation, at most N/2. Like RELION's classification, cycles reconstruct
    /// only what the next likelihood uses; at box 128 and 20 Å that is a third of the work.
    public var cycleInsertionRadius: Double { Self.insertionRadius(size: boxSize, evaluation: evaluation) }

    /// Global row index (particle · operators + operator) of each local row.
    public var globalRows: [Int] { (0..<rows.count).map(rows.globalRowIndex) }

    /// This shard without its resident prepared particles (a finished run needs them no more;
    /// any later cycle prepares them again from the images, as when streaming).
    public func releasingResidentParticles() -> ParticleShard {
        var copy = self
        copy.resident = nil
        return copy
    }

    /// Calls `body` with consecutive chunks of this rank's prepared particles in `layout` (the
    /// cycle's disc, or the full half plane): all at once from memory when they are resident,
    /// else read and prepared from the images `chunkSize` at a time.
    func forEachPrepared(in layout: HalfPlaneLayout, _ body: (Range<Int>, PreparedParticles) throws -> Void) throws {
        if let resident, layout == cycleLayout {
            try body(0..<resident.count, resident)
            return
        }
        for range in ParticlePreprocessing.chunks(of: images.count, size: chunkSize) {
            let prepared = try ParticlePreprocessing.prepare(range, images: images, shifts: shifts, ctfs: ctfs, layout: layout,
                                                             backgroundRadius: backgroundRadius, whitening: whitening,
                                                             threads: config.threads)
            try body(range, prepared)
        }
    }
}
