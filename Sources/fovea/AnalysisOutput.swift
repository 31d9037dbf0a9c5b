import Foundation
import FoveaIO

/// Shared output helpers of the analysis commands (kappa, covariance, diffmap, agreement).
enum AnalysisOutput {
    /// A number with `digits` decimals; "undefined" for NaN/∞.
    static func format(_ value: Double, digits: Int = 4) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "undefined"
    }

    /// A JSON-safe number: NaN/∞ become null.
    static func json(_ value: Double) -> Any { value.isFinite ? value : NSNull() }

    /// Writes `object` as pretty JSON, atomically (numbers as `DecimalText` prints them).
    static func writeJSON(_ object: Any, to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: DecimalText.roundedJSON(object), options: [.prettyPrinted, .sortedKeys])
        try AtomicFileWriter.write(data + Data("\n".utf8), to: path)
    }

    /// Runs `body`, turning `FormatError`s into user errors (message, exit code 2).
    static func reportingFormatErrors(_ body: () throws -> Void) throws {
        do { try body() } catch let error as FormatError { throw UserError(error.description) }
    }
}
