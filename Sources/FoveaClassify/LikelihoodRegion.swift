import FoveaCore

/// Where one row's likelihood is summed, on the N_c×N_c classification image (§5.3). Fixed
/// alignments make it constant, so it is computed once per row.
public enum LikelihoodRegion: Sendable {
    /// A hard disc (cisTEM): the outer radius, or the focus sphere projected along the view.
    case disc(LikelihoodDisc)
    /// Per-pixel weights in [0, 1]: a soft-edged projected sphere.
    case weights([Float])
    /// A binary region as runs of pixels: the footprint of a mask.
    case spans(PixelSpans)

    /// The region of every row, in the classification box.
    /// - Parameters:
    ///   - rotations: per row, the matrix S_s·M of its view.
    ///   - focusMask: the 3-D focus mask (box N) for `2d` without a sphere.
    static func regions(rotations: [RotationMatrix], config: ClassificationConfig, size n: Int, pixelSize p: Double,
                        croppedSize nc: Int, focusMask: Volume?, threads: Int) -> [LikelihoodRegion] {
        let scale = Double(nc) / Double(n)              // cropped pixels per full-size pixel
        let croppedPixel = p / scale                    // Å per cropped pixel
        guard config.focus == .twoD else {
            let disc = LikelihoodDisc.centred(boxSize: nc, radius: config.outerRadius / croppedPixel)
            return Array(repeating: .disc(disc), count: rotations.count)
        }
        let slots = SharedSlots<LikelihoodRegion>(repeating: .weights([]), count: rotations.count)
        let surface = config.sphere == nil ? focusMask.map { MaskSurface($0) } : nil
        ParallelChunks.run(count: rotations.count, threads: threads, makeState: { () }) { _, range in
            for row in range {
                slots.set(row, region(rotation: rotations[row], config: config, size: n, pixelSize: p,
                                      croppedSize: nc, surface: surface))
            }
        }
        return slots.values
    }

    private static func region(rotation: RotationMatrix, config: ClassificationConfig, size n: Int, pixelSize p: Double,
                               croppedSize nc: Int, surface: MaskSurface?) -> LikelihoodRegion {
        let scale = Double(nc) / Double(n), croppedPixel = p / scale
        if let sphere = config.sphere {
            let centre = sphere.centreFromMapCentre(pixelSize: p, boxSize: n) * scale
            let radius = sphere.radius / croppedPixel
            if config.focusEdge == 0 {
                return .disc(LikelihoodDisc.projectedSphere(sphereCentre: centre, radius: radius,
                                                            view: rotation, boxSize: nc))
            }
            let projected = rotation.transposed.apply(centre)
            let disc = Disc(centre: SIMD2(projected.x, projected.y), radius: radius)
            return .weights(disc.mask(imageSize: nc, pixelSize: croppedPixel,
                                      edgeWidth: config.focusEdge / croppedPixel).pixels)
        }
        // An MRC mask: its footprint at box N, sampled at the centres of the cropped pixels.
        let footprint = surface!.footprint(along: rotation)
        var weights = [Float](repeating: 0, count: nc * nc)
        for y in 0..<nc {
            let fy = Int((Double(n / 2) + Double(y - nc / 2) / scale).rounded())
            guard fy >= 0 && fy < n else { continue }
            for x in 0..<nc {
                let fx = Int((Double(n / 2) + Double(x - nc / 2) / scale).rounded())
                guard fx >= 0 && fx < n else { continue }
                weights[x + nc * y] = footprint[fx, fy] > 0 ? 1 : 0
            }
        }
        return .spans(PixelSpans(nonzeroOf: weights, width: nc))
    }
}

/// A binary 0/1 region stored as runs of pixels (x fastest): a few dozen bytes per row of the
/// table instead of N_c² floats, in one exactly sized array.
public struct PixelSpans: Sendable, Equatable {
    /// The runs as (y, start x, end x exclusive) triples, by y then x.
    public let runs: [Int16]
    /// Pixels in the region (Σ of run lengths).
    public let pixelCount: Int

    /// Number of runs.
    public var runCount: Int { runs.count / 3 }

    /// The runs of the pixels with a nonzero weight in `weights` (width × width, row-major).
    public init(nonzeroOf weights: [Float], width: Int) {
        precondition(weights.count == width * width && width <= Int(Int16.max), "square image of at most 32767 pixels a side")
        func visitRuns(_ body: (Int, Int, Int) -> Void) {
            for y in 0..<width {
                var x = 0
                while x < width {
                    guard weights[x + width * y] != 0 else { x += 1; continue }
                    let start = x
                    while x < width && weights[x + width * y] != 0 { x += 1 }
                    body(y, start, x)
                }
            }
        }
        var runCount = 0, count = 0
        visitRuns { _, start, end in runCount += 1; count += end - start }
        var runs: [Int16] = []
        runs.reserveCapacity(3 * runCount)
        visitRuns { y, start, end in runs += [Int16(y), Int16(start), Int16(end)] }
        self.runs = runs
        pixelCount = count
    }

    /// Calls `body(y, start, end)` for every run, in order.
    public func forEachRun(_ body: (Int, Int, Int) -> Void) {
        for r in 0..<runCount { body(Int(runs[3 * r]), Int(runs[3 * r + 1]), Int(runs[3 * r + 2])) }
    }
}
