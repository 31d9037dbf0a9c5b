import FoveaCore

/// Fovea's one internal particle table, which every parameter-file format converts to and from
/// (RELION 3.0 / 3.1+ STAR, cisTEM STAR, Frealign `.par`; conversions in
/// `ParticleTableConventions.swift`, the only place with sign and unit changes).
///
/// Units and conventions (see docs/formats.md):
/// - angles: `EulerAngles` in degrees, ZYZ; RELION (rot, tilt, psi) = cisTEM/Frealign (φ, θ, ψ).
/// - shifts: `shiftX`, `shiftY` in Å = position of the particle centre relative to the box centre
///   (cisTEM/Frealign sign). RELION's rlnOriginXAngst = −shiftX (rlnOriginX = −shiftX/pixel size).
/// - defocus U/V in Å (underfocus positive), astigmatism angle and phase shift in degrees,
///   voltage in kV, Cs in mm, amplitude contrast as a fraction, pixel size in Å.
public struct ParticleTable: Sendable, Equatable {
    public var particles: [ParticleRecord]
    /// Names of format-specific columns Fovea does not interpret, kept for round trips
    /// (RELION names without `_`, e.g. "rlnCoordinateX"); each particle's `extraValues` aligns with it.
    public var extraColumns: [String]
    /// Uninterpreted optics-table columns of RELION 3.1+ files, per optics group number, in order.
    public var opticsExtras: [Int: [StarPair]]
    /// Fields of a non-STAR source (a cryoSPARC `.cs` file) that carry optics Fovea does not model,
    /// e.g. "ctf/tilt_A"; see `unmodelledOpticsColumns`.
    public var unmodelledSourceFields: [String]

    public init(particles: [ParticleRecord] = [], extraColumns: [String] = [], opticsExtras: [Int: [StarPair]] = [:],
                unmodelledSourceFields: [String] = []) {
        self.particles = particles
        self.extraColumns = extraColumns
        self.opticsExtras = opticsExtras
        self.unmodelledSourceFields = unmodelledSourceFields
    }

    public var count: Int { particles.count }

    /// The value of extra column `name` for particle `index`, if that column exists.
    public func extraValue(_ name: String, particle index: Int) -> String? {
        guard let k = extraColumns.firstIndex(of: name) else { return nil }
        return particles[index].extraValues[k]
    }
}

/// One particle: image location, orientation, shift, CTF and optics, bookkeeping, and optional
/// per-class values. All per-particle fields are shared by all classes.
public struct ParticleRecord: Sendable, Equatable {
    /// Stack file and 0-based index.
    public var image: ImageLocation
    /// Orientation, degrees.
    public var angles: EulerAngles
    /// Particle centre relative to the box centre, Å (cisTEM/Frealign sign).
    public var shiftX: Double
    public var shiftY: Double
    /// Defocus along the two principal directions, Å, underfocus positive (RELION DefocusU/V,
    /// cisTEM Defocus1/2).
    public var defocusU: Double
    public var defocusV: Double
    /// Astigmatism angle, degrees.
    public var astigmatismAngle: Double
    /// Additional phase shift (phase plate), degrees.
    public var phaseShift: Double
    /// Accelerating voltage, kV.
    public var voltage: Double
    /// Spherical aberration, mm.
    public var sphericalAberration: Double
    /// Amplitude contrast fraction (e.g. 0.07).
    public var amplitudeContrast: Double
    /// Image pixel size, Å (0 if the file did not say).
    public var pixelSize: Double
    /// Image edge length in pixels (0 if the file did not say).
    public var imageSize: Int
    /// RELION optics group number (1-based; 1 for formats without optics groups).
    public var opticsGroup: Int
    /// Half set: 1 or 2, 0 when unknown (RELION rlnRandomSubset, cisTEM AssignedSubset).
    public var halfSet: Int
    /// Whether the particle takes part (cisTEM image activity ≥ 0, Frealign INCLUDE ≥ 0).
    public var isActive: Bool
    /// Per-class values, indexed by class (0-based); empty when the file holds none.
    public var classValues: [ClassValues]
    /// Values of `ParticleTable.extraColumns`, as text.
    public var extraValues: [String]

    public init(image: ImageLocation, angles: EulerAngles, shiftX: Double = 0, shiftY: Double = 0,
                defocusU: Double, defocusV: Double, astigmatismAngle: Double = 0, phaseShift: Double = 0,
                voltage: Double, sphericalAberration: Double, amplitudeContrast: Double,
                pixelSize: Double, imageSize: Int = 0, opticsGroup: Int = 1, halfSet: Int = 0,
                isActive: Bool = true, classValues: [ClassValues] = [], extraValues: [String] = []) {
        self.image = image; self.angles = angles; self.shiftX = shiftX; self.shiftY = shiftY
        self.defocusU = defocusU; self.defocusV = defocusV; self.astigmatismAngle = astigmatismAngle
        self.phaseShift = phaseShift; self.voltage = voltage; self.sphericalAberration = sphericalAberration
        self.amplitudeContrast = amplitudeContrast; self.pixelSize = pixelSize; self.imageSize = imageSize
        self.opticsGroup = opticsGroup; self.halfSet = halfSet; self.isActive = isActive
        self.classValues = classValues; self.extraValues = extraValues
    }
}

/// What one class says about one particle (cisTEM/Frealign per-class columns).
public struct ClassValues: Sendable, Equatable {
    /// Occupancy, % (0–100).
    public var occupancy: Double
    /// Log-likelihood (Frealign writes it rounded to an integer).
    public var logP: Double
    /// Noise σ (cisTEM: noise/signal ratio).
    public var sigma: Double
    /// Weighted correlation × 100.
    public var score: Double
    /// Score change from the previous cycle.
    public var scoreChange: Double

    public init(occupancy: Double = 100, logP: Double = 0, sigma: Double = 10, score: Double = 0, scoreChange: Double = 0) {
        self.occupancy = occupancy; self.logP = logP; self.sigma = sigma; self.score = score
        self.scoreChange = scoreChange
    }
}
