/// The conversion between the engine's map units and the density units of the particle images on
/// RELION's scale (docs/conventions.md "Map scale").
///
/// The engine reconstructs from whitened images: each image's background is normalised to zero
/// mean and unit SD, its spectrum multiplied by the global whitening filter W(s) and its background
/// normalised again, so its noise is white with unit variance per pixel. Its maps are therefore
/// in "whitened" units, and Fovea's projector takes the mean along a ray ((1/N)·Σ_z V).
/// RELION's reconstruction is in the units of the images as they are, and its projection of a
/// map is the sum along a ray (Σ_z V): an image is the CTF-modulated projection of the map.
///
/// Undoing the whitening multiplies the map's spectrum at |k| by a(|k|), the ratio of the images
/// as read to the engine's images at that frequency (`estimate`); the ray convention divides by N. A map M in the engine's units is
/// written as 𝓕⁻¹[a(|k|)/N · 𝓕M]; a map on RELION's scale (a `--reference`) is brought into the
/// engine's units by the inverse, N/a(|k|) (0 where a = 0).
public struct MapDensityScale: Sendable, Equatable, Codable {
    /// a(s) at |k| = s Fourier pixels of the N box, s = 0 … N/2 (linear in between; the last
    /// value beyond N/2), in the images' units. a(0) is a(1): the engine's images have no mean.
    public let noiseAmplitude: [Double]
    /// Box N of the maps, pixels.
    public let boxSize: Int

    public init(noiseAmplitude: [Double], boxSize: Int) {
        self.noiseAmplitude = noiseAmplitude
        self.boxSize = boxSize
    }

    /// The scale from the background power of the images as read.
    ///
    /// The engine's image of particle p is y = 𝓕⁻¹[W(s)·X̂_p]/(SD_p·σ_w): X̂_p its spectrum, SD_p
    /// its background SD, W(s) = 1/√Pn(s) the whitening filter from the normalised background
    /// power per shell Pn(s) (a sum over the shell's Fourier pixels and all particles), σ_w the
    /// background SD after the filter. For noise with power spectrum Pn(s)/(count·n_s·f) per
    /// Fourier pixel (n_s half-plane pixels in the shell, f the background's share of the image),
    /// σ_w² = Σ_{s=1…N/2} m_s·W(s)²·Pn(s)/(count·n_s·f) = Σ_s m_s/(count·n_s·f) (m_s the shell's
    /// pixels in the full plane). A map in the engine's units is therefore the images' map times
    /// W(s)/(SD·σ_w), and SD²·Pn(s) is the raw power Praw(s): a(s) = σ_w·√Praw(s).
    /// - Parameters:
    ///   - backgroundPower: Praw(s), Σ over all particles of Σ|X̂(k)|² per shell (shells 0 … N/2,
    ///     the half plane with the x = 0 column once) of each image's background (the particle
    ///     disc set to 0, mean removed), the spectrum normalised ÷N² (`FFTWorkspace.forward`).
    ///   - particleCount: the particles summed.
    ///   - size: box N, pixels.
    ///   - backgroundRadius: pixels farther than this from the centre are background.
    ///   - perPixel: the filter was W = 1/√(Pn(s)/n_s) (white noise per pixel) instead of 1/√Pn(s):
    ///     then σ_w² = Σ_s m_s/(count·f) and a(s) = σ_w·√(Praw(s)/n_s).
    public static func estimate(backgroundPower: [Double], particleCount: Int, size: Int,
                                backgroundRadius: Double, perPixel: Bool = false) -> MapDensityScale {
        let shells = size / 2 + 1
        let (halfPlane, fullPlane) = FourierGrid.shellPixelCounts(size: size)
        let c = Double(size / 2), r2 = backgroundRadius * backgroundRadius
        var background = 0.0
        for y in 0..<size {
            for x in 0..<size where (Double(x) - c) * (Double(x) - c) + (Double(y) - c) * (Double(y) - c) > r2 { background += 1 }
        }
        let fraction = background / Double(size * size)
        let count = Double(max(particleCount, 1))
        var whitenedVariance = 0.0
        for s in 1..<shells where s < backgroundPower.count && backgroundPower[s] > 0 && halfPlane[s] > 0 {
            whitenedVariance += fullPlane[s] / (count * (perPixel ? 1 : halfPlane[s]) * fraction)
        }
        var amplitude = (0..<shells).map { s -> Double in
            guard s < backgroundPower.count, backgroundPower[s] > 0, fraction > 0 else { return 0 }
            return (whitenedVariance * backgroundPower[s] / (perPixel ? halfPlane[s] : 1)).squareRoot()
        }
        if amplitude.count > 1 { amplitude[0] = amplitude[1] }
        return MapDensityScale(noiseAmplitude: amplitude, boxSize: size)
    }

