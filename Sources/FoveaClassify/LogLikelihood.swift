/// LogP of a real-space difference image D = Y − A (§5.2, §5.4): the Gaussian log-likelihood with
/// unit per-pixel noise variance over a region,
///     LogP = −½·(msd + ln 2π)·n_pix.
/// * Hard disc (cisTEM): msd = mean of D² over the N_disc pixels in the box, n_pix = π r² (the
///   analytic area, not N_disc — cisTEM's choice, kept for equivalent results). If no pixel of the
///   disc is in the box, msd = 0.
/// * Soft 2-D mask (our extension, §5.3): weights w ∈ [0, 1] per pixel, msd = Σ w D² / Σ w and
///   n_pix = Σ w; a hard 0/1 mask then gives msd over its pixels and n_pix = the pixel count. If
///   Σ w = 0, LogP = 0.
/// Images are width×height Float, row-major (x fastest). Sums use SIMD8 Float accumulators per row
/// and a Double total.
public enum LogLikelihood {
    /// ln 2π.
    public static let logTwoPi = 1.8378770664093453

    /// LogP over a hard disc.
    public static func logP(difference: UnsafeBufferPointer<Float>, width: Int, height: Int,
                            disc: LikelihoodDisc) -> Double {
        precondition(difference.count == width * height, "difference image must have width×height pixels")
        guard let base = difference.baseAddress else { return 0 }
        var sum = 0.0
        var count = 0
        for y in 0..<height {
            let span = disc.columns(inRow: y, width: width)
            guard !span.isEmpty else { continue }
            sum += Double(sumOfSquares(base + y * width + span.lowerBound, span.count))
            count += span.count
        }
        return discLogP(sumOfSquares: sum, pixelCount: count, analyticArea: disc.analyticArea)
    }

    /// LogP over a hard disc from Σ D² over its `pixelCount` pixels in the box (N_disc).
    public static func discLogP(sumOfSquares sum: Double, pixelCount count: Int, analyticArea: Double) -> Double {
        let msd = count > 0 ? sum / Double(count) : 0
        return -0.5 * (msd + logTwoPi) * analyticArea
    }

    /// LogP over a soft mask of weights (same shape as the image).
    public static func logP(difference: UnsafeBufferPointer<Float>, weights: UnsafeBufferPointer<Float>) -> Double {
        precondition(difference.count == weights.count, "difference and weights must have the same size")
        guard let d = difference.baseAddress, let w = weights.baseAddress else { return 0 }
        let (weighted, weightSum) = weightedSumOfSquares(d, w, difference.count)
        guard weightSum > 0 else { return 0 }
        return -0.5 * (weighted / weightSum + logTwoPi) * weightSum
    }

    /// LogP over a binary region given as runs (the same value as `logP(difference:weights:)` with
    /// 0/1 weights, up to rounding): msd over its pixels, n_pix = the pixel count.
    public static func logP(difference: UnsafeBufferPointer<Float>, width: Int, spans: PixelSpans) -> Double {
        guard let base = difference.baseAddress, spans.pixelCount > 0 else { return 0 }
        var sum = 0.0
        spans.runs.withUnsafeBufferPointer { runs in
            for r in 0..<(runs.count / 3) {
                let y = Int(runs[3 * r]), start = Int(runs[3 * r + 1]), end = Int(runs[3 * r + 2])
                sum += Double(sumOfSquares(base + y * width + start, end - start))
            }
        }
        return regionLogP(sumOfSquares: sum, pixelCount: spans.pixelCount)
    }

    /// LogP over a binary region of `pixelCount` pixels from Σ D² over them (0 for no pixels).
    public static func regionLogP(sumOfSquares sum: Double, pixelCount: Int) -> Double {
        guard pixelCount > 0 else { return 0 }
        let count = Double(pixelCount)
        return -0.5 * (sum / count + logTwoPi) * count
    }

    /// Σ x² over `count` floats from `start`.
    static func sumOfSquares(_ start: UnsafePointer<Float>, _ count: Int) -> Float {
        var accumulator0 = SIMD8<Float>(), accumulator1 = SIMD8<Float>()
        var index = 0
        let raw = UnsafeRawPointer(start)
        while index + 16 <= count {
            let a = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            let b = raw.loadUnaligned(fromByteOffset: (index + 8) * 4, as: SIMD8<Float>.self)
            accumulator0 = a * a + accumulator0
            accumulator1 = b * b + accumulator1
            index += 16
        }
        var total = (accumulator0 + accumulator1).sum()
        while index < count {
            let v = start[index]
            total = v * v + total
            index += 1
        }
        return total
    }

    /// (Σ w·d², Σ w) in Double over `count` pixels, with SIMD8 partial sums per block of 4096.
    static func weightedSumOfSquares(_ d: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ count: Int) -> (Double, Double) {
        let dRaw = UnsafeRawPointer(d), wRaw = UnsafeRawPointer(w)
        var weighted = 0.0, weights = 0.0
        var blockStart = 0
        while blockStart < count {
            let blockEnd = min(blockStart + 4096, count)
            var accumulatorWD = SIMD8<Float>(), accumulatorW = SIMD8<Float>()
            var index = blockStart
            while index + 8 <= blockEnd {
                let dv = dRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                let wv = wRaw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                accumulatorWD = wv * dv * dv + accumulatorWD
                accumulatorW += wv
                index += 8
            }
            var blockWD = accumulatorWD.sum(), blockW = accumulatorW.sum()
            while index < blockEnd {
                blockWD = w[index] * d[index] * d[index] + blockWD
                blockW += w[index]
                index += 1
            }
            weighted += Double(blockWD)
            weights += Double(blockW)
            blockStart = blockEnd
        }
        return (weighted, weights)
    }
}
