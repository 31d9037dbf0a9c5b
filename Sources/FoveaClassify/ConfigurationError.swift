/// A classification option that has an invalid value, or an option that may not change when a run
/// is continued. `option` is the command-line spelling (without the dashes) so that the message
/// tells the user exactly what to fix.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Command-line name of the offending option, e.g. `"classes"` for `--classes`.
    public let option: String
    /// What is wrong and, where useful, the value that was given.
    public let message: String

    public init(option: String, _ message: String) {
        self.option = option
        self.message = message
    }

    public var description: String { "--\(option): \(message)" }
}
