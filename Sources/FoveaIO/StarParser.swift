import Foundation

/// Reads STAR text (RELION 3.0/3.1+, cisTEM) into a `StarDocument`.
///
/// Grammar accepted: `data_<name>` starts a block; `loop_` starts a table whose `_column` lines
/// (anything after the name, such as RELION's `#3`, is ignored) are followed by rows of values;
/// `_key value` outside a table is a pair. Values are separated by white space and may be quoted
/// with '…' or "…" (a quote closes only when followed by white space or the end of the line, as in
/// CIF). `#` outside quotes starts a comment. Strict: a row with the wrong number of values, a key
/// without a value, text outside any block, or CIF `;` text fields throw `FormatError` with the
/// line number.
public enum StarParser {
    /// Parses the file at `path`.
    public static func parse(contentsOf path: String) throws -> StarDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(file: path, "cannot read the file (missing or unreadable)")
        }
        return try parse(bytes: [UInt8](data), file: path)
    }

    /// Parses `text`; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> StarDocument {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses UTF-8 bytes; `file` names them in errors.
    static func parse(bytes: [UInt8], file: String) throws -> StarDocument {
        var document = StarDocument()
        var inLoopHeader = false
        var inLoopBody = false
        var lineNumber = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let tokens = try tokenize(line, file: file, line: lineNumber)
            guard let first = tokens.first else { continue }
            let where_ = "line \(lineNumber)"
            if first.hasPrefix(";") && !first.quoted {
                throw FormatError(file: file, location: where_, "multi-line ';' text fields are not supported")
            }
            if !first.quoted && first.text.hasPrefix("data_") {
                document.blocks.append(StarBlock(name: String(first.text.dropFirst(5)), line: lineNumber))
                inLoopHeader = false; inLoopBody = false
                continue
            }
            guard !document.blocks.isEmpty else {
                throw FormatError(file: file, location: where_, "'\(first.text)' appears before any data_ block")
            }
            let b = document.blocks.count - 1
            if !first.quoted && first.text == "loop_" {
                document.blocks[b].loops.append(StarLoop(columns: []))
                inLoopHeader = true; inLoopBody = false
                continue
            }
            if !first.quoted && first.text.hasPrefix("_") {
                let name = String(first.text.dropFirst())
                if inLoopHeader {
                    document.blocks[b].loops[document.blocks[b].loops.count - 1].columns.append(name)
                    continue
                }
                inLoopBody = false
                guard tokens.count >= 2 else {
                    throw FormatError(file: file, location: where_, field: name, "key has no value")
                }
                guard tokens.count == 2 else {
                    throw FormatError(file: file, location: where_, field: name,
                                      "key has \(tokens.count - 1) values; quote values that contain spaces")
                }
                document.blocks[b].pairs.append(StarPair(key: name, value: tokens[1].text))
                continue
            }
            if inLoopHeader {
                inLoopHeader = false; inLoopBody = true
                if document.blocks[b].loops.last!.columns.isEmpty {
                    throw FormatError(file: file, location: where_, "loop_ has no _column lines")
                }
            }
            guard inLoopBody else {
                throw FormatError(file: file, location: where_, "'\(first.text)' is neither a key, a loop_ nor a data_ line")
            }
            let l = document.blocks[b].loops.count - 1
            let columnCount = document.blocks[b].loops[l].columns.count
            guard tokens.count == columnCount else {
                throw FormatError(file: file, location: where_,
                                  field: "data_\(document.blocks[b].name)",
                                  "row has \(tokens.count) values but the loop declares \(columnCount) columns")
            }
            document.blocks[b].loops[l].rows.append(tokens.map(\.text))
            document.blocks[b].loops[l].rowLines.append(lineNumber)
        }
        return document
    }

    /// One value and whether it was quoted (a quoted "data_x" is a value, not a statement).
    struct Token {
        var text: String
        var quoted: Bool
        func hasPrefix(_ p: String) -> Bool { text.hasPrefix(p) }
    }

    /// Splits one line into values, honouring quotes and `#` comments (works on UTF-8 bytes).
    static func tokenize(_ line: ArraySlice<UInt8>, file: String, line number: Int) throws -> [Token] {
        var tokens: [Token] = []
        let bytes = line
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0B || b == 0x0C }
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if isSpace(c) { i += 1; continue }
            if c == UInt8(ascii: "#") { break }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < bytes.endIndex && !(bytes[j] == c && (j + 1 == bytes.endIndex || isSpace(bytes[j + 1]))) { j += 1 }
                guard j < bytes.endIndex else {
                    throw FormatError(file: file, location: "line \(number)", "unterminated \(Character(Unicode.Scalar(c))) quote")
                }
                tokens.append(Token(text: String(decoding: bytes[(i + 1)..<j], as: UTF8.self), quoted: true))
                i = j + 1
                continue
            }
            var j = i
            while j < bytes.endIndex && !isSpace(bytes[j]) { j += 1 }
            tokens.append(Token(text: String(decoding: bytes[i..<j], as: UTF8.self), quoted: false))
            i = j
        }
        return tokens
    }
}
