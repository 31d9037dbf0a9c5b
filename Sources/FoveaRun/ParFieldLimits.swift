import Foundation
import FoveaCore
import FoveaIO

/// The run writes a Frealign `.par` per class, whose fixed-width fields hold only so much. Every
/// input value that goes there is checked when the table is read — before cycle 1 — so that a
/// finished run's outputs are always writable; angles need no check, they are written reduced
/// to (−180°, 180°] (the same rotation).
public enum ParFieldLimits {
    /// Largest magnitude of a shift (Å, `%10.2f`), a defocus (Å, `%9.1f`), an astigmatism angle or
    /// phase shift (degrees, `%8.2f`), and the largest image number (`%7d`), that the fields hold.
    static let shift = 99_999.99, defocus = 999_999.9, degrees = 9_999.99, imageNumber = 9_999_999

    /// Throws naming the first particle (1-based row of `path`) with a value that is not finite
    /// or does not fit its `.par` field.
    public static func check(_ table: ParticleTable, path: String) throws {
        for (index, p) in table.particles.enumerated() {
            let values: [(String, Double, Double)] = [
                ("shift x (Å)", p.shiftX, shift), ("shift y (Å)", p.shiftY, shift),
                ("defocus U (Å)", p.defocusU, defocus), ("defocus V (Å)", p.defocusV, defocus),
                ("astigmatism angle (°)", p.astigmatismAngle, degrees), ("phase shift (°)", p.phaseShift, degrees),
                ("angle phi (°)", p.angles.phi, .infinity), ("angle theta (°)", p.angles.theta, .infinity),
                ("angle psi (°)", p.angles.psi, .infinity),
            ]
            for (name, value, limit) in values where !(value.isFinite && abs(value) <= limit) {
                throw RunInputError("\(path), particle \(index + 1): \(name) \(value) is "
                                    + (value.isFinite ? "beyond ±\(limit), more than the run's .par outputs hold (and far "
                                                        + "beyond any real particle); fix the table" : "not a finite number"))
            }
            guard p.image.index + 1 <= imageNumber else {
                throw RunInputError("\(path), particle \(index + 1): image number \(p.image.index + 1) is beyond "
                                    + "\(imageNumber), more than the .par format holds; split the stack")
            }
        }
    }

    /// `table` with every view's angles reduced to (−180°, 180°] (the same rotations) and LogP
    /// clamped to what `%10d` holds, for writing `.par` files.
    static func fitted(_ table: ParticleTable) -> ParticleTable {
        var copy = table
        for i in copy.particles.indices {
            let a = copy.particles[i].angles
            copy.particles[i].angles = EulerAngles(phi: reduced(a.phi), theta: reduced(a.theta), psi: reduced(a.psi))
            for c in copy.particles[i].classValues.indices {
                let logP = copy.particles[i].classValues[c].logP
                copy.particles[i].classValues[c].logP = logP.isNaN ? 0 : min(max(logP, -999_999_999), 999_999_999)
            }
        }
        return copy
    }

    /// An angle in degrees reduced to (−180, 180].
    static func reduced(_ degrees: Double) -> Double {
        var a = degrees.truncatingRemainder(dividingBy: 360)
        if a <= -180 { a += 360 } else if a > 180 { a -= 360 }
        return a
    }
}
