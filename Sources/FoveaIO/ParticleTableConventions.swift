import FoveaCore

/// Every sign and unit conversion between `ParticleTable` and the file formats, in one place.
///
/// Internal: shifts in Å, particle centre relative to the box centre (cisTEM/Frealign sign);
/// angles φ θ ψ in degrees (RELION rot tilt psi); defocus in Å; astigmatism angle and phase shift
/// in degrees; voltage kV; Cs mm.
///
/// Checked against RELION itself: `relion_project --xoff 3` moves the projected density by −3
/// pixels, i.e. the particle centre sits at −rlnOrigin (docs/formats.md).
public enum ParticleTableConventions {
    // MARK: RELION

    /// rlnOriginXAngst / rlnOriginYAngst (RELION 3.1+, Å) → internal shift (Å).
    public static func shift(fromRelionOriginAngst origin: Double) -> Double { -origin }

    /// Internal shift (Å) → rlnOriginXAngst / rlnOriginYAngst (Å).
    public static func relionOriginAngst(fromShift shift: Double) -> Double { -shift }

    /// rlnOriginX / rlnOriginY (RELION ≤ 3.0, pixels) → internal shift (Å).
    public static func shift(fromRelionOriginPixels origin: Double, pixelSize: Double) -> Double { -origin * pixelSize }

    /// Internal shift (Å) → rlnOriginX / rlnOriginY (pixels).
    public static func relionOriginPixels(fromShift shift: Double, pixelSize: Double) -> Double { -shift / pixelSize }

    /// RELION ≤ 3.0 pixel size from rlnDetectorPixelSize (µm) and rlnMagnification: Å = µm·10⁴/mag.
    public static func pixelSize(detectorPixelSizeMicrons: Double, magnification: Double) -> Double {
        detectorPixelSizeMicrons * 10_000 / magnification
    }

    /// The (detector pixel µm, magnification) pair Fovea writes for RELION ≤ 3.0 so that
    /// `pixelSize(detectorPixelSizeMicrons:magnification:)` gives back `pixelSize` exactly.
    public static func relionDetectorAndMagnification(pixelSize: Double) -> (detectorMicrons: Double, magnification: Double) {
        (pixelSize, 10_000)
    }

    /// RELION angles (rot, tilt, psi) → internal (φ, θ, ψ): identical.
    public static func angles(relionRot rot: Double, tilt: Double, psi: Double) -> EulerAnglesTriple { (rot, tilt, psi) }

    // MARK: cisTEM STAR and Frealign .par

    /// cisTEM/Frealign shifts (Å) → internal: identical sign and unit.
    public static func shift(fromCisTEM value: Double) -> Double { value }
    public static func cisTEMShift(fromShift shift: Double) -> Double { shift }

    /// Phase shift: cisTEM STAR and FrealignX .par store degrees, as Fovea does (cisTEM converts
    /// to radians internally on reading; we do not).
    public static func phaseShift(fromCisTEMDegrees value: Double) -> Double { value }
    public static func cisTEMPhaseShiftDegrees(fromPhaseShift value: Double) -> Double { value }

    /// cisTEM image activity / Frealign INCLUDE column: ≥ 0 active, < 0 excluded.
    public static func isActive(cisTEMActivity value: Int) -> Bool { value >= 0 }
    public static func cisTEMActivity(isActive: Bool) -> Int { isActive ? 1 : -1 }

    /// cisTEM STAR and Frealign .par store the angles in the order ψ, θ, φ (.par columns 2–4);
    /// the values are the same as Fovea's (and RELION's psi, tilt, rot).
    public static func angles(psi: Double, theta: Double, phi: Double) -> EulerAnglesTriple { (phi, theta, psi) }
    public static func parAngles(phi: Double, theta: Double, psi: Double) -> (psi: Double, theta: Double, phi: Double) {
        (psi, theta, phi)
    }

    // MARK: Image contrast written into cisTEM STAR and .par files

