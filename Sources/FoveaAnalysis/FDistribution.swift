import Foundation

/// Snedecor's F distribution's upper tail through the regularised incomplete beta function
/// I_x(a, b) (continued fraction, modified Lentz; relative accuracy ~1e-14).
public enum FDistribution {
    /// P(F ≥ f) for F ~ F(d1, d2): I_{d2/(d2 + d1 f)}(d2/2, d1/2).
    public static func upperTail(_ f: Double, numeratorDegrees d1: Int, denominatorDegrees d2: Int) -> Double {
        precondition(d1 > 0 && d2 > 0, "F degrees of freedom must be positive")
        guard f > 0 else { return 1 }
        guard f.isFinite else { return 0 }
        let x = Double(d2) / (Double(d2) + Double(d1) * f)
        return regularizedBeta(x, Double(d2) / 2, Double(d1) / 2)
    }

    /// I_x(a, b) = B(x; a, b) / B(a, b), 0 ≤ x ≤ 1, a, b > 0.
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        precondition(a > 0 && b > 0 && x >= 0 && x <= 1, "I_x(a, b) needs a, b > 0 and 0 ≤ x ≤ 1")
        if x == 0 || x == 1 { return x }
        let logBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let logFront = logPowers - logBeta
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry
        // I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * continuedFraction(1 - x, b, a) / b
    }

    /// The continued fraction for I_x(a, b) (even and odd steps d_2m, d_2m+1).
    static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<10_000 {
            let mm = Double(m)
            let even = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            let odd = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
