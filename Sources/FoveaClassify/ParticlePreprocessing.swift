import FoveaCore
import FoveaDistributed
import Numerics

/// The once-per-run preprocessing of §3, with the noise spectra estimated over all ranks (exact
/// sums) per noise group (`GroupWhitening`; one group: the whole dataset) instead of per job as
/// cisTEM does:
/// 1. per image, mean and SD of the pixels outside the outer radius; normalise to zero mean and
///    unit SD there;
/// 2. the background-only power spectrum (particle disc set to 0) in 1-pixel shells, averaged
///    over every particle of its noise group on every rank → whitening filter W_g(s) = 1/√P_g(s);
/// 3. per image: multiply the spectrum by its group's W_g, renormalise the background to zero mean and unit SD,
///    transform, shift by (−shx/p, −shy/p), and store spectrum and CTF in the layout asked for
///    (`PreparedParticles`: the cycles' frequency disc, or the full half plane).
/// Images are read from their `ParticleImageSource` in chunks, so a rank never holds all its raw
/// images at once.
enum ParticlePreprocessing {
    /// Pixels farther than `radius` (pixels) from the image centre: the background.
    static func backgroundStatistics(_ pixels: [Float], size: Int, radius: Double) -> (mean: Double, sd: Double) {
        // Two passes (mean, then squared deviations): no cancellation when the mean is large.
        let c = Double(size / 2), r2 = radius * radius
        func visitBackground(_ body: (Double) -> Void) {
            for y in 0..<size {
                let dy = Double(y) - c
                for x in 0..<size {
                    let dx = Double(x) - c
                    if dx * dx + dy * dy > r2 { body(Double(pixels[x + size * y])) }
                }
            }
        }
        var sum = 0.0, count = 0.0
        visitBackground { sum += $0; count += 1 }
        guard count > 1 else { return (0, 1) }
        let mean = sum / count
        var squares = 0.0
        visitBackground { squares += ($0 - mean) * ($0 - mean) }
        let variance = squares / count
        return (mean, variance > 0 ? variance.squareRoot() : 1)
    }

    /// `shellPower` of one image's background: normalised to zero mean and unit SD outside
    /// `radius` (pixels), the particle disc set to 0, transformed (`spectrum` is scratch); and
    /// the background's SD before normalisation.
    static func backgroundShellPower(_ image: [Float], size: Int, radius: Double, workspace: FFTWorkspace,
                                     spectrum: inout HalfComplexImage) -> (power: [Double], sd: Double) {
        var pixels = image
        let (mean, sd) = backgroundStatistics(pixels, size: size, radius: radius)
        let c = Double(size / 2), r2 = radius * radius
        for y in 0..<size {
            for x in 0..<size {
                let dx = Double(x) - c, dy = Double(y) - c
                let i = x + size * y
                pixels[i] = dx * dx + dy * dy > r2 ? Float((Double(pixels[i]) - mean) / sd) : 0
            }
        }
        pixels.withUnsafeBufferPointer { input in
            spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
        }
        return (shellPower(spectrum), sd)
    }

    /// 0..<count cut into consecutive ranges of at most `size` (≥ 1) items.
    static func chunks(of count: Int, size: Int) -> [Range<Int>] {
        let step = max(1, size)
        return stride(from: 0, to: count, by: step).map { $0 ..< min(count, $0 + step) }
    }

    /// Σ|F|² per integer shell round(|k|) of a half-plane spectrum (x = 0 column counted once).
    static func shellPower(_ spectrum: HalfComplexImage) -> [Double] {
        let n = spectrum.size, w = n / 2 + 1
        var power = [Double](repeating: 0, count: w)
        for j in 0..<n {
            let ky = FourierGrid.frequency(index: j, size: n)
            for i in 0..<w {
                let shell = Int((Double(i * i + ky * ky)).squareRoot().rounded())
                guard shell < w else { continue }
                let v = spectrum.values[i + w * j]
                power[shell] += Double(v.real * v.real + v.imaginary * v.imaginary)
            }
        }
        return power
    }

