import Numerics

/// Radial Fourier-space filter profiles. Frequencies are in cycles per pixel (|k|/N, 0 … 0.5);
/// divide Å⁻¹ by the pixel size's inverse: f = p/d for a resolution d in Å.
public enum FourierFilter {
    /// cisTEM CosineMask profile (§1.5): 1 for f ≤ R − w/2, 0 for f ≥ R + w/2, and
    /// ½[1 + cos(π(f − (R − w/2))/w)] in between. R is the centre of the edge. w = 0 is a hard
    /// step that passes f ≤ R.
    public static func cosineLowPass(frequency f: Double, radius: Double, edgeWidth: Double) -> Double {
        let start = radius - edgeWidth / 2
        if f <= start { return edgeWidth > 0 || f <= radius ? 1 : 0 }
        if f >= radius + edgeWidth / 2 { return 0 }
        return CosineEdge.falloff(at: f, start: start, width: edgeWidth)
    }

    /// The inverted cosine mask: 1 − `cosineLowPass` (a high-pass; passes f > R).
    public static func cosineHighPass(frequency f: Double, radius: Double, edgeWidth: Double) -> Double {
        1 - cosineLowPass(frequency: f, radius: radius, edgeWidth: edgeWidth)
    }

    /// B-factor weight exp(−B·s²/4) at s = f/p Å⁻¹ (B in Å², p in Å/pixel). B > 0 blurs,
    /// B < 0 sharpens.
    public static func bFactor(frequency f: Double, bFactor b: Double, pixelSize p: Double) -> Double {
        let s = f / p
        return Double.exp(-b * s * s / 4)
    }
}

extension HalfComplexImage {
    /// Multiplies each value by `profile(|k|/N)` (cycles per pixel).
    public mutating func applyRadialFilter(_ profile: (Double) -> Double) {
        let n = size, w = width
        values.withUnsafeMutableBufferPointer { v in
            for j in 0..<n {
                let ky = Double(FourierGrid.frequency(index: j, size: n))
                for i in 0..<w {
                    let f: Double = (Double(i * i) + ky * ky).squareRoot() / Double(n)
                    v[i + w * j] = v[i + w * j].scaled(by: Float(profile(f)))
                }
            }
        }
    }

    /// Cosine low-pass, radius and edge width in cycles per pixel (§1.5).
    public mutating func applyCosineLowPass(radius: Double, edgeWidth: Double) {
        applyRadialFilter { FourierFilter.cosineLowPass(frequency: $0, radius: radius, edgeWidth: edgeWidth) }
    }

    /// Cosine high-pass (inverted cosine mask), radius and edge width in cycles per pixel.
    public mutating func applyCosineHighPass(radius: Double, edgeWidth: Double) {
        applyRadialFilter { FourierFilter.cosineHighPass(frequency: $0, radius: radius, edgeWidth: edgeWidth) }
    }

    /// Multiplies by exp(−B·s²/4), B in Å², pixel size in Å.
    public mutating func applyBFactor(_ b: Double, pixelSize: Double) {
        applyRadialFilter { FourierFilter.bFactor(frequency: $0, bFactor: b, pixelSize: pixelSize) }
    }
}

extension HalfComplexVolume {
    /// Multiplies each value by `profile(|k|/N)` (cycles per pixel).
    public mutating func applyRadialFilter(_ profile: (Double) -> Double) {
        let n = size, w = width
        values.withUnsafeMutableBufferPointer { v in
            for l in 0..<n {
                let kz = Double(FourierGrid.frequency(index: l, size: n))
                for j in 0..<n {
                    let ky = Double(FourierGrid.frequency(index: j, size: n))
                    for i in 0..<w {
                        let f = (Double(i * i) + ky * ky + kz * kz).squareRoot() / Double(n)
                        let index = i + w * (j + n * l)
                        v[index] = v[index].scaled(by: Float(profile(f)))
                    }
                }
            }
        }
    }

    /// Cosine low-pass, radius and edge width in cycles per pixel (§1.5).
    public mutating func applyCosineLowPass(radius: Double, edgeWidth: Double) {
        applyRadialFilter { FourierFilter.cosineLowPass(frequency: $0, radius: radius, edgeWidth: edgeWidth) }
    }

    /// Cosine high-pass (inverted cosine mask), radius and edge width in cycles per pixel.
    public mutating func applyCosineHighPass(radius: Double, edgeWidth: Double) {
        applyRadialFilter { FourierFilter.cosineHighPass(frequency: $0, radius: radius, edgeWidth: edgeWidth) }
    }

    /// Multiplies by exp(−B·s²/4), B in Å², pixel size in Å.
    public mutating func applyBFactor(_ b: Double, pixelSize: Double) {
        applyRadialFilter { FourierFilter.bFactor(frequency: $0, bFactor: b, pixelSize: pixelSize) }
    }
}

extension Volume {
    /// This map with `profile(|k|/N)` applied in Fourier space (e.g. a cosine low-pass).
    public func filtered(planner: FFTPlanner = .shared, _ profile: (Double) -> Double) -> Volume {
        var t = fourierTransform(planner: planner)
        t.applyRadialFilter(profile)
        return t.realSpace(pixelSize: pixelSize, planner: planner)
    }
}
