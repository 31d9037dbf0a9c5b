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
    /// footprints (3-D masks only, as pixel runs: ≈ 3 words per image row), the Float64 class
    /// accumulators (two halves per class) with the finalised maps, the class projectors and thread buffers.
    public static func estimatedBytes(particles: Int, rows: Int, box n: Int, croppedBox nc: Int, classes k: Int,
                                      threads: Int, maskWeights: Bool, preparedBytesPerParticle: Double,
                                      streaming: Bool = false) -> Double {
        let croppedHalf = Double((nc / 2 + 1) * nc)
        let chunk = Double(min(particles, ClassificationEngine.chunkSize(storage: .memory, box: n, threads: threads)))
        let chunkBytes = chunk * Double(n * n) * (4 + 12)
        let perParticle = streaming ? 0 : preparedBytesPerParticle
        let perRow = Double(k) * 4 * 3 + (maskWeights ? Double(nc + 1) * 12 : 0)
        let accumulators = Double(k) * 2 * Double(n / 2 + 1) * Double(n * n) * 24
        let projectors = Double(k + 1) * Double(nc / 2 + 1) * Double(nc * nc) * 8 * 2
        let volumes = Double(k) * 5 * Double(n * n * n) * 4
        let threadBuffers = Double(threads) * croppedHalf * 8 * 4
        return Double(particles) * perParticle + chunkBytes + Double(rows) * perRow + accumulators * 1.25 + projectors
            + volumes + threadBuffers
    }

    /// Box N of the table's images (from the table, else the first stack's MRC header) and the likelihood box.
    static func boxes(of table: ParticleTable, tablePath: String, config: ClassificationConfig) throws -> (n: Int, nc: Int) {
        let first = table.particles[0]
        let n = try ParticleTableLoading.boxSize(of: table, tablePath: tablePath)
        // Resolutions finer than Nyquist are refused before the likelihood box is computed from them.
        try config.validate(boxSize: n, pixelSize: first.pixelSize)
        return (n, LikelihoodEvaluationSize.croppedSize(size: n, pixelSize: first.pixelSize,
                                                        classificationResolution: config.classificationResolution))
    }

    /// `estimatedBytes` for `count` particles of box N at `pixelSize` Å under `config`.
    static func estimatedBytes(count: Int, boxes: (n: Int, nc: Int), pixelSize: Double, config: ClassificationConfig,
                               streaming: Bool = false) -> Double {
        estimatedBytes(particles: count, rows: count * config.operatorCount, box: boxes.n, croppedBox: boxes.nc,
                       classes: config.classCount, threads: config.threads,
                       maskWeights: config.maskPath != nil && config.focus == .twoD,
                       preparedBytesPerParticle: Double(ClassificationEngine.preparedBytesPerParticle(
                           size: boxes.n, pixelSize: pixelSize, config: config)),
                       streaming: streaming)
    }

    public static func describe(request: RunRequest, ranks: Int) throws -> String {
        let table = try ParticleTableLoading.load(request.inputs)
        let config = request.config
        let first = table.particles[0]
        let (n, nc) = try boxes(of: table, tablePath: request.inputs.particles, config: config)
        let plan = RunShard.plan(for: table, tablePath: request.inputs.particles, ranks: ranks)
        var lines = ["plan: \(table.count) particles × \(config.operatorCount) operators (\(config.expansionGroup)) = "
                     + "\(table.count * config.operatorCount) rows, K = \(config.classCount), box \(n) px at \(first.pixelSize) Å, "
                     + "likelihood box \(nc) px, focus \(config.focus.rawValue)",
                     "ranks \(ranks) × threads \(config.threads)"]
        if table.count < ranks { lines.append("error: more ranks than particles") }
        for rank in 0..<ranks {
            let count = plan.ranges[rank].count
            let bytes = estimatedBytes(count: count, boxes: (n, nc), pixelSize: first.pixelSize, config: config)
            let streamed = estimatedBytes(count: count, boxes: (n, nc), pixelSize: first.pixelSize, config: config, streaming: true)
            lines.append(String(format: "rank %d: %d particles, about %.0f MiB (%.0f MiB if streamed from disk)", rank, count,
                                bytes / 1_048_576, streamed / 1_048_576))
        }
        return lines.joined(separator: "\n")
    }
}

/// The likelihood box, as the engine will choose it.
public enum LikelihoodEvaluationSize {
    public static func croppedSize(size n: Int, pixelSize p: Double, classificationResolution d: Double) -> Int {
        ClassificationEngine.likelihoodBox(size: n, pixelSize: p, classificationResolution: d)
    }
}
