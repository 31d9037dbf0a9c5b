import Foundation
import Testing
import FoveaIO

@Suite struct StarParserTests {
    static let sample = """
    # a comment
    data_general
    _rlnFinalResolution   3.5   # trailing comment
    _rlnNote 'two words'

    data_table
    loop_
    _rlnA #1
    _rlnB #2
    _rlnC #3
    1  "x y"  'it''s'
    # a comment inside the loop
    2  plain  "q"
    _rlnAfterLoop 7

    """

    @Test func parsesBlocksPairsLoopsQuotesAndComments() throws {
        let doc = try StarParser.parse(Self.sample, file: "s.star")
        #expect(doc.blocks.map(\.name) == ["general", "table"])
        let general = try #require(doc.block(named: "general"))
        #expect(general.value(forKey: "rlnFinalResolution") == "3.5")
        #expect(general.value(forKey: "rlnNote") == "two words")
        let table = try #require(doc.block(named: "table"))
        let loop = try #require(table.table)
        #expect(loop.columns == ["rlnA", "rlnB", "rlnC"])
        #expect(loop.rows == [["1", "x y", "it''s"], ["2", "plain", "q"]])
        #expect(loop.rowLines == [11, 13])
        #expect(table.value(forKey: "rlnAfterLoop") == "7")
    }

    @Test func writerOutputParsesBackToTheSameDocument() throws {
        let doc = StarDocument(blocks: [
            StarBlock(name: "pairs", pairs: [StarPair(key: "k1", value: "v"), StarPair(key: "k2", value: "has space"),
                                             StarPair(key: "k3", value: "")]),
            StarBlock(name: "t", loops: [StarLoop(columns: ["a", "b"],
                                                  rows: [["1.5", "#notacomment"], ["_x", "data_y"], ["-2", "say \"hi\""]])]),
        ])
        let text = StarWriter.text(of: doc)
        #expect(try StarParser.parse(text, file: "w.star") == doc)
        #expect(try StarParser.parse(StarWriter.text(of: try StarParser.parse(Self.sample, file: "s")), file: "s2")
                == (try StarParser.parse(Self.sample, file: "s")))
    }

    @Test func malformedRowNamesTheLine() throws {
        let text = "data_x\nloop_\n_a\n_b\n1 2\n3\n"
        let error = #expect(throws: FormatError.self) { try StarParser.parse(text, file: "bad.star") }
        #expect(error?.file == "bad.star" && error?.location == "line 6")
        #expect(error?.message.contains("1 values") == true)
    }

    @Test func otherMalformedInputsAreRejected() throws {
        for (text, line) in [("_a 1\n", 1), ("data_x\n_a\n", 2), ("data_x\nloop_\n_a\n'open\n", 4),
                             ("data_x\nfoo bar\n", 2), ("data_x\n_a 1 2\n", 2)] {
            let error = #expect(throws: FormatError.self) { try StarParser.parse(text, file: "f") }
            #expect(error?.location == "line \(line)", "\(text)")
        }
    }
}
