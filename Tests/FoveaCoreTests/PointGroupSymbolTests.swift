import FoveaCore
import Testing

/// One parser of point-group names: every family, case and blanks, the limits of n, bad names;
/// the symbol's order is the order of the group built from it.
@Suite struct PointGroupSymbolTests {
    /// Names the parser must accept, with their canonical name and order.
    static func accepted() -> [(text: String, name: String, order: Int)] {
        var cases: [(String, String, Int)] = [("T", "T", 12), ("t", "T", 12), ("O", "O", 24), (" o ", "O", 24),
                                              ("I", "I", 60), ("i", "I", 60), ("I1", "I1", 60), ("i2", "I2", 60)]
        var random = SeededRandom(seed: 15)
        let sampled = (0..<12).map { _ in 1 + Int(random.uniform() * Double(PointGroupSymbol.maximumFold)) }
        for n in Set([1, 2, 3, 7, 98, PointGroupSymbol.maximumFold] + sampled).sorted()
        where n <= PointGroupSymbol.maximumFold {
            cases.append(("C\(n)", "C\(n)", n))
            cases.append(("c\(n)", "C\(n)", n))
            if n >= 2 { cases.append(("D\(n)", "D\(n)", 2 * n)); cases.append((" d\(n)\t", "D\(n)", 2 * n)) }
        }
        return cases
    }

    static let refused = ["", " ", "C", "D", "C0", "D0", "D1", "C100", "D100", "C120", "C1000", "D1000",
                          "C-2", "C+2", "C2.0", "C 2", "Cx", "C7a", "X3", "T2", "O1", "I0", "I3", "I4", "I5",
                          "II", "C99999999999999999999", "Ⅽ2", "C٣"]

    @Test func everyFamilyIsParsedWithItsOrder() throws {
        for (text, name, order) in Self.accepted() {
            let symbol = try PointGroupSymbol(parsing: text)
            #expect(symbol.name == name, "\(text)")
            #expect(symbol.order == order, "\(text)")
        }
    }

    @Test func badNamesAndOrdersBeyondTheLimitAreRefusedWithTheName() {
        for text in Self.refused {
            #expect(throws: PointGroupError.self, "\(text)") { _ = try PointGroupSymbol(parsing: text) }
            #expect(throws: PointGroupError.self, "\(text)") { _ = try PointGroup(name: text) }
            do { _ = try PointGroupSymbol(parsing: text) } catch let error as PointGroupError {
                #expect(error.description.contains("\"\(text)\""))
            } catch { Issue.record("\(text): \(error)") }
        }
    }

    /// The group built from a name has the order the parser says (C and D sampled up to the limit).
    @Test func builtGroupsHaveTheParsedOrder() throws {
        for (text, name, order) in Self.accepted() where order <= 2 * 40 || text.hasPrefix("C") {
            let group = try PointGroup(name: text)
            #expect(group.order == order, "\(text)")
            #expect(group.name == name)
        }
    }
}
