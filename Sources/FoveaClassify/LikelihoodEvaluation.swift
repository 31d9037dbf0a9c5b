import Foundation
import FoveaCore
import Numerics

/// LogP of every row against every class (§5), compared at the classification box N_c:
///     D̂ = L·(X̂ − CTF·B·P̂_k)        (X̂: the row's cropped spectrum, P̂_k: the slice of class k at
///                                   the row's view, B: the reference band, L: the low-pass at d_cl)
/// with D̂(0) = 0, then one inverse FFT of D̂ at N_c and LogP = −½(msd + ln 2π)·n_pix over the
/// row's region. n_pix is counted in pixels of the full N box (π r² for discs, Σw for weights,
/// times (N/N_c)²) so that LogP differences keep cisTEM's meaning after cropping.
/// For `subtract`, X̂ is first replaced by X̂ − α·CTF·B·P̂_out with α fitted per row by least
/// squares over the low-passed band (one value per row and cycle, shared by all classes).
struct LikelihoodEvaluation {
    let croppedSize: Int
    /// L on the N_c half-plane grid.
    let lowPass: [Float]
    /// L·B on the N_c half-plane grid.
    let lowPassBand: [Float]
    /// (N/N_c)²: converts cropped-pixel areas to full-box pixels.
    let areaScale: Double
    /// Radius (N_c Fourier pixels) that holds every frequency where L·B ≠ 0; slices are computed
    /// only out to it.
    let bandRadius: Double
    /// The frequencies (N_c Fourier pixels, the same spacing as the N box) where L may be ≠ 0:
    /// exactly those with kx² + ky² at most the largest such value where L ≠ 0, so the likelihood
    /// reads nothing of a particle beyond it, and a particle layout that holds this disc
    /// (`HalfPlaneLayout.holds`, the same integer rule) holds everything the likelihood reads.
    let lowPassDisc: FrequencyDisc
    /// Per N_c half-plane index, the index of the same frequency in the layout of the prepared
    /// particles (`read(from:)`), or the layout's trailing zero where the layout does not hold it:
    /// the likelihood reads each particle's cropped spectrum and CTF in place.
    private(set) var layoutIndex: [Int32] = []
    /// Count of the layout `layoutIndex` was made for.
    private(set) var layoutCount = -1
    /// The interleaved projectors of the current cycle's references.
    let projectorSets = ProjectorSetCache()

    init(config: ClassificationConfig, size n: Int, pixelSize p: Double, croppedSize nc: Int) {
        croppedSize = nc
        areaScale = Double(n * n) / Double(nc * nc)
        let croppedPixel = p * Double(n) / Double(nc)
        let w = nc / 2 + 1
        var low = [Float](repeating: 0, count: w * nc), band = low
        for j in 0..<nc {
            let ky = Double(FourierGrid.frequency(index: j, size: nc))
            for i in 0..<w {
                let f = (Double(i * i) + ky * ky).squareRoot() / Double(nc)   // cycles per pixel
                let l = FourierFilter.cosineLowPass(frequency: f, radius: croppedPixel / config.classificationResolution,
                                                    edgeWidth: croppedPixel / 20)
                let b = FourierFilter.cosineLowPass(frequency: f, radius: croppedPixel / config.referenceBand.high,
                                                    edgeWidth: croppedPixel / 100)
                    * FourierFilter.cosineHighPass(frequency: f, radius: croppedPixel / config.referenceBand.low,
                                                   edgeWidth: croppedPixel / 100)
                low[i + w * j] = Float(l)
                band[i + w * j] = Float(l * b)
            }
        }
        lowPass = low
        lowPassBand = band
        /// The largest kx² + ky² where `grid` (N_c half plane) is nonzero.
        func largestNonzero(_ grid: [Float]) -> Int {
            var largest = 0
            for j in 0..<nc {
                let ky = FourierGrid.frequency(index: j, size: nc)
                for i in 0..<w where grid[i + w * j] != 0 { largest = max(largest, i * i + ky * ky) }
            }
            return largest
        }
        bandRadius = min(Double(nc / 2), Double(largestNonzero(band)).squareRoot() + 0.5)
        lowPassDisc = FrequencyDisc(squaredRadius: largestNonzero(low))
        read(from: .full(size: n))
    }

