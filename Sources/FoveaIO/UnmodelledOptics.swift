import Foundation

extension ParticleTable {
    /// The columns (RELION) or fields (cryoSPARC) of this table that carry optics Fovea's CTF does
    /// not model, with values that would change it: beam tilt, odd and even Zernike coefficients,
    /// an anisotropic magnification matrix, CTF-premultiplied images. Identity and zero values are
    /// not listed. Sorted by name.
    public var unmodelledOpticsColumns: [String] {
        var names = Set(unmodelledSourceFields)
        for pairs in opticsExtras.values {
            for pair in pairs where Self.isUnmodelled(column: pair.key, value: pair.value) { names.insert(pair.key) }
        }
        for (k, column) in extraColumns.enumerated() where Self.unmodelledRelionColumns.contains(column) {
            if particles.contains(where: { k < $0.extraValues.count && Self.isUnmodelled(column: column, value: $0.extraValues[k]) }) {
                names.insert(column)
            }
        }
        return names.sorted()
    }

    /// One line for the user when `unmodelledOpticsColumns` is not empty, naming the file and
    /// the columns; nil otherwise. Commands print it once per run.
    public func unmodelledOpticsNotice(file: String) -> String? {
        let columns = unmodelledOpticsColumns
        guard !columns.isEmpty else { return nil }
        return "warning: \(file) carries optics Fovea does not model (\(columns.joined(separator: ", "))); "
            + "they are ignored: images are used as they are with Fovea's CTF (defocus, astigmatism, Cs, "
            + "amplitude contrast, phase shift)"
    }

    static let unmodelledRelionColumns: Set<String> = [
        "rlnBeamTiltX", "rlnBeamTiltY", "rlnOddZernike", "rlnEvenZernike", "rlnMagMat00", "rlnMagMat01",
        "rlnMagMat10", "rlnMagMat11", "rlnCtfDataAreCtfPremultiplied",
    ]

    /// Whether RELION column `column` with text `value` changes the CTF Fovea computes.
    static func isUnmodelled(column: String, value: String) -> Bool {
        guard unmodelledRelionColumns.contains(column) else { return false }
        switch column {
        case "rlnOddZernike", "rlnEvenZernike":
            let numbers = value.split(whereSeparator: { "[], ".contains($0) }).compactMap { Double($0) }
            return numbers.contains { $0 != 0 }
        case "rlnMagMat00", "rlnMagMat11":
            return Double(value).map { abs($0 - 1) > 1e-6 } ?? false
        default:
            return Double(value).map { $0 != 0 } ?? false
        }
    }
}
