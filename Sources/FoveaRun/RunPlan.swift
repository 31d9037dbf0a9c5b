import Foundation
import FoveaClassify
import FoveaDistributed
import FoveaIO

/// `--dry-run`: how a run would be spread, from the table alone (no images read).
public enum RunPlan {
    /// Bytes a rank holds for `particles` particles of box `n` (likelihood box `nc`), `rows` rows,
    /// K classes and `threads` threads: the prepared particles (`preparedBytesPerParticle` each when
    /// they stay in memory — spectrum and CTF within the disc the cycles read; none when streamed),
    /// one chunk of raw and prepared box-N images, occupancy/LogP tables, per-row 2-D mask
    /// footprints (3-D masks only, as pixel runs: ≈ 3 words per image row), the class projectors and
    /// thread buffers, and the larger of: the cycles' Float64 class accumulators (two halves per
    /// class) with their finalised maps on the cycle grid `cycleBox` (N_r); the final full-resolution
    /// pass at box N with the default budget for its Float64 sums (`FinalPassMemory.peakBytes`: a
    /// group of classes' sums, the class totals kept in memory within that budget — the others wait
    /// in temporary files — one total being finalised, the K class maps and working maps). At box
    /// 320, K = 8 the final pass peaked at 5,040 MiB on 1 rank when each rank held all its classes'
    /// totals (benchmarks/RESULTS.md).
    public static func estimatedBytes(particles: Int, rows: Int, box n: Int, croppedBox nc: Int, cycleBox nr: Int,
                                      classes k: Int, threads: Int, maskWeights: Bool, preparedBytesPerParticle: Double,
                                      streaming: Bool = false, ranks: Int = 1) -> Double {
        // In Double throughout: sizes come from the input and must not overflow.
        let box = Double(n), cropped = Double(nc)
        let croppedHalf = (cropped / 2 + 1).rounded(.down) * cropped
        let chunk = Double(min(particles, ParticleShard.chunkSize(storage: .memory, box: n, threads: threads)))
        let chunkBytes = chunk * box * box * (4 + 12)
        let perParticle = streaming ? 0 : preparedBytesPerParticle
        let perRow = Double(k) * 4 * 3 + (maskWeights ? (cropped + 1) * 12 : 0)
        let grid = Double(nr)
        let cycleAccumulators = Double(k) * 2 * (grid / 2 + 1).rounded(.down) * grid * grid * 24
        let cycle = cycleAccumulators * 1.25 + Double(k) * 5 * grid * grid * grid * 4
        let final = FinalPassMemory(box: n, classes: k).peakBytes(box: n, classes: k, ranks: ranks)
        let projectors = Double(k + 1) * (cropped / 2 + 1).rounded(.down) * cropped * cropped * 8 * 2
        let threadBuffers = Double(threads) * croppedHalf * 8 * 4
        return Double(particles) * perParticle + chunkBytes + Double(rows) * perRow + max(cycle, final) + projectors
            + threadBuffers
    }

    /// The largest box the run accepts (px): 4096² images, 4096³ class volumes.
    public static let maximumBox = 4096

    /// Box N of the table's images (from the table, else the first stack's MRC header) and the likelihood box.
    static func boxes(of table: ParticleTable, tablePath: String, config: ClassificationConfig) throws -> (n: Int, nc: Int) {
        guard let first = table.particles.first else { throw RunInputError("\(tablePath): the table holds no particles") }
        let n = try ParticleTableLoading.boxSize(of: table, tablePath: tablePath)
        guard n >= 8, n <= maximumBox else {
            throw RunInputError("\(tablePath): the images are \(n) px; Fovea classifies boxes of 8 to \(maximumBox) px")
        }
        // Resolutions finer than Nyquist are refused before the likelihood box is computed from them.
        try config.validate(boxSize: n, pixelSize: first.pixelSize)
        return (n, LikelihoodEvaluationSize.croppedSize(size: n, pixelSize: first.pixelSize,
                                                        classificationResolution: config.classificationResolution))
    }

    /// `estimatedBytes` for `count` particles of box N at `pixelSize` Å under `config`.
    static func estimatedBytes(count: Int, boxes: (n: Int, nc: Int), pixelSize: Double, config: ClassificationConfig,
                               streaming: Bool = false, ranks: Int) -> Double {
        estimatedBytes(particles: count, rows: count * config.operatorCount, box: boxes.n, croppedBox: boxes.nc,
                       cycleBox: ParticleShard.cycleBox(size: boxes.n, pixelSize: pixelSize, config: config).size,
                       classes: config.classCount, threads: config.threads,
                       maskWeights: config.maskPath != nil && config.focus == .twoD,
                       preparedBytesPerParticle: Double(ParticleShard.preparedBytesPerParticle(
                           size: boxes.n, pixelSize: pixelSize, config: config)),
                       streaming: streaming, ranks: ranks)
    }

    public static func describe(request: RunRequest, ranks: Int) throws -> String {
        let table = try ParticleTableLoading.load(request.inputs)
        let config = request.config
        let first = table.particles[0]
        let (n, nc) = try boxes(of: table, tablePath: request.inputs.particles, config: config)
        let plan = ShardingPlan(table: table, tablePath: request.inputs.particles, ranks: ranks)
        var lines = ["plan: \(table.count) particles × \(config.operatorCount) operators (\(config.expansionGroup)) = "
                     + "\(table.count * config.operatorCount) rows, K = \(config.classCount), box \(n) px at \(DecimalText.text(first.pixelSize, digits: 7)) Å, "
                     + "likelihood box \(nc) px, cycles on a "
                     + "\(ParticleShard.cycleBox(size: n, pixelSize: first.pixelSize, config: config).size)-px grid, "
                     + "focus \(config.focus.rawValue)",
                     "ranks \(ranks) × threads \(config.threads)"]
        if table.count < ranks { lines.append("error: more ranks than particles") }
        // What this process holds before reading images (every rank holds about as much).
        let held = MemoryBudget.residentBytesHere() ?? 0
        for rank in 0..<ranks {
            let count = plan.ranges[rank].count
            let bytes = held + estimatedBytes(count: count, boxes: (n, nc), pixelSize: first.pixelSize, config: config,
                                              ranks: ranks)
            let streamed = held + estimatedBytes(count: count, boxes: (n, nc), pixelSize: first.pixelSize, config: config,
                                                 streaming: true, ranks: ranks)
            lines.append(String(format: "rank %d: %d particles, about %.0f MiB (%.0f MiB if streamed from disk), "
                                + "of which %.0f MiB the program holds before reading images", rank, count,
                                bytes / 1_048_576, streamed / 1_048_576, held / 1_048_576))
        }
        return lines.joined(separator: "\n")
    }
}

/// The likelihood box, as the engine will choose it.
public enum LikelihoodEvaluationSize {
    public static func croppedSize(size n: Int, pixelSize p: Double, classificationResolution d: Double) -> Int {
        ParticleShard.likelihoodBox(size: n, pixelSize: p, classificationResolution: d)
    }
}
