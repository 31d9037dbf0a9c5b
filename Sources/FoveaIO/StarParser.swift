import Foundation

/// Reads STAR text (RELION 3.0/3.1+, cisTEM) into a `StarDocument`.
///
/// Grammar accepted: `data_<name>` starts a block; `loop_` starts a table whose `_column` lines
/// (anything after the name, such as RELION's `#3`, is ignored) are followed by rows of values;
/// `_key value` outside a table is a pair. Values are separated by white space and may be quoted
/// with '…' or "…" (a quote closes only when followed by white space or the end of the line, as in
/// CIF). `#` outside quotes starts a comment. A leading UTF-8 byte-order mark is skipped. Strict:
/// a row with the wrong number of values, a key without a value, text outside any block, CIF `;`
/// text fields, a block, column or key given twice, and control characters (NUL …) throw
/// `FormatError` with the line number.
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
        /// Line of the `data_` statement of each block name seen, to refuse a repeated block.
        var blockLines: [String: Int] = [:]
        // A UTF-8 byte-order mark (written by some Windows editors) is not content.
        let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let tokens = try tokenize(line, file: file, line: lineNumber)
            guard let first = tokens.first else { continue }
            let where_ = "line \(lineNumber)"
            if first.hasPrefix(";") && !first.quoted {
                throw FormatError(file: file, location: where_, "multi-line ';' text fields are not supported")
            }
            if !first.quoted && first.text.hasPrefix("data_") {
                let name = String(first.text.dropFirst(5))
                if let earlier = blockLines[name] {
                    throw FormatError(file: file, location: where_, field: "data_\(name)",
                                      "block data_\(name) appears a second time (first at line \(earlier)); "
                                      + "a STAR file holds each block once")
                }
                blockLines[name] = lineNumber
                document.blocks.append(StarBlock(name: name, line: lineNumber))
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
                    let l = document.blocks[b].loops.count - 1
                    if let earlier = document.blocks[b].loops[l].columns.firstIndex(of: name) {
                        throw FormatError(file: file, location: where_, field: name,
                                          "column _\(name) is declared twice in this loop_ (also column \(earlier + 1))")
                    }
                    document.blocks[b].loops[l].columns.append(name)
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
                if document.blocks[b].value(forKey: name) != nil {
                    throw FormatError(file: file, location: where_, field: name,
                                      "key _\(name) appears twice in data_\(document.blocks[b].name)")
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
        // A control character (NUL and the like) is never text: the file is binary or damaged,
        // and a NUL inside a number would otherwise end the number early ("1.5\05" read as 1.5).
        if let bad = bytes.firstIndex(where: { ($0 < 0x20 && !isSpace($0)) || $0 == 0x7F }) {
            let name = bytes[bad] == 0 ? "NUL byte" : "control character"
            throw FormatError(file: file, location: "line \(number)",
                              "\(name) 0x\(String(bytes[bad], radix: 16, uppercase: true)) at byte \(bad - bytes.startIndex + 1) "
                              + "of the line; a STAR file is plain text (binary or damaged file?)")
        }
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
