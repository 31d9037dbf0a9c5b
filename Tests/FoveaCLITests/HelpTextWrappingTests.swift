import Foundation
import Testing

/// `fovea <command> --help` at 80 and 120 columns: the discussion is written as paragraphs the
/// argument parser wraps (to lines of at most width − 1 characters), so no prose line is broken
/// before that width (a hand-wrapped line re-wrapped by the parser leaves a short line followed
/// by its lowercase continuation), and
/// no indented line (examples, lists) is long enough to be wrapped onto a line of its own.
@Suite struct HelpTextWrappingTests {
    /// The problems in one help text printed at `width` columns: (line number, text).
    static func brokenLines(_ help: String, width: Int) -> [(Int, String)] {
        let lines = help.components(separatedBy: "\n")
        // The discussion: after the OVERVIEW paragraph's blank line, before USAGE.
        guard let usage = lines.firstIndex(where: { $0.hasPrefix("USAGE:") }) else { return [] }
        var problems: [(Int, String)] = []
        for i in 0..<max(0, usage - 1) {
            let line = lines[i], next = lines[i + 1]
            guard !line.isEmpty, let first = next.first, first != " " else { continue }
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if indent > 0 {
                // An indented line wrapped by the parser continues at column 0 (a lowercase word,
                // a "\" or an option), where a new paragraph would start with a capital.
                if !first.isUppercase { problems.append((i + 1, line + " ⏎ " + next)) }
                continue
            }
            guard first.isLowercase else { continue }
            guard let last = trimmed.last, !":".contains(last) else { continue }
            let word = next.split(separator: " ").first.map(String.init) ?? next
            if line.count + 1 + word.count < width { problems.append((i + 1, line + " ⏎ " + next)) }
        }
        return problems
    }

    @Test(arguments: [80, 120])
    func helpTextsAreParagraphsTheParserWraps(width: Int) throws {
        for command in CommandLineTests.commands + ["selftest"] {
            let help = try FoveaProcess.run([command, "--help"], environment: ["COLUMNS": String(width)])
            #expect(help.status == 0)
            let problems = Self.brokenLines(help.output, width: width)
            let listing = problems.map { "line \($0.0): \($0.1)" }.joined(separator: "\n")
            #expect(problems.isEmpty, "fovea \(command) --help at \(width) columns: \(listing)")
        }
    }

    @Test func theCheckFindsAHandWrappedParagraph() {
        let help = "OVERVIEW: x\n\nThe run folder gets class maps and a\nparticle table.\n\nUSAGE: fovea x\n"
        #expect(Self.brokenLines(help, width: 80).count == 1)
        let wrapped = "OVERVIEW: x\n\n" + String(repeating: "word ", count: 15) + "words\ncontinue here.\n\nUSAGE: fovea x\n"
        #expect(Self.brokenLines(wrapped, width: 80).isEmpty)
    }
}
