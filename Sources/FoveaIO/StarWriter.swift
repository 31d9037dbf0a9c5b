import Foundation

/// Writes a `StarDocument` as text in RELION's layout (blank lines around blocks, `_column #n`
/// headers, right-aligned columns), which RELION, cisTEM and `StarParser` read back.
///
/// Values that would not survive white-space splitting (empty, containing spaces, starting with
/// `#`, `_`, a quote or `;`, or looking like `data_`/`loop_`) are quoted.
public enum StarWriter {
    /// The file text; `comment` lines (without `#`) go at the top.
    public static func text(of document: StarDocument, comment: [String] = []) -> String {
        var out = "\n"
        for line in comment { out += "# \(line)\n" }
        if !comment.isEmpty { out += "\n" }
        for block in document.blocks {
            out += "data_\(block.name)\n\n"
            if !block.pairs.isEmpty {
                let width = block.pairs.map(\.key.count).max()! + 1
                for pair in block.pairs {
                    out += "_" + pair.key.padding(toLength: width, withPad: " ", startingAt: 0) + " " + quoted(pair.value) + "\n"
                }
                out += "\n"
            }
            for loop in block.loops {
                out += "loop_ \n"
                for (k, column) in loop.columns.enumerated() { out += "_\(column) #\(k + 1) \n" }
                let cells = loop.rows.map { $0.map(quoted) }
                var widths = [Int](repeating: 0, count: loop.columns.count)
                for row in cells { for (k, v) in row.enumerated() { widths[k] = max(widths[k], v.count) } }
                for row in cells {
                    var line = ""
                    for (k, v) in row.enumerated() {
                        line += String(repeating: " ", count: widths[k] - v.count + (k == 0 ? 0 : 2)) + v
                    }
                    out += line + " \n"
                }
                out += "\n"
            }
        }
        return out
    }

    /// Writes `document` to `path` atomically.
    public static func write(_ document: StarDocument, to path: String, comment: [String] = []) throws {
        try AtomicFileWriter.write(Data(text(of: document, comment: comment).utf8), to: path)
    }

    /// `value`, quoted when needed so a reader splitting on white space gets it back unchanged.
    static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty
            || value.contains(where: { $0.isWhitespace })
            || value.hasPrefix("#") || value.hasPrefix("_") || value.hasPrefix("'") || value.hasPrefix("\"")
            || value.hasPrefix(";") || value.hasPrefix("data_") || value.hasPrefix("loop_")
        guard needsQuotes else { return value }
        return value.contains("\" ") || value.hasSuffix("\"") ? "'\(value)'" : "\"\(value)\""
    }
}
