/// A disc of 2-D Fourier frequencies (kx, ky), in Fourier pixels of a box: the frequencies with
/// kx² + ky² ≤ `squaredRadius`. Membership is decided on integers, so every user of one disc —
/// the packed particle layout, the likelihood's low-pass, the band-limited insertion — agrees on
/// every frequency: no round-off between a radius and its square can make one of them keep a
/// frequency that another drops.
public struct FrequencyDisc: Sendable, Hashable, Codable {
    /// r² in Fourier pixels² (negative: the empty disc).
    public let squaredRadius: Int

    /// The largest r² a disc may have: far beyond any box (2^52, exact in a Double).
    public static let largestSquaredRadius = 1 << 52

    /// The disc kx² + ky² ≤ `squaredRadius` (clamped to `largestSquaredRadius`).
    public init(squaredRadius: Int) {
        self.squaredRadius = min(squaredRadius, Self.largestSquaredRadius)
    }

    /// The disc of radius r (Fourier pixels): r² rounded down, after allowing a relative round-off
    /// of 10⁻¹² so that a radius computed as √m holds m. A negative or NaN radius gives the empty
    /// disc; an infinite or huge one `largestSquaredRadius`.
    public init(radius: Double) {
        guard radius >= 0 else { self.init(squaredRadius: -1); return }
        let square = radius * radius * (1 + 1e-12)
        guard square < Double(Self.largestSquaredRadius) else { self.init(squaredRadius: Self.largestSquaredRadius); return }
        self.init(squaredRadius: Int(square.rounded(.down)))
    }

    /// The radius √(r²) (Fourier pixels; −1 for the empty disc).
    public var radius: Double { squaredRadius < 0 ? -1 : Double(squaredRadius).squareRoot() }

    /// Whether (kx, ky) is in the disc.
    @inlinable
    public func contains(kx: Int, ky: Int) -> Bool {
        let kx = kx.magnitude, ky = ky.magnitude
        guard kx <= 1 << 26, ky <= 1 << 26 else { return false }
        return Int(kx * kx + ky * ky) <= squaredRadius
    }

    /// The largest |kx| on row ky, or nil when the row misses the disc.
    public func lastColumn(ky: Int) -> Int? {
        guard ky.magnitude <= 1 << 26 else { return nil }
        let remaining = squaredRadius - ky * ky
        return remaining < 0 ? nil : Self.integerSquareRoot(remaining)
    }

    /// The largest |ky| with a frequency in the disc, or nil for the empty disc.
    public var lastRow: Int? { squaredRadius < 0 ? nil : Self.integerSquareRoot(squaredRadius) }

    /// Whether every frequency of `other` is in this disc.
    public func holds(_ other: FrequencyDisc) -> Bool { other.squaredRadius <= squaredRadius }

    /// The smaller disc holding both.
    public static func union(_ a: FrequencyDisc, _ b: FrequencyDisc) -> FrequencyDisc {
        FrequencyDisc(squaredRadius: max(a.squaredRadius, b.squaredRadius))
    }

    /// ⌊√x⌋ for 0 ≤ x ≤ 2^52, exact (the floating-point estimate corrected on integers).
    static func integerSquareRoot(_ x: Int) -> Int {
        var s = Int(Double(x).squareRoot())
        while s * s > x { s -= 1 }
        while (s + 1) * (s + 1) <= x { s += 1 }
        return s
    }
}