    /// cisTEM STAR and Frealign `.par` have no field for the images' contrast (both programs
    /// expect dark protein). Fovea writes one comment line naming it, which cisTEM and Frealign
    /// skip and Fovea's readers honour: `# fovea_image_contrast: white` (STAR) or
    /// `C fovea_image_contrast: white` (.par).
    public static let imageContrastKey = "fovea_image_contrast:"

    /// The comment text (without `#` or `C`) for images with white (`true`) or dark protein.
    public static func imageContrastComment(whiteProtein: Bool) -> String {
        imageContrastKey + (whiteProtein
            ? " white (RELION's contrast: invert the images for cisTEM/Frealign; Fovea reads them so)"
            : " dark (cisTEM's and Frealign's contrast)")
    }

    /// The contrast a file's head declares: true white, false dark, nil not declared.
    public static func declaredWhiteProtein(inHead text: String) -> Bool? {
        guard let range = text.range(of: imageContrastKey) else { return nil }
        let rest = text[range.upperBound...].drop { $0 == " " }
        if rest.hasPrefix("white") { return true }
        if rest.hasPrefix("dark") { return false }
        return nil
    }

    // MARK: cryoSPARC .cs (the conventions pyem's csparc2star publishes)

    /// `alignments3D/pose`, a rotation vector (axis × angle, radians) → Fovea's view matrix M:
    /// the active rotation by |pose| about pose/|pose|. RELION's matrix is A = Mᵀ (csparc2star
    /// builds A as the transposed Rodrigues matrix of the pose and decomposes it into rot, tilt, psi).
    public static func viewMatrix(fromCryoSPARCPose pose: SIMD3<Double>) -> RotationMatrix {
        let angle = (pose * pose).sum().squareRoot()
        guard angle > 1e-12 else { return .identity }
        return RotationMatrix(axis: pose / angle, angleDegrees: angle * 180 / .pi)
    }

    /// `alignments3D/pose` → (φ, θ, ψ) in degrees (= RELION rot, tilt, psi).
    public static func angles(fromCryoSPARCPose pose: SIMD3<Double>) -> EulerAnglesTriple {
        let angles = viewMatrix(fromCryoSPARCPose: pose).eulerAngles
        return (angles.phi, angles.theta, angles.psi)
    }

    /// `alignments3D/shift` (pixels) → internal shift (Å): cryoSPARC's shift is RELION's origin in
    /// pixels (csparc2star copies it to rlnOriginX/Y unchanged), so shift = −value × pixel size.
    public static func shift(fromCryoSPARCPixels value: Double, pixelSize: Double) -> Double {
        shift(fromRelionOriginPixels: value, pixelSize: pixelSize)
    }

    /// `ctf/df_angle_rad`, `ctf/phase_shift_rad` (radians) → degrees.
    public static func degrees(fromCryoSPARCRadians value: Double) -> Double { value * 180 / .pi }

    /// `alignments3D/split` (0 or 1) → half set (1 or 2, as rlnRandomSubset); 0 (unknown) otherwise.
    public static func halfSet(fromCryoSPARCSplit split: Double) -> Int {
        split == 0 ? 1 : split == 1 ? 2 : 0
    }

    /// `ctf/exp_group_id` (0-based exposure group) → optics group (1-based, as rlnOpticsGroup).
    public static func opticsGroup(fromCryoSPARCExposureGroup group: Double) -> Int {
        group >= 0 && group < 1e9 ? Int(group) + 1 : 1
    }

    /// `blob/sign`: −1 means the stack holds dark protein (micrograph contrast, cryoSPARC's usual
    /// value; Fovea's own convention), +1 white protein (RELION's). Fovea negates the images on
    /// reading when this is true.
    public static func invertContrast(cryoSPARCSign sign: Double) -> Bool { sign > 0 }
}

/// (φ, θ, ψ) in degrees.
public typealias EulerAnglesTriple = (phi: Double, theta: Double, psi: Double)
