import Foundation

/// How Fovea prints a number for people and other programs (STAR, `.par` comments, JSON,
/// messages): at most `significantDigits` significant digits, then the shortest text that reads
/// back as that value. A value read from a file with up to 12 digits and carried through unit
/// conversions prints as it was read ("116.304959", not the "116.30495900000001" that the
/// conversion's last binary digit would otherwise show).
public enum DecimalText {
    /// Significant digits kept: Float32 values (7 digits) and typical input columns (≤ 12)
    /// survive exactly; the 15–17th digits, where arithmetic leaves its rounding, are dropped.
    public static let significantDigits = 12

    /// `value` rounded to `digits` significant digits (non-finite values unchanged).
    public static func rounded(_ value: Double, digits: Int = significantDigits) -> Double {
        guard value.isFinite, value != 0 else { return value }
        return Double(String(format: "%.\(max(digits, 1) - 1)e", value)) ?? value
    }

    /// The shortest text of `rounded(value, digits:)`: "0.1", "116.304959", "1e-05", "300.0".
    /// Give `digits: 7` for a value that came from a Float32 field (an MRC header's pixel size:
    /// 1.06, not 1.059999942779541).
    public static func text(_ value: Double, digits: Int = significantDigits) -> String {
        String(rounded(value, digits: digits))
    }

    /// `text` of a Float32, from its shortest Float32 text ("0.1" for Float(0.1), not 0.100000001).
    public static func text(_ value: Float) -> String {
        value.isFinite ? String(value) : String(Double(value))
    }

    /// A JSON object (`JSONSerialization`'s dictionaries, arrays and numbers) with every Double
    /// `rounded`, so the shortest text JSON writes holds no binary noise. Integers, Booleans and
    /// strings are unchanged.
    public static func roundedJSON(_ object: Any) -> Any {
        switch object {
        case let dictionary as [String: Any]: return dictionary.mapValues(roundedJSON)
        case let array as [Any]: return array.map(roundedJSON)
        case let value as Double where !(object is Int) && !(object is Bool): return rounded(value)
        default: return object
        }
    }
}
