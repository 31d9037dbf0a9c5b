/// A value of the small subset of Python literals NumPy writes in `.npy` headers.
public indirect enum PythonLiteral: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    /// A list or a tuple.
    case sequence([PythonLiteral])
    /// A dict with string keys, in file order.
    case dictionary([(key: String, value: PythonLiteral)])

    public static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.none, .none): return true
        case (.sequence(let a), .sequence(let b)): return a == b
        case (.dictionary(let a), .dictionary(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// Parses one Python literal (dict, list, tuple, quoted string, integer, True/False/None) from
/// untrusted text: bounded nesting, no evaluation, an error with the character position.
public struct PythonLiteralParser {
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0
    /// Deepest nesting accepted (NumPy headers nest three levels).
    static let maximumDepth = 32

    public init(text: String) { scalars = Array(text.unicodeScalars) }

    /// Parses one value; the rest of the text must be white space.
    public mutating func parseValue() throws(ParseError) -> PythonLiteral {
        let value = try value()
        skipSpace()
        guard position == scalars.count else { throw error("unexpected text after the value") }
        return value
    }

    private func error(_ message: String) -> ParseError {
        ParseError(message: "\(message) at character \(position + 1) of the header")
    }

    private mutating func skipSpace() {
        while position < scalars.count, scalars[position].properties.isWhitespace { position += 1 }
    }

    private mutating func value() throws(ParseError) -> PythonLiteral {
        skipSpace()
        guard position < scalars.count else { throw error("the header ends where a value should be") }
        switch scalars[position] {
        case "{": return try container(close: "}", isDictionary: true)
        case "[": return try container(close: "]", isDictionary: false)
        case "(": return try container(close: ")", isDictionary: false)
        case "'", "\"": return .string(try string())
        default: return try word()
        }
    }

    private mutating func container(close: Unicode.Scalar, isDictionary: Bool) throws(ParseError) -> PythonLiteral {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth)") }
        position += 1
        var items: [PythonLiteral] = []
        var entries: [(key: String, value: PythonLiteral)] = []
        while true {
            skipSpace()
            guard position < scalars.count else { throw error("the header ends inside a \(isDictionary ? "dict" : "list")") }
            if scalars[position] == close { position += 1; break }
            if isDictionary {
                guard case .string(let key) = try value() else { throw error("a dict key is not a string") }
                skipSpace()
                guard position < scalars.count, scalars[position] == ":" else { throw error("expected ':'") }
                position += 1
                entries.append((key, try value()))
            } else {
                items.append(try value())
            }
            skipSpace()
            guard position < scalars.count else { throw error("the header ends inside a container") }
            if scalars[position] == "," { position += 1 } else if scalars[position] != close {
                throw error("expected ',' or '\(close)'")
            }
        }
        return isDictionary ? .dictionary(entries) : .sequence(items)
    }

    private mutating func string() throws(ParseError) -> String {
        let quote = scalars[position]
        position += 1
        var result = String.UnicodeScalarView()
        while position < scalars.count, scalars[position] != quote {
            guard scalars[position] != "\\" else { throw error("escapes in strings are not supported") }
            result.append(scalars[position])
            position += 1
        }
        guard position < scalars.count else { throw error("unterminated string") }
        position += 1
        return String(result)
    }

    private mutating func word() throws(ParseError) -> PythonLiteral {
        let start = position
        while position < scalars.count, scalars[position] == "-" || scalars[position].properties.isAlphabetic
                || ("0"..."9").contains(scalars[position]) {
            position += 1
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        switch text {
        case "True": return .boolean(true)
        case "False": return .boolean(false)
        case "None": return .none
        default:
            guard let number = Int(text) else {
                position = start
                throw error("'\(text.isEmpty ? String(scalars[start]) : text)' is not a string, integer, True, False or None")
            }
            return .integer(number)
        }
    }
}
