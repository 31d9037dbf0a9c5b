/// The physically possible range of one optics or CTF value read from a particle table, so a
/// voltage of 0 kV or an amplitude contrast of 1.5 is refused with the file, line and field
/// instead of giving wrong maps. The ranges are broad: every real microscope and convention fits.
public struct PhysicalRange: Sendable {
    /// What the value is, for messages ("voltage").
    public var quantity: String
    /// Unit written after numbers ("kV"; "" for fractions).
    public var unit: String
    public var lower: Double
    public var upper: Double
    /// Whether `lower` itself is allowed (false: the value must be above it).
    public var includesLower: Bool
    /// Whether `upper` itself is allowed.
    public var includesUpper: Bool
    /// Typical values, for the message ("300, 200 or 120 kV").
    public var typical: String

    public init(quantity: String, unit: String, lower: Double, upper: Double, includesLower: Bool = true,
                includesUpper: Bool = true, typical: String) {
        self.quantity = quantity; self.unit = unit; self.lower = lower; self.upper = upper
        self.includesLower = includesLower; self.includesUpper = includesUpper; self.typical = typical
    }

    /// Accelerating voltage, kV (real microscopes: 60–300 kV).
    public static let voltage = PhysicalRange(quantity: "voltage", unit: "kV", lower: 20, upper: 1000,
                                              typical: "300, 200 or 120 kV")
    /// Spherical aberration, mm (0 for a Cs-corrected microscope).
    public static let sphericalAberration = PhysicalRange(quantity: "spherical aberration", unit: "mm", lower: 0, upper: 20,
                                                          typical: "2.7 mm, or 0 with a Cs corrector")
    /// Amplitude contrast, a fraction of 1.
    public static let amplitudeContrast = PhysicalRange(quantity: "amplitude contrast", unit: "", lower: 0, upper: 1,
                                                        includesUpper: false, typical: "0.07 to 0.1")
    /// Image pixel size, Å.
    public static let pixelSize = PhysicalRange(quantity: "pixel size", unit: "Å", lower: 0, upper: 100,
                                                includesLower: false, typical: "0.5 to 5 Å")
    /// Defocus along a principal direction, Å (RELION/cisTEM: under-focus positive; 20 µm either way).
    public static let defocus = PhysicalRange(quantity: "defocus", unit: "Å", lower: -200_000, upper: 200_000,
                                              typical: "5,000 to 40,000 Å")
    /// Astigmatism angle or phase shift, degrees (any finite angle is a direction; beyond ±36,000°
    /// it is a damaged value).
    public static let angle = PhysicalRange(quantity: "angle", unit: "°", lower: -36_000, upper: 36_000,
                                            typical: "0 to 360°")
    /// Detector pixel size, µm (RELION ≤ 3.0).
    public static let detectorPixelSize = PhysicalRange(quantity: "detector pixel size", unit: "µm", lower: 0, upper: 1000,
                                                        includesLower: false, typical: "5 to 15 µm")
    /// Magnification (RELION ≤ 3.0).
    public static let magnification = PhysicalRange(quantity: "magnification", unit: "", lower: 0, upper: 1e8,
                                                    includesLower: false, typical: "10,000 to 200,000")

    /// Whether `value` is finite and inside the range.
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        let aboveLower = includesLower ? value >= lower : value > lower
        let belowUpper = includesUpper ? value <= upper : value < upper
        return aboveLower && belowUpper
    }

    /// Why `value` is refused (call when `contains(value)` is false).
    public func complaint(about value: Double) -> String {
        func number(_ x: Double) -> String {
            x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        }
        let space = unit.isEmpty || unit == "°" ? "" : " "
        let from = includesLower ? "" : "above "
        let to = includesUpper ? "to " : "to below "
        return "\(quantity) \(number(value))\(space)\(unit) is outside the physical range \(from)\(number(lower)) \(to)"
            + "\(number(upper))\(space)\(unit) (typical: \(typical)); check the column's units"
    }
}

extension StarColumnReader {
    /// A finite number of `column` inside `range`, else a `FormatError` naming file, line and column.
    func double(_ column: Int, _ row: Int, in range: PhysicalRange) throws -> Double {
        let value = try double(column, row)
        guard range.contains(value) else { throw error(column, row, range.complaint(about: value)) }
        return value
    }

    /// A value of an optional column inside `range`, or `fallback` when the column is absent.
    func double(_ column: Int?, _ row: Int, default fallback: Double, in range: PhysicalRange) throws -> Double {
        guard let column else { return fallback }
        return try double(column, row, in: range)
    }
}
