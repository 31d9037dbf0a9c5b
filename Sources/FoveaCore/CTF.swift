import RealModule

/// Contrast transfer function parameters of one particle image, in the units of RELION and cisTEM
/// STAR files (docs/algorithm.md §1.4). Underfocus is positive.
///
/// The CTF is CTF(k) = −sin χ(k) · exp(−B·|k|²/4) with
///
///     χ(k) = π·λ·|k|²·(Δf(α) − ½·λ²·|k|²·Cs) + φ_shift + asin(A)
///     Δf(α) = ½·[ΔfU + ΔfV + cos(2(α − α_ast))·(ΔfU − ΔfV)],   α = atan2(ky, kx)
///
/// k in 1/Å, λ in Å, Cs in Å; asin(A) = atan(A/√(1 − A²)) is cisTEM's amplitude-contrast phase
/// (π/2 at A = 1). This is cisTEM's sign: CTF < 0 at low frequency, so protein (positive density)
/// is dark, as in raw micrographs. RELION's CTF is the negative of this one: `relion_project --ctf`
/// multiplies the projection by +sin χ (checked in the tests). The B-factor envelope is optional
/// (0 = none, as in cisTEM's refine3d); RELION's rlnCtfBfactor has the same meaning.
public struct CTFParameters: Sendable, Equatable, Codable {
    /// Defocus along the major axis (RELION rlnDefocusU, cisTEM defocus_1), Å, underfocus > 0.
    public var defocusU: Double
    /// Defocus along the minor axis (rlnDefocusV, defocus_2), Å.
    public var defocusV: Double
    /// Angle of the U axis from the image x axis (rlnDefocusAngle, defocus_angle), degrees.
    public var astigmatismAngle: Double
    /// Acceleration voltage, kV.
    public var voltage: Double
    /// Spherical aberration Cs, mm.
    public var sphericalAberration: Double
    /// Amplitude contrast fraction A in [0, 1].
    public var amplitudeContrast: Double
    /// Additional phase shift (phase plate), degrees (RELION rlnPhaseShift; cisTEM files store radians).
    public var phaseShift: Double
    /// B-factor of the envelope exp(−B·|k|²/4), Å²; 0 = no envelope.
    public var bFactor: Double
    /// Electron wavelength λ, Å (by default from `voltage` with cisTEM's formula).
    public var wavelength: Double

    /// - Parameter wavelength: λ in Å; nil = `CTFParameters.electronWavelength(kilovolts: voltage)`
    ///   (cisTEM). Pass `relionElectronWavelength(kilovolts:)` to reproduce RELION exactly.
    public init(defocusU: Double, defocusV: Double, astigmatismAngle: Double, voltage: Double,
                sphericalAberration: Double, amplitudeContrast: Double, phaseShift: Double = 0,
                bFactor: Double = 0, wavelength: Double? = nil) {
        self.defocusU = defocusU
        self.defocusV = defocusV
        self.astigmatismAngle = astigmatismAngle
        self.voltage = voltage
        self.sphericalAberration = sphericalAberration
        self.amplitudeContrast = amplitudeContrast
        self.phaseShift = phaseShift
        self.bFactor = bFactor
        self.wavelength = wavelength ?? CTFParameters.electronWavelength(kilovolts: voltage)
    }

    /// Relativistic electron wavelength in Å as cisTEM computes it:
    /// λ = 12.2639 / √(V + 0.97845·10⁻⁶·V²), V in volts (≈ 0.019687 Å at 300 kV).
    public static func electronWavelength(kilovolts: Double) -> Double {
        let volts = kilovolts * 1000
        return 12.2639 / (volts + 0.97845e-6 * volts * volts).squareRoot()
    }

    /// RELION's wavelength, λ = 12.2643247 / √(V·(1 + 0.978466·10⁻⁶·V)); it differs from cisTEM's
    /// by 3.5·10⁻⁵ relative, which moves the CTF by up to ~10⁻³ near Nyquist at high defocus.
    public static func relionElectronWavelength(kilovolts: Double) -> Double {
        let volts = kilovolts * 1000
        return 12.2643247 / (volts * (1 + 0.978466e-6 * volts)).squareRoot()
    }

    /// The constant part of χ: φ_shift + asin(A), radians.
    var constantPhase: Double {
        phaseShift * Double.pi / 180 + Double.asin(min(max(amplitudeContrast, 0), 1))
    }

