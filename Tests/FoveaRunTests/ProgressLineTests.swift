import Foundation
import FoveaRun
import Testing

/// The progress line's resolutions: numbers for classes with an FSC-0.143 crossing, "—" for a
/// class without one (an empty half set gives an infinite or absurd value).
@Suite struct ProgressLineTests {
    @Test func aClassWithoutResolutionPrintsADash() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let value = Double.random(in: 0.5..<999_999, using: &random)
            #expect(ProgressReporter.resolutionText(value) == String(format: "%.1f", value))
        }
        for absurd in [Double.infinity, .nan, 192_000_000_000, 1e6, 0, -3] {
            #expect(ProgressReporter.resolutionText(absurd) == "—", "\(absurd)")
        }
    }
}