    /// Makes the likelihood read particles stored in `layout` (of the N box), which must hold
    /// `lowPassDisc` (the engine's `cycleLayout` does by construction); the frequencies the layout
    /// lacks read the trailing zero, where L = 0.
    mutating func read(from layout: HalfPlaneLayout) {
        // An internal invariant, not an input check: both sides decide membership by FrequencyDisc.
        precondition(layout.holds(lowPassDisc), "The particle layout misses frequencies the likelihood uses")
        let nc = croppedSize, w = nc / 2 + 1
        layoutIndex = (0..<(w * nc)).map { i in
            let kx = i % w, ky = FourierGrid.frequency(index: i / w, size: nc)
            return Int32(layout.index(kx: kx, ky: ky) ?? layout.count)
        }
        layoutCount = layout.count
    }

    /// The smallest even box that holds the low-pass at d_cl including its 1/40 Å⁻¹ edge.
    static func croppedSize(size n: Int, pixelSize p: Double, classificationResolution d: Double) -> Int {
        let needed = Int((2 * Double(n) * p * (1 / d + 1 / 40.0)).rounded(.up))
        return min(n, max(8, needed + needed % 2))
    }

    /// Thread-local buffers: the inverse FFT (its input and output) and the current row's region.
    final class Workspace {
        let inverse: RowBandInverseFFT
        var regionRuns = RegionRuns()
        /// `bandRows`: the most consecutive image rows any row's region reads (`ParticleShard.likelihoodRows`);
        /// one FFT input per class.
        init(size nc: Int, bandRows: Int, classCount: Int) {
            inverse = RowBandInverseFFT(size: nc, maxRows: bandRows, spectra: classCount)
        }
    }

