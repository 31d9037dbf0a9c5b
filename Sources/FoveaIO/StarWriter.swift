import Foundation

/// Writes a `StarDocument` as text in RELION's layout (blank lines around blocks, `_column #n`
/// headers, columns right-aligned up to `maximumAlignedWidth`), which RELION, cisTEM and `StarParser` read back.
///
/// Values that would not survive white-space splitting (empty, containing spaces, starting with
/// `#`, `_`, a quote or `;`, or looking like `data_`/`loop_`) are quoted.
public enum StarWriter {
    /// Widest value (UTF-8 bytes) a loop column is padded to; longer values stand unaligned.
    static let maximumAlignedWidth = 128

    /// The file text; `comment` lines (without `#`) go at the top.
    public static func text(of document: StarDocument, comment: [String] = []) -> String {
        String(decoding: bytes(of: document, comment: comment), as: UTF8.self)
    }

    /// The file as UTF-8 bytes (built as bytes: large particle tables write fast).
    static func bytes(of document: StarDocument, comment: [String] = []) -> [UInt8] {
        var out: [UInt8] = []
        func put(_ text: String) { out.append(contentsOf: text.utf8) }
        func spaces(_ n: Int) { if n > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) } }
        put("\n")
        for line in comment { put("# \(line)\n") }
        if !comment.isEmpty { put("\n") }
        for block in document.blocks {
            put("data_\(block.name)\n\n")
            if !block.pairs.isEmpty {
                let width = block.pairs.map(\.key.utf8.count).max()! + 1
                for pair in block.pairs {
                    put("_" + pair.key); spaces(width - pair.key.utf8.count + 1); put(quoted(pair.value)); put("\n")
                }
                put("\n")
            }
            for loop in block.loops {
                put("loop_ \n")
                for (k, column) in loop.columns.enumerated() { put("_\(column) #\(k + 1) \n") }
                let cells = loop.rows.map { $0.map(quoted) }
                // Columns align to their widest value up to `maximumAlignedWidth`; a longer value is
                // written unpadded, so one huge value cannot pad every other row to its width.
                var widths = [Int](repeating: 0, count: loop.columns.count)
                for row in cells {
                    for (k, v) in row.enumerated() where v.utf8.count <= maximumAlignedWidth {
                        widths[k] = max(widths[k], v.utf8.count)
                    }
                }
                out.reserveCapacity(out.count + cells.count * (widths.reduce(0, +) + 2 * widths.count + 2))
                for row in cells {
                    for (k, v) in row.enumerated() {
                        spaces(max(0, widths[k] - v.utf8.count) + (k == 0 ? 0 : 2))
                        put(v)
                    }
                    put(" \n")
                }
                put("\n")
            }
        }
        return out
    }

    /// Writes `document` to `path` atomically.
    public static func write(_ document: StarDocument, to path: String, comment: [String] = []) throws {
        try AtomicFileWriter.write(Data(bytes(of: document, comment: comment)), to: path)
    }

    /// `value`, quoted when needed so a reader splitting on white space gets it back unchanged.
    static func quoted(_ value: String) -> String {
        let utf8 = value.utf8
        guard let first = utf8.first else { return "\"\"" }
        var needsQuotes = first == UInt8(ascii: "#") || first == UInt8(ascii: "_") || first == UInt8(ascii: "'")
            || first == UInt8(ascii: "\"") || first == UInt8(ascii: ";")
        if !needsQuotes {
            needsQuotes = utf8.contains { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0B || $0 == 0x0C }
                || value.hasPrefix("data_") || value.hasPrefix("loop_")
        }
        guard needsQuotes else { return value }
        return value.contains("\" ") || value.hasSuffix("\"") ? "'\(value)'" : "\"\(value)\""
    }
}
