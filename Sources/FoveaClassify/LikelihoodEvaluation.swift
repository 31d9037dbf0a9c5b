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

    /// Thread-local buffers: one real image and one FFT plan.
    final class Workspace {
        let fft: FFTWorkspace
        var image: [Float]
        init(size nc: Int) {
            fft = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: nc))
            image = [Float](repeating: 0, count: nc * nc)
        }
    }

    /// Fills `logP` (rows × K) for the rows of `range`. Per row: X̂·L and the row's CTF·L·B once,
    /// the K slices in one pass over the interleaved projector set (only out to `bandRadius`:
    /// beyond it L·B = 0, so the slice values there never reach D̂), then per class D̂, one inverse
    /// FFT and the region sum. Buffers are allocated once per call (per thread chunk), not per row.
    func evaluate(rows range: Range<Int>, particles: PreparedParticles, particleOfRow: (Int) -> Int,
                  rotations: [RotationMatrix], regions: [LikelihoodRegion], references: PreparedReferences,
                  workspace: Workspace, logP: SharedSlots<Float>, classCount: Int) {
        let count = lowPass.count
        let projectorSet = projectorSets.set(for: references.projectors)
        let slices = (0..<classCount).map { _ in UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: count) }
        let target = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: count)
        let difference = UnsafeMutableBufferPointer<Complex<Float>>.allocate(capacity: count)
        let ctfBand = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        defer {
            for slice in slices { slice.deallocate() }
            target.deallocate(); difference.deallocate(); ctfBand.deallocate()
        }
        let radius = bandRadius
        precondition(particles.layout.count == layoutCount, "Particles stored in another layout than the likelihood reads")
        lowPass.withUnsafeBufferPointer { low in
        lowPassBand.withUnsafeBufferPointer { band in
        workspace.image.withUnsafeMutableBufferPointer { image in
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
                                    ctfBand: ctfBand, scratch: slices[0])
                }
                projectorSet.project(rotations[row], maxRadius: radius, into: slices)
                for k in 0..<classCount {
                    let slice = slices[k]
                    for i in 0..<count { difference[i] = target[i] - scaled(slice[i], ctfBand[i]) }
                    difference[0] = .zero
                    workspace.fft.inverse(UnsafeBufferPointer(difference), into: image)
                    let d = UnsafeBufferPointer(image)
                    let value: Double
                    switch regions[row] {
                    case .disc(let disc):
                        value = LogLikelihood.logP(difference: d, width: croppedSize, height: croppedSize, disc: disc)
                    case .weights(let weights):
                        value = weights.withUnsafeBufferPointer { LogLikelihood.logP(difference: d, weights: $0) }
                    case .spans(let spans):
                        value = LogLikelihood.logP(difference: d, width: croppedSize, spans: spans)
                    }
                    logP.set(row * classCount + k, Float(value * areaScale))
                }
            }
        }
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
