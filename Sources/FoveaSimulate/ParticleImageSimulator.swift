import FoveaCore
import Numerics

/// Makes one synthetic particle image from a map, the noise model of the humanoid datasets
/// (Lyumkis et al. 2013; preprint Methods): projection → shift → structural noise → CTF with
/// envelope → shot noise.
///
/// Frames and units: `rotation` is the particle's M (a map point r projects to (Mᵀ·r)_xy, as
/// `FourierProjector`); `shiftX`, `shiftY` in Å are where the particle centre lies relative to the
/// box centre (cisTEM/Frealign sign, RELION's rlnOriginXAngst = −shiftX); the CTF's `bFactor`
/// (Å²) is the envelope exp(−B|k|²/4). Images are N×N pixels at the projector's pixel size.
///
/// Noise: the structural noise is white Gaussian noise added to the projection *before* the CTF
/// (so its variance after the CTF is σ_s²·⟨CTF²⟩ over the half-plane grid, by Parseval); the shot
/// noise is white Gaussian noise added last. SNR, as Fovea states it everywhere, is
///     SNR = var(noise-free CTF-modulated projection, over the whole box) / var(total noise),
/// where the total noise is the CTF-filtered structural noise plus the shot noise.
///
/// Thread-safe: every `image` call uses its own FFT buffers.
public struct ParticleImageSimulator: Sendable {
    public let projector: FourierProjector

    public init(projector: FourierProjector) {
        self.projector = projector
    }

    /// The noise-free CTF-modulated spectrum (centred, ÷N² normalised) at this view and shift.
    public func signalSpectrum(rotation: RotationMatrix, shiftX: Double, shiftY: Double,
                               ctf: CTFParameters) -> HalfComplexImage {
        let n = projector.size, p = projector.pixelSize
        var spectrum = projector.projection(rotation)
        spectrum.applyPhaseShift(x: shiftX / p, y: shiftY / p)
        spectrum.multiply(by: ctf.halfPlaneGrid(size: n, pixelSize: p))
        return spectrum
    }

    /// Variance over the whole box of an image from its centred, ÷N²-normalised spectrum
    /// (Parseval on the half plane: columns 1 … N/2 − 1 count twice).
    public static func variance(of spectrum: HalfComplexImage) -> Double {
        let n = spectrum.size, w = spectrum.width
        var sum = 0.0
        for j in 0..<n {
            for i in 0..<w where !(i == 0 && j == 0) {
                let v = spectrum.values[i + w * j]
                let power = Double(v.real * v.real + v.imaginary * v.imaginary)
                sum += (i == 0 || i == n / 2) ? power : 2 * power
            }
        }
        return sum
    }

    /// ⟨CTF²⟩ over the full N×N Fourier grid: the factor by which the CTF scales white noise's
    /// variance.
    public static func meanCTFSquared(_ ctf: CTFParameters, size n: Int, pixelSize p: Double) -> Double {
        let grid = ctf.halfPlaneGrid(size: n, pixelSize: p), w = n / 2 + 1
        var sum = 0.0
        for j in 0..<n {
            for i in 0..<w {
                let c2 = Double(grid[i + w * j] * grid[i + w * j])
                sum += (i == 0 || i == n / 2) ? c2 : 2 * c2
            }
        }
        return sum / Double(n * n)
    }

