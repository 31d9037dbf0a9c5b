/// Sums that are exactly the same whatever the number of ranks or the order of the rows: each
/// value is rounded to a fixed-point Int64 with 30 fractional bits (resolution ≈ 9.3·10⁻¹⁰) and
/// the integers are added, which is associative. Used for everything that feeds back into the
/// assignments (class priors, class-average occupancies, ⟨σ⟩), so that runs on 1, 2 or 3 ranks
/// give identical occupancies. Valid while Σ|values| < 2⁶³/2³⁰ ≈ 8.6·10⁹, e.g. 8.6·10⁷ rows of
/// occupancies ≤ 100 %.
public enum ExactSum {
    /// Fixed-point scale 2³⁰.
    public static let scale = 0x1p30

    /// The fixed-point representation of `value`.
    @inlinable
    public static func quantise(_ value: Float) -> Int64 {
        Int64((Double(value) * scale).rounded())
    }

    /// The real value of a fixed-point sum.
    @inlinable
    public static func value(_ sum: Int64) -> Double { Double(sum) / scale }
}