    /// a at |k| = `shell` Fourier pixels (linear between shells; the last value beyond N/2).
    public func amplitude(atShell shell: Double) -> Double {
        guard let last = noiseAmplitude.last else { return 0 }
        let s0 = Int(shell)
        guard s0 + 1 < noiseAmplitude.count else { return last }
        let f = shell - Double(s0)
        return noiseAmplitude[s0] * (1 - f) + noiseAmplitude[s0 + 1] * f
    }

    /// `map` (engine units) on the images' density scale as RELION reconstructs it.
    public func densityMap(_ map: Volume, planner: FFTPlanner = .shared) -> Volume {
        let n = Double(map.size)
        return Self.filtered(map, planner: planner) { amplitude(atShell: $0) / n }
    }

    /// `map` (density units on RELION's scale) in the engine's units: the inverse of `densityMap`.
    public func engineMap(_ map: Volume, planner: FFTPlanner = .shared) -> Volume {
        let n = Double(map.size)
        return Self.filtered(map, planner: planner) { shell in
            let a = amplitude(atShell: shell)
            return a > 0 ? n / a : 0
        }
    }

    /// `map` with its spectrum at |k| (Fourier pixels) multiplied by `factor(|k|)`, evaluated once
    /// per integer |k|² (a table, so a box-160 map costs two FFTs and one pass).
    static func filtered(_ map: Volume, planner: FFTPlanner, _ factor: (Double) -> Double) -> Volume {
        let n = map.size, w = n / 2 + 1, half = n / 2
        let table = (0...(3 * half * half)).map { Float(factor(Double($0).squareRoot())) }
        var spectrum = map.fourierTransform(planner: planner)
        spectrum.values.withUnsafeMutableBufferPointer { v in
            for l in 0..<n {
                let kz = FourierGrid.frequency(index: l, size: n)
                for j in 0..<n {
                    let ky = FourierGrid.frequency(index: j, size: n)
                    let base = ky * ky + kz * kz, row = w * (j + n * l)
                    for i in 0..<w { v[row + i] = v[row + i].scaled(by: table[base + i * i]) }
                }
            }
        }
        return spectrum.realSpace(pixelSize: map.pixelSize, planner: planner)
    }
}

extension FourierGrid {
    /// Pixels per shell round(|k|) = 0 … N/2 of the N half plane (kx ≥ 0, the x = 0 and N/2
    /// columns once) and of the full N × N plane.
    public static func shellPixelCounts(size: Int) -> (halfPlane: [Double], fullPlane: [Double]) {
        let shells = size / 2 + 1
        var halfPlane = [Double](repeating: 0, count: shells), fullPlane = halfPlane
        for j in 0..<size {
            let ky = frequency(index: j, size: size)
            for i in 0..<size {
                let kx = frequency(index: i, size: size)
                let shell = Int((Double(kx * kx + ky * ky)).squareRoot().rounded())
                guard shell < shells else { continue }
                fullPlane[shell] += 1
                if i < shells { halfPlane[shell] += 1 }
            }
        }
        return (halfPlane, fullPlane)
    }
}