    /// Fills `logP` (rows × K) for the rows of `range`. Per row: X̂·L and the row's CTF·L·B once,
    /// the K slices in one pass over the interleaved projector set (only out to `bandRadius`:
    /// beyond it L·B = 0, so the slice values there never reach D̂) and the pixel runs of its
    /// region, then the K D̂ (written centred into the K FFT inputs in one pass) and per class one
    /// inverse FFT of the image rows the region reads and the region sum. Buffers are allocated
    /// once per call (per thread chunk), not per row.
    func evaluate(rows range: Range<Int>, particles: PreparedParticles, particleOfRow: (Int) -> Int,
                  rotations: [RotationMatrix], regions: [LikelihoodRegion], references: PreparedReferences,
                  workspace: Workspace, logP: SharedSlots<Float>, classCount: Int) {
        let count = lowPass.count, nc = croppedSize, w = nc / 2 + 1
        let projectorSet = projectorSets.set(for: references.projectors)
        // The K slices interleaved (class k of index i at k + K·i).
        let slices = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: classCount * count)
        let target = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: count)
        let scratch = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: count)
        let ctfBand = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer {
            slices.deallocate(); target.deallocate(); scratch.deallocate(); ctfBand.deallocate()
        }
        let radius = bandRadius
        let inverse = workspace.inverse
        precondition(particles.layout.count == layoutCount, "Particles stored in another layout than the likelihood reads")
        lowPass.withUnsafeBufferPointer { low in
        lowPassBand.withUnsafeBufferPointer { band in
            for row in range {
                let particle = particleOfRow(row)
                let x = particles.spectrum(particle), ctf = particles.ctf(particle)
                let step = particles.ctfStep
                layoutIndex.withUnsafeBufferPointer { index in
                    for i in 0..<count {
                        let j = Int(index[i])
                        target[i] = scaled(x[j], low[i])
                        ctfBand[i] = Float(ctf[j]) * step * band[i]
                    }
                }
                if let outside = references.outsideProjector {
                    subtractOutside(outside, rotation: rotations[row], radius: radius, target: target,
                                    ctfBand: ctfBand, scratch: scratch)
                }
                projectorSet.projectInterleaved(rotations[row], maxRadius: radius, into: slices)
                let region = regions[row]
                let hard = workspace.regionRuns.set(to: region, width: nc)
                let runs = workspace.regionRuns
                if !hard || runs.pixelCount > 0 {
                    Self.writeCentredDifferences(target: target, slices: slices, classCount: classCount, ctfBand: ctfBand,
                                                 width: w, rows: nc, into: inverse.spectra)
                }
                for k in 0..<classCount {
                    let value: Double
                    switch region {
                    case .disc(let disc) where runs.pixelCount == 0:
                        value = LogLikelihood.discLogP(sumOfSquares: 0, pixelCount: 0, analyticArea: disc.analyticArea)
                    case .spans where runs.pixelCount == 0:
                        value = 0
                    default:
                        let (image, firstRow) = inverse.transform(k, rows: runs.rows)
                        switch region {
                        case .disc(let disc):
                            value = LogLikelihood.discLogP(sumOfSquares: runs.sumOfSquares(image: image, firstRow: firstRow, width: nc),
                                                           pixelCount: runs.pixelCount, analyticArea: disc.analyticArea)
                        case .spans:
                            value = LogLikelihood.regionLogP(sumOfSquares: runs.sumOfSquares(image: image, firstRow: firstRow, width: nc),
                                                             pixelCount: runs.pixelCount)
                        case .weights(let weights):
                            precondition(!hard && firstRow == 0, "A soft region reads the whole image")
                            value = weights.withUnsafeBufferPointer {
                                LogLikelihood.logP(difference: UnsafeBufferPointer(start: image, count: nc * nc), weights: $0)
                            }
                        }
                    }
                    logP.set(row * classCount + k, Float(value * areaScale))
                }
            }
        }
        }
    }

    /// D̂_k = target − CTF·L·B·P̂_k (class k of the interleaved `slices`) with D̂_k(0) = 0, for every
    /// class in one pass, written as FFTW's input for the centred inverse into `spectra[k]`: each
    /// value times (−1)^(kx + row) (`RowBandInverseFFT.centringSign`; exact), (re, im) pairs.
    private static func writeCentredDifferences(target: UnsafeMutableBufferPointer<Complex<Float>>,
                                                slices: UnsafeMutableBufferPointer<Complex<Float>>, classCount: Int,
                                                ctfBand: UnsafeMutableBufferPointer<Float>, width w: Int, rows: Int,
                                                into spectra: [UnsafeMutablePointer<Float>]) {
        spectra.withUnsafeBufferPointer { outputs in
            let sliceBase = slices.baseAddress!
            for j in 0..<rows {
                let rowStart = w * j
                for i in 0..<w {
                    let index = rowStart + i
                    let t = target[index], c = ctfBand[index]
                    let sign = RowBandInverseFFT.centringSign(kx: i, row: j)
                    let classes = sliceBase + classCount * index
                    for k in 0..<classCount {
                        let d = t - scaled(classes[k], c)
                        outputs[k][2 * index] = d.real * sign
                        outputs[k][2 * index + 1] = d.imaginary * sign
                    }
                }
            }
            for output in outputs {
                output[0] = 0   // D̂(0) = 0 (times the sign +1)
                output[1] = 0
            }
        }
    }

    /// `subtract`: X̂ ← X̂ − α·CTF·L·B·P̂_out, α fitted by least squares over the band.
    private func subtractOutside(_ outside: FourierProjector, rotation: RotationMatrix, radius: Double,
                                 target: UnsafeMutableBufferPointer<Complex<Float>>,
                                 ctfBand: UnsafeMutableBufferPointer<Float>, scratch: UnsafeMutableBufferPointer<Complex<Float>>) {
        outside.project(rotation, maxRadius: radius, into: scratch)
        var cross = 0.0, power = 0.0
        for i in 0..<scratch.count {
            let model = scaled(scratch[i], ctfBand[i])
            scratch[i] = model
            let t = target[i]
            cross += Double(t.real * model.real + t.imaginary * model.imaginary)
            power += Double(model.real * model.real + model.imaginary * model.imaginary)
        }
        let alpha = Float(power > 0 ? cross / power : 0)
        for i in 0..<target.count { target[i] = target[i] - scaled(scratch[i], alpha) }
    }
}

/// The interleaved projector set of the current references, built once per cycle by the first
/// thread that asks and shared by all (holding the projectors keeps their storage alive, so the
/// buffer address identifies them).
final class ProjectorSetCache: @unchecked Sendable {
    private let lock = NSLock()
    private var source: [FourierProjector] = []
    private var cached: FourierProjectorSet?

    func set(for projectors: [FourierProjector]) -> FourierProjectorSet {
        lock.lock()
        defer { lock.unlock() }
        let same = projectors.count == source.count && zip(projectors, source).allSatisfy { a, b in
            a.transform.values.withUnsafeBufferPointer { x in b.transform.values.withUnsafeBufferPointer { x.baseAddress == $0.baseAddress } }
        }
        if let cached, same { return cached }
        let built = FourierProjectorSet(projectors)
        source = projectors
        cached = built
        return built
    }
}

/// z·a for a real a.
@inline(__always) private func scaled(_ z: Complex<Float>, _ a: Float) -> Complex<Float> {
    Complex(z.real * a, z.imaginary * a)
}
