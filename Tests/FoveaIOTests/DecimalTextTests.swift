import Foundation
import Testing
import FoveaCore
import FoveaIO

/// Numbers are printed without binary noise: a decimal of up to 12 significant digits (what
/// input files hold) reads back exactly; any Double is printed with at most 12 significant digits
/// and reads back within a relative 10⁻¹¹; the noise of arithmetic is gone.
@Suite struct DecimalTextTests {
    /// Significant digits of a printed number ("0.000123" → 3, "1.5e-07" → 2, "300.0" → 1).
    static func significantDigits(_ text: String) -> Int {
        let mantissa = text.lowercased().split(separator: "e").first.map(String.init) ?? text
        let digits = mantissa.filter(\.isNumber).drop { $0 == "0" }
        return String(digits.reversed()).drop { $0 == "0" }.count
    }

    @Test func decimalsOfUpTo12DigitsRoundTripExactly() {
        var random = SeededRandom(seed: 2026)
        for _ in 0..<20_000 {
            let digits = 1 + Int(random.next() % 12)
            let mantissa = Int64(random.next() % UInt64(pow(10, Double(digits))))
            let exponent = Int(random.next() % 25) - 12
            let sign = random.next() % 2 == 0 ? "" : "-"
            let text = "\(sign)\(mantissa)e\(exponent)"
            let value = Double(text)!
            #expect(Double(DecimalText.text(value)) == value, "\(text)")
            #expect(Double(StarNumber.text(value)) == value, "\(text)")
        }
    }

    @Test func anyDoublePrintsAtMost12DigitsAndReadsBackClose() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<20_000 {
            let value = (random.uniform(in: -1..<1)) * pow(10, Double(Int(random.next() % 30) - 15))
            let text = DecimalText.text(value)
            #expect(Self.significantDigits(text) <= 12, "\(value) → \(text)")
            let back = Double(text)!
            #expect(abs(back - value) <= 1e-11 * abs(value), "\(value) → \(text)")
        }
    }

    @Test func arithmeticNoiseIsNotPrinted() {
        #expect(DecimalText.text(0.1 + 0.2) == "0.3")
        #expect(DecimalText.text(116.304959 * 3 / 3 + 1e-14) == "116.304959")
        #expect(StarNumber.text(300) == "300.0" && StarNumber.text(-2.5) == "-2.5")
        #expect(DecimalText.text(Float(0.1)) == "0.1")
        #expect(DecimalText.text(Double.infinity) == "inf" && DecimalText.text(0) == "0.0")
    }
}
