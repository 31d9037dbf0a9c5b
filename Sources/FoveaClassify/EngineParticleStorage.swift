import FoveaCore

/// Where the engine's prepared particles come from each cycle: resident in memory in the cycles'
/// frequency disc, or read and prepared again from the image source in chunks (streaming, and
/// the full-resolution reconstruction at the end of a run).
extension ClassificationEngine {
    /// Particles per chunk when images are read and prepared: about 32 MiB of raw and prepared
    /// box-N data (a streamed run's `chunk` if given), at least one per thread.
    public static func chunkSize(storage: ParticleStorage, box n: Int, threads: Int) -> Int {
        if case .streaming(let chunk) = storage, chunk > 0 { return max(chunk, 1) }
        return max(threads, (32 << 20) / max(1, 16 * n * n))
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

    /// The disc of frequencies the cycles read: the likelihood's low-pass (`lowPassDisc`) and the
    /// band-limited insertion (`cycleInsertionRadius`), both as `FrequencyDisc`s so that the layout
    /// holds every frequency either reads.
    static func cycleLayout(size n: Int, evaluation: LikelihoodEvaluation) -> HalfPlaneLayout {
        let insertion = FrequencyDisc(radius: insertionRadius(size: n, evaluation: evaluation))
        return .disc(size: n, holding: .union(insertion, evaluation.lowPassDisc))
    }

    /// Radius (box-N Fourier pixels) out to which a cycle inserts the particles: the likelihood
    /// band plus 4 pixels for the trilinear splat and the slices' interpolation, at most N/2.
    static func insertionRadius(size n: Int, evaluation: LikelihoodEvaluation) -> Double {
        min(Double(n / 2), evaluation.bandRadius + 4)
    }

    /// 0..<count in consecutive chunks of at most `size` (≥ 1) particles, as the engine reads them.
    public static func chunkRanges(count: Int, size: Int) -> [Range<Int>] {
        ParticlePreprocessing.chunks(of: count, size: size)
    }

    /// The layout a run at box `size`, `pixelSize` Å under `config` keeps its prepared particles
    /// in between cycles, and the frequencies (kx ≥ 0, ky; box-N Fourier pixels) where its
    /// likelihood's low-pass is nonzero — every one of which the layout must hold.
    public static func cycleFrequencies(size: Int, pixelSize: Double, config: ClassificationConfig)
        -> (layout: HalfPlaneLayout, likelihoodReads: [SIMD2<Int>]) {
        let nc = LikelihoodEvaluation.croppedSize(size: size, pixelSize: pixelSize,
                                                  classificationResolution: config.classificationResolution)
        let evaluation = LikelihoodEvaluation(config: config, size: size, pixelSize: pixelSize, croppedSize: nc)
        let w = nc / 2 + 1
        let reads = evaluation.lowPass.indices.filter { evaluation.lowPass[$0] != 0 }.map {
            SIMD2($0 % w, FourierGrid.frequency(index: $0 / w, size: nc))
        }
        return (cycleLayout(size: size, evaluation: evaluation), reads)
    }

    /// The grid the cycles of a run at box `size`, `pixelSize` Å under `config` keep their class
    /// maps and sums on.
    public static func cycleBox(size: Int, pixelSize: Double, config: ClassificationConfig) -> CycleBox {
        let nc = LikelihoodEvaluation.croppedSize(size: size, pixelSize: pixelSize,
                                                  classificationResolution: config.classificationResolution)
        let evaluation = LikelihoodEvaluation(config: config, size: size, pixelSize: pixelSize, croppedSize: nc)
        return CycleBox(fullSize: size, pixelSize: pixelSize, insertionRadius: insertionRadius(size: size, evaluation: evaluation),
                        croppedSize: nc)
    }

    /// Bytes of the Float64 sums of one class (two half sets) on a grid of `size` voxels.
    public static func accumulatorBytesPerClass(size: Int) -> Int {
        ClassReconstruction.bytesPerClass(size: size, padding: reconstructionPadding)
    }

    /// Bytes one particle's prepared spectrum and CTF take when kept in memory (box `size` at
    /// `pixelSize` Å under `config`).
    public static func preparedBytesPerParticle(size: Int, pixelSize: Double, config: ClassificationConfig) -> Int {
        let nc = LikelihoodEvaluation.croppedSize(size: size, pixelSize: pixelSize,
                                                  classificationResolution: config.classificationResolution)
        let evaluation = LikelihoodEvaluation(config: config, size: size, pixelSize: pixelSize, croppedSize: nc)
        return PreparedParticles.bytesPerParticle(cycleLayout(size: size, evaluation: evaluation))
    }
}
