import FoveaCore
import FoveaDistributed
import Numerics

/// A particle after the once-per-run preprocessing (algorithm reference §3): what the likelihood
/// and the reconstruction use every cycle. Fixed alignments make all of it constant.
struct PreparedParticle: Sendable {
    /// Centred spectrum of the whitened, normalised image, shifted so the particle centre is at
    /// the box centre; box N, for insertion. The likelihood reads its N_c crop in place
    /// (`LikelihoodEvaluation.fullIndex`): Fourier cropping keeps the frequency spacing 1/(N·p).
    let spectrum: HalfComplexImage
    /// CTF on the N half-plane grid (pixel size p); its N_c crop is the CTF of the cropped box.
    let ctf: [Float]
}

/// The once-per-run preprocessing of §3, with the noise spectrum estimated globally (over all
/// ranks, exact sums) instead of per job as cisTEM does:
/// 1. per image, mean and SD of the pixels outside the outer radius; normalise to zero mean and
///    unit SD there;
/// 2. the background-only power spectrum (particle disc set to 0) in 1-pixel shells, averaged
///    over every particle of every rank → whitening filter W(s) = 1/√P(s);
/// 3. per image: multiply the spectrum by W, renormalise the background to zero mean and unit SD,
///    transform, shift by (−shx/p, −shy/p), and cache the CTF (the likelihood reads the N_c crop in place).
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

    /// Global background power per Fourier shell (shells 0 ..< N/2 + 1), identical on every rank.
    static func noisePower(_ particles: [ParticleInput], size: Int, backgroundRadius: Double, threads: Int,
                           communicator: any Communicator) throws -> [Double] {
        let shells = size / 2 + 1
        let perImage = SharedSlots<[Double]>(repeating: [], count: particles.count)
        ParallelChunks.run(count: particles.count, threads: threads,
                           makeState: { FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: size)) }) { workspace, range in
            var spectrum = HalfComplexImage(size: size)
            for index in range {
                var pixels = particles[index].image.pixels
                let (mean, sd) = backgroundStatistics(pixels, size: size, radius: backgroundRadius)
                let c = Double(size / 2), r2 = backgroundRadius * backgroundRadius
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
                perImage.set(index, shellPower(spectrum))
            }
        }
        let columns = (0..<shells).map { shell in perImage.values.map { $0[shell] } }
        let sums = try ExactSum.globalSums(columns, communicator: communicator)
        return sums
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

    /// Whitening weights on the N half-plane grid from the shell powers (1/√P, 0 where P = 0).
    /// The origin gets 0: the background was made zero-mean, so its shell-0 power is rounding
    /// noise, and 1/√P there would blow the image's mean up by many orders of magnitude.
    static func whiteningGrid(power: [Double], size: Int) -> [Float] {
        let n = size, w = n / 2 + 1
        var grid = [Float](repeating: 0, count: w * n)
        for j in 0..<n {
            let ky = FourierGrid.frequency(index: j, size: n)
            for i in 0..<w {
                let shell = Int((Double(i * i + ky * ky)).squareRoot().rounded())
                guard shell > 0, shell < power.count, power[shell] > 0 else { continue }
                grid[i + w * j] = Float(1 / power[shell].squareRoot())
            }
        }
        return grid
    }

    /// Prepares every particle of the shard (threads over particles; results per slot).
    ///
    /// The raw pixels come from `images` (slot i: particle i's N×N pixels; `particles` carry only the
    /// alignments and CTFs) and each slot is emptied once its particle is prepared, so a shard's raw
    /// images and its prepared spectra are not all held at once.
    static func prepare(_ particles: [ParticleInput], images: SharedSlots<[Float]>, size: Int, pixelSize: Double,
                        backgroundRadius: Double, whitening: [Float], threads: Int) -> [PreparedParticle] {
        let prepared = SharedSlots<PreparedParticle?>(repeating: nil, count: particles.count)
        ParallelChunks.run(count: particles.count, threads: threads,
                           makeState: { FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: size)) }) { workspace, range in
            var spectrum = HalfComplexImage(size: size)
            var pixels = [Float](repeating: 0, count: size * size)
            for index in range {
                let particle = particles[index]
                let raw = images[index]
                images.set(index, [])
                let (mean, sd) = backgroundStatistics(raw, size: size, radius: backgroundRadius)
                for i in 0..<pixels.count { pixels[i] = Float((Double(raw[i]) - mean) / sd) }
                pixels.withUnsafeBufferPointer { input in
                    spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
                }
                spectrum.multiply(by: whitening)
                spectrum.values.withUnsafeBufferPointer { input in
                    pixels.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) }
                }
                let (whiteMean, whiteSD) = backgroundStatistics(pixels, size: size, radius: backgroundRadius)
                for i in 0..<pixels.count { pixels[i] = Float((Double(pixels[i]) - whiteMean) / whiteSD) }
                pixels.withUnsafeBufferPointer { input in
                    spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
                }
                spectrum.applyPhaseShift(x: -particle.shiftX / pixelSize, y: -particle.shiftY / pixelSize)
                prepared.set(index, PreparedParticle(spectrum: spectrum,
                                                     ctf: particle.ctf.halfPlaneGrid(size: size, pixelSize: pixelSize)))
            }
        }
        return prepared.values.map { $0! }
    }
}
