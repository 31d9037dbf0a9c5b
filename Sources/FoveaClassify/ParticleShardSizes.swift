import FoveaCore

/// The sizes a shard's particles take: the chunks they are read and prepared in, the frequency
/// disc and grid the cycles keep them and the class maps on, and the bytes of each (the memory
/// estimate of a run, `RunPlan`, is made of these).
extension ParticleShard {
    /// Particles per chunk when images are read and prepared: about 32 MiB of raw and prepared
    /// box-N data (a streamed run's `chunk` if given), at least one per thread.
    public static func chunkSize(storage: ParticleStorage, box n: Int, threads: Int) -> Int {
        if case .streaming(let chunk) = storage, chunk > 0 { return max(chunk, 1) }
        return max(threads, (32 << 20) / max(1, 16 * n * n))
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

    /// The box N_c the likelihood is computed in for images of box `size` at `pixelSize` Å and a
    /// classification resolution of `classificationResolution` Å.
    public static func likelihoodBox(size: Int, pixelSize: Double, classificationResolution: Double) -> Int {
        LikelihoodEvaluation.croppedSize(size: size, pixelSize: pixelSize, classificationResolution: classificationResolution)
    }
}
