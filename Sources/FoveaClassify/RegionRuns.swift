/// The pixels a hard likelihood region sums over (a disc or the runs of a mask's footprint) as runs
/// (y, first x, count), in the order `LogLikelihood` visits them: made once per row and used for
/// all K classes, and telling which image rows the sum reads (so the inverse FFT may compute only
/// those, `RowBandInverseFFT`). A reusable buffer: `set` refills it without allocating once it has
/// grown to the largest region.
public struct RegionRuns: Sendable {
    public init() {}

    /// (y, first x, count) triples.
    public private(set) var runs: [Int32] = []
    /// Pixels in the region inside the image (N_disc for a disc, the mask's pixel count).
    public private(set) var pixelCount = 0
    /// The image rows the runs lie in (empty when the region has no pixel in the image).
    public private(set) var rows: Range<Int> = 0..<0

    /// The runs of `region` on a `width`×`width` image; false for a soft region (per-pixel weights,
    /// summed over the whole image), which has no runs.
    public mutating func set(to region: LikelihoodRegion, width: Int) -> Bool {
        runs.removeAll(keepingCapacity: true)
        pixelCount = 0
        switch region {
        case .disc(let disc):
            for y in 0..<width {
                let span = disc.columns(inRow: y, width: width)
                guard !span.isEmpty else { continue }
                append(y: y, start: span.lowerBound, count: span.count)
            }
        case .spans(let spans):
            spans.forEachRun { y, start, end in append(y: y, start: start, count: end - start) }
        case .weights:
            rows = 0..<width
            return false
        }
        rows = runs.isEmpty ? 0..<0 : Int(runs[0])..<(Int(runs[runs.count - 3]) + 1)
        return true
    }

    private mutating func append(y: Int, start: Int, count: Int) {
        runs.append(Int32(y)); runs.append(Int32(start)); runs.append(Int32(count))
        pixelCount += count
    }

    /// The image rows the likelihood sum of `region` reads on a `width`×`width` image (all of them
    /// for a soft region).
    public static func rows(of region: LikelihoodRegion, width: Int) -> Range<Int> {
        var runs = RegionRuns()
        return runs.set(to: region, width: width) ? runs.rows : 0..<width
    }

    /// Σ D² over the runs, each run's sum in Float (`LogLikelihood.sumOfSquares`) added to a Double
    /// in run order: the sum `LogLikelihood.logP` forms for discs and spans. `image` holds the
    /// rows from `firstRow` on (pixel (x, y) at (y − firstRow)·width + x), at least `rows`.
    public func sumOfSquares(image: UnsafePointer<Float>, firstRow: Int, width: Int) -> Double {
        var sum = 0.0
        runs.withUnsafeBufferPointer { r in
            for i in 0..<(r.count / 3) {
                let y = Int(r[3 * i]), start = Int(r[3 * i + 1]), count = Int(r[3 * i + 2])
                sum += Double(LogLikelihood.sumOfSquares(image + (y - firstRow) * width + start, count))
            }
        }
        return sum
    }
}