    /// χ at spatial frequency (kx, ky) in 1/Å, radians.
    public func phase(kx: Double, ky: Double) -> Double {
        let f2 = kx * kx + ky * ky
        let defocus = defocus(kx: kx, ky: ky, frequencySquared: f2)
        let csAngstrom = sphericalAberration * 1e7
        return Double.pi * wavelength * f2 * (defocus - 0.5 * wavelength * wavelength * f2 * csAngstrom) + constantPhase
    }

    /// CTF(kx, ky) = −sin χ · exp(−B·|k|²/4), (kx, ky) in 1/Å.
    public func value(kx: Double, ky: Double) -> Double {
        let f2 = kx * kx + ky * ky
        let envelope = bFactor == 0 ? 1 : Double.exp(-bFactor * f2 / 4)
        return -Double.sin(phase(kx: kx, ky: ky)) * envelope
    }

    /// Δf(α) in Å, with cos(2(α − α_ast)) expanded so that no atan2 is needed
    /// (cos 2α = (kx² − ky²)/|k|², sin 2α = 2·kx·ky/|k|²; the mean defocus at k = 0).
    @inline(__always)
    func defocus(kx: Double, ky: Double, frequencySquared f2: Double) -> Double {
        let mean = 0.5 * (defocusU + defocusV)
        guard f2 > 0 else { return mean }
        let angle = 2 * astigmatismAngle * Double.pi / 180
        let cos2Alpha = (kx * kx - ky * ky) / f2
        let sin2Alpha = 2 * kx * ky / f2
        let cosine = cos2Alpha * Double.cos(angle) + sin2Alpha * Double.sin(angle)
        return mean + 0.5 * cosine * (defocusU - defocusV)
    }

    /// The CTF on the half-plane Fourier grid of an N×N image with pixel size `pixelSize` Å, in the
    /// layout of FFTW's r2c output: (N/2 + 1) columns (fastest) × N rows, index = i + (N/2 + 1)·j.
    /// Column i ↔ kx = i; row j ↔ ky = j for j < (N + 1)/2, else j − N (so for even N row N/2 is
    /// −N/2); the frequency is (kx, ky)/(N·pixelSize) in 1/Å.
    public func halfPlaneGrid(size: Int, pixelSize: Double) -> [Float] {
        [Float](unsafeUninitializedCapacity: (size / 2 + 1) * size) { buffer, count in
            evaluateHalfPlane(into: buffer, size: size, pixelSize: pixelSize)
            count = (size / 2 + 1) * size
        }
    }

    /// Writes `halfPlaneGrid(size:pixelSize:)` into `output` (at least (N/2 + 1)·N values).
    public func evaluateHalfPlane(into output: UnsafeMutableBufferPointer<Float>, size: Int, pixelSize: Double) {
        let columns = size / 2 + 1
        precondition(output.count >= columns * size, "CTF grid needs (N/2 + 1)·N values")
        guard let base = output.baseAddress else { return }
        let step = 1 / (Double(size) * pixelSize)
        let piLambda = Double.pi * wavelength
        let halfLambdaSquaredCs = 0.5 * wavelength * wavelength * sphericalAberration * 1e7
        let phase0 = constantPhase
        let mean = 0.5 * (defocusU + defocusV)
        let halfDifference = 0.5 * (defocusU - defocusV)
        let angle = 2 * astigmatismAngle * Double.pi / 180
        let (cosAngle, sinAngle) = (Double.cos(angle), Double.sin(angle))
        let quarterB = bFactor / 4
        for j in 0..<size {
            let ky = Double(j < (size + 1) / 2 ? j : j - size) * step
            let row = base + columns * j
            for i in 0..<columns {
                let kx = Double(i) * step
                let f2 = kx * kx + ky * ky
                var defocus = mean
                if f2 > 0 {
                    defocus = mean + halfDifference * ((kx * kx - ky * ky) * cosAngle + 2 * kx * ky * sinAngle) / f2
                }
                let chi = piLambda * f2 * (defocus - halfLambdaSquaredCs * f2) + phase0
                var value = -Double.sin(chi)
                if quarterB != 0 { value *= Double.exp(-quarterB * f2) }
                row[i] = Float(value)
            }
        }
    }
}