    /// One noisy image. `structuralNoise` is σ_s of the pre-CTF white noise, `shotNoise` σ_n of
    /// the final white noise, both in the projection's units (map density × Å along the ray ÷ N).
    public func image(rotation: RotationMatrix, shiftX: Double, shiftY: Double, ctf: CTFParameters,
                      structuralNoise: Double, shotNoise: Double, random: inout SeededRandom) -> Image2D {
        let n = projector.size, p = projector.pixelSize
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        var spectrum = projector.projection(rotation)
        spectrum.applyPhaseShift(x: shiftX / p, y: shiftY / p)
        var pixels = [Float](repeating: 0, count: n * n)
        if structuralNoise > 0 {
            for i in pixels.indices { pixels[i] = Float(random.gaussian(mean: 0, standardDeviation: structuralNoise)) }
            var noise = HalfComplexImage(size: n)
            pixels.withUnsafeBufferPointer { input in
                noise.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
            }
            for i in spectrum.values.indices { spectrum.values[i] = spectrum.values[i] + noise.values[i] }
        }
        spectrum.multiply(by: ctf.halfPlaneGrid(size: n, pixelSize: p))
        spectrum.values.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) }
        }
        if shotNoise > 0 {
            for i in pixels.indices { pixels[i] += Float(random.gaussian(mean: 0, standardDeviation: shotNoise)) }
        }
        return Image2D(size: n, pixelSize: p, pixels: pixels)
    }

    /// One noisy image with the imperfections of `SimulationImperfections`: the signal multiplied
    /// by `signalScale` (0: noise only), and the shot noise filtered by `shotNoiseFilter` (an
    /// amplitude on the half-plane grid, see `SimulationImperfections.colourFilter`) when given.
    /// With scale 1 and no filter it is `image(…)` exactly.
    public func image(rotation: RotationMatrix, shiftX: Double, shiftY: Double, ctf: CTFParameters,
                      structuralNoise: Double, shotNoise: Double, signalScale: Double, shotNoiseFilter: [Float]?,
                      random: inout SeededRandom) -> Image2D {
        if signalScale == 1 && shotNoiseFilter == nil {
            return image(rotation: rotation, shiftX: shiftX, shiftY: shiftY, ctf: ctf, structuralNoise: structuralNoise,
                         shotNoise: shotNoise, random: &random)
        }
        let n = projector.size, p = projector.pixelSize
        let workspace = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: n))
        var spectrum = projector.projection(rotation)
        spectrum.applyPhaseShift(x: shiftX / p, y: shiftY / p)
        let scale = Float(signalScale)
        for i in spectrum.values.indices { spectrum.values[i] = spectrum.values[i].multiplied(by: scale) }
        var pixels = [Float](repeating: 0, count: n * n)
        var noise = HalfComplexImage(size: n)
        if structuralNoise > 0 {
            for i in pixels.indices { pixels[i] = Float(random.gaussian(mean: 0, standardDeviation: structuralNoise)) }
            pixels.withUnsafeBufferPointer { input in
                noise.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
            }
            for i in spectrum.values.indices { spectrum.values[i] = spectrum.values[i] + noise.values[i] }
        }
        spectrum.multiply(by: ctf.halfPlaneGrid(size: n, pixelSize: p))
        if let filter = shotNoiseFilter, shotNoise > 0 {
            for i in pixels.indices { pixels[i] = Float(random.gaussian(mean: 0, standardDeviation: shotNoise)) }
            pixels.withUnsafeBufferPointer { input in
                noise.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
            }
            noise.multiply(by: filter)
            for i in spectrum.values.indices { spectrum.values[i] = spectrum.values[i] + noise.values[i] }
        }
        spectrum.values.withUnsafeBufferPointer { input in
            pixels.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) }
        }
        if shotNoiseFilter == nil && shotNoise > 0 {
            for i in pixels.indices { pixels[i] += Float(random.gaussian(mean: 0, standardDeviation: shotNoise)) }
        }
        return Image2D(size: n, pixelSize: p, pixels: pixels)
    }

    /// The (σ_s, σ_n) that give `snr` for a signal of variance `signalVariance`, with a fraction
    /// `structuralFraction` of the total noise variance coming from the CTF-filtered structural
    /// noise (⟨CTF²⟩ = `meanCTFSquared`).
    public static func noiseLevels(snr: Double, signalVariance: Double, structuralFraction: Double,
                                   meanCTFSquared: Double) -> (structural: Double, shot: Double) {
        precondition(snr > 0 && (0...1).contains(structuralFraction), "SNR must be > 0, the fraction in [0, 1]")
        let total = signalVariance / snr
        let structural = meanCTFSquared > 0 ? (structuralFraction * total / meanCTFSquared).squareRoot() : 0
        return (structural, ((1 - structuralFraction) * total).squareRoot())
    }
}
