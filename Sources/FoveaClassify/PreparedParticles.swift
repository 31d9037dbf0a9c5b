import FoveaCore
import Numerics

/// Particles after the once-per-run preprocessing (docs/algorithm.md §3), for the likelihood and
/// the reconstruction: per particle the centred spectrum of the whitened, normalised image (shifted
/// so the particle centre is at the box centre) and its CTF, both in `layout` — the full half plane
/// of box N (the run's last, full-resolution reconstruction) or only the disc the cycles read
/// (everything the likelihood's low-pass and the band-limited insertion touch), which at a
/// classification resolution well below Nyquist is a fraction of the image.
///
/// Storage: two allocations of `count × stride` values; particle i's values start at i·stride.
/// The last value of each particle (index `layout.count`) is a zero that stands for every
/// frequency the layout does not hold. The CTF (|CTF| ≤ `ctfRange`: 1, or the largest weight of
/// the noise groups, `GroupWhitening.ctfRange`) is kept as Int16 fixed point,
/// CTF ≈ q · ctfRange / 32767 (absolute error ≤ 1.6·10⁻⁵·ctfRange, far below the noise of any
/// particle), which makes a prepared particle 10 bytes per coefficient instead of 12. Threads may `store` different
/// particles concurrently.
final class PreparedParticles: @unchecked Sendable {
    let layout: HalfPlaneLayout
    let count: Int
    /// Values per particle: `layout.count` + 1.
    let stride: Int
    private let spectra: UnsafeMutableBufferPointer<Complex<Float>>
    private let ctfs: UnsafeMutableBufferPointer<Int16>

    /// CTF = stored value × `ctfStep` = stored value × `ctfRange` / 32767.
    let ctfStep: Float
    /// The largest |CTF| stored (≥ 1).
    let ctfRange: Float

    init(count: Int, layout: HalfPlaneLayout, ctfRange: Float = 1) {
        self.ctfRange = max(1, ctfRange)
        ctfStep = self.ctfRange / 32767
        self.count = count
        self.layout = layout
        stride = layout.count + 1
        spectra = .allocate(capacity: count * stride)
        spectra.initialize(repeating: .zero)
        ctfs = .allocate(capacity: count * stride)
        ctfs.initialize(repeating: 0)
    }

    deinit {
        spectra.deallocate()
        ctfs.deallocate()
    }

    /// Bytes per particle for a layout.
    static func bytesPerParticle(_ layout: HalfPlaneLayout) -> Int {
        (layout.count + 1) * (MemoryLayout<Complex<Float>>.stride + MemoryLayout<Int16>.stride)
    }

    /// Particle i's spectrum (`stride` values in `layout`, then the zero).
    func spectrum(_ i: Int) -> UnsafeBufferPointer<Complex<Float>> {
        UnsafeBufferPointer(rebasing: spectra[(i * stride) ..< ((i + 1) * stride)])
    }

    /// Particle i's CTF in fixed point (× `ctfStep`), in the layout of its spectrum.
    func ctf(_ i: Int) -> UnsafeBufferPointer<Int16> {
        UnsafeBufferPointer(rebasing: ctfs[(i * stride) ..< ((i + 1) * stride)])
    }

    /// Particle i's CTF as Float into `output` (at least `stride` values).
    func decodeCTF(_ i: Int, into output: UnsafeMutableBufferPointer<Float>) {
        let step = ctfStep, base = i * stride
        for j in 0..<stride { output[j] = Float(ctfs[base + j]) * step }
    }

    /// The fixed-point value of a CTF value in [−`ctfRange`, `ctfRange`].
    func quantised(_ value: Float) -> Int16 {
        Int16(max(-32767, min(32767, (value * (32767 / ctfRange)).rounded())))
    }

    /// Stores particle i from its full box-N spectrum and CTF grid (the part `layout` holds).
    func store(_ i: Int, spectrum: HalfComplexImage, ctf: [Float]) {
        precondition(spectrum.size == layout.size && ctf.count == spectrum.values.count, "Particle box differs from the layout")
        let base = i * stride
        spectrum.values.withUnsafeBufferPointer {
            layout.gather(fromFull: $0, into: UnsafeMutableBufferPointer(rebasing: spectra[base ..< (base + layout.count)]))
        }
        var held = [Float](repeating: 0, count: layout.count)
        ctf.withUnsafeBufferPointer { full in held.withUnsafeMutableBufferPointer { layout.gather(fromFull: full, into: $0) } }
        for j in held.indices { ctfs[base + j] = quantised(held[j]) }
    }
}