    /// Prepares particles `range` of `images` (threads over particles) and stores them in `layout`
    /// (the full half plane, or the disc the cycles read). `shifts` (Å) and `ctfs` are per local particle.
    static func prepare(_ range: Range<Int>, images: any ParticleImageSource, shifts: [SIMD2<Double>],
                        ctfs: [CTFParameters], layout: HalfPlaneLayout, backgroundRadius: Double, whitening: GroupWhitening,
                        threads: Int) throws -> PreparedParticles {
        let prepared = PreparedParticles(count: range.count, layout: layout, ctfRange: whitening.ctfRange)
        try prepare(range, images: images, shifts: shifts, ctfs: ctfs, into: prepared, at: 0, backgroundRadius: backgroundRadius,
                    whitening: whitening, threads: threads)
        return prepared
    }

    /// Steps 1–3 of one image up to its whitened spectrum: normalised on its background, multiplied
    /// by its group's filter, normalised on its background again, transformed into `spectrum`
    /// (`pixels`: scratch of N² values).
    static func whiten(_ image: [Float], particle: Int, whitening: GroupWhitening, backgroundRadius: Double,
                       workspace: FFTWorkspace, pixels: inout [Float], spectrum: inout HalfComplexImage) {
        let size = spectrum.size
        let (mean, sd) = backgroundStatistics(image, size: size, radius: backgroundRadius)
        for i in 0..<pixels.count { pixels[i] = Float((Double(image[i]) - mean) / sd) }
        pixels.withUnsafeBufferPointer { input in
            spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
        }
        whitening.apply(to: &spectrum, particle: particle)
        spectrum.values.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) }
        }
        let (whiteMean, whiteSD) = backgroundStatistics(pixels, size: size, radius: backgroundRadius)
        for i in 0..<pixels.count { pixels[i] = Float((Double(pixels[i]) - whiteMean) / whiteSD) }
        pixels.withUnsafeBufferPointer { input in
            spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
        }
    }

    /// Prepares particles `range` into `prepared` starting at slot `first`.
    static func prepare(_ range: Range<Int>, images: any ParticleImageSource, shifts: [SIMD2<Double>],
                        ctfs: [CTFParameters], into prepared: PreparedParticles, at first: Int, backgroundRadius: Double,
                        whitening: GroupWhitening, threads: Int) throws {
        let pixelSize = images.pixelSize
        try forEachWhitened(range, images: images, ctfs: ctfs, whitening: whitening, backgroundRadius: backgroundRadius,
                            threads: threads) { offset, particle, spectrum, ctf in
            spectrum.applyPhaseShift(x: -shifts[particle].x / pixelSize, y: -shifts[particle].y / pixelSize)
            prepared.store(first + offset, spectrum: spectrum, ctf: ctf)
        }
    }

    /// Reads particles `range` of `images` and calls `body` (threads over particles) with each one's
    /// offset in `range`, local index, whitened spectrum (`whiten`) and CTF times its group's weight
    /// (`GroupWhitening.weight`) on the N half plane.
    static func forEachWhitened(_ range: Range<Int>, images: any ParticleImageSource, ctfs: [CTFParameters],
                                whitening: GroupWhitening, backgroundRadius: Double, threads: Int,
                                _ body: (Int, Int, inout HalfComplexImage, [Float]) -> Void) throws {
        let size = images.boxSize, pixelSize = images.pixelSize
        let raw = try images.images(range)
        ParallelChunks.run(count: raw.count, threads: threads,
                           makeState: { FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: size)) }) { workspace, local in
            var spectrum = HalfComplexImage(size: size)
            var pixels = [Float](repeating: 0, count: size * size)
            for offset in local {
                let particle = range.lowerBound + offset
                whiten(raw[offset], particle: particle, whitening: whitening, backgroundRadius: backgroundRadius,
                       workspace: workspace, pixels: &pixels, spectrum: &spectrum)
                var ctf = ctfs[particle].halfPlaneGrid(size: size, pixelSize: pixelSize)
                whitening.weight(ctf: &ctf, particle: particle)
                body(offset, particle, &spectrum, ctf)
            }
        }
    }
}
