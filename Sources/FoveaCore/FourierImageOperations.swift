import Numerics

extension HalfComplexImage {
    /// Fourier cropping (size < N) or zero padding (size > N) to an image of `newSize` pixels.
    ///
    /// Every frequency present in both arrays is copied (kx ≤ min/2, ky ∈ [−min/2, min/2 − 1]);
    /// new ones are 0. With Fovea's normalisation (forward ÷ N²) no rescaling is needed: a
    /// constant image keeps its value, and the pixel size becomes p·N/newSize. Cropping then
    /// padding back keeps exactly the frequencies of the smaller box (the classification
    /// resolution band) and zeros the rest.
    public func resized(to newSize: Int) -> HalfComplexImage {
        var out = HalfComplexImage(size: newSize)
        let half = Swift.min(size, newSize) / 2
        for ky in -half..<half {
            let src = index(kx: 0, ky: ky), dst = out.index(kx: 0, ky: ky)
            for kx in 0...half { out.values[dst + kx] = values[src + kx] }
        }
        return out
    }

    /// Multiplies by exp(−2πi(kx·sx + ky·sy)/N), which moves the real-space content by
    /// (+sx, +sy) pixels (cisTEM's PhaseShift; §1.3). Use (+shx/p, +shy/p) to make a projection
    /// match a raw image, (−shx/p, −shy/p) to centre a particle.
    public mutating func applyPhaseShift(x sx: Double, y sy: Double) {
        let w = width, n = size
        let ax = -2 * Double.pi * sx / Double(n), ay = -2 * Double.pi * sy / Double(n)
        // Per-axis phase factors, multiplied per pixel (exact trig per axis, no accumulation drift).
        let columnPhase = (0..<w).map { Complex<Float>(Float(Double.cos(ax * Double($0))), Float(Double.sin(ax * Double($0)))) }
        values.withUnsafeMutableBufferPointer { v in
            for j in 0..<n {
                let ky = Double(FourierGrid.frequency(index: j, size: n))
                let rowPhase = Complex<Float>(Float(Double.cos(ay * ky)), Float(Double.sin(ay * ky)))
                let base = w * j
                for i in 0..<w { v[base + i] = v[base + i] * (columnPhase[i] * rowPhase) }
            }
        }
    }

    /// Multiplies every value by the real weight of the same index, e.g. a CTF on the half-plane
    /// grid in this layout ((N/2 + 1) columns × N rows, row j ↔ ky = j or j − N).
    public mutating func multiply(by weights: [Float]) {
        precondition(weights.count == values.count, "Weights need (N/2+1)·N values in the half-plane layout")
        values.withUnsafeMutableBufferPointer { v in
            weights.withUnsafeBufferPointer { w in
                for i in 0..<v.count { v[i] = Complex(v[i].real * w[i], v[i].imaginary * w[i]) }
            }
        }
    }
}

extension HalfComplexVolume {
    /// Fourier cropping (newSize < N) or zero padding (newSize > N) of the 3-D transform: every
    /// frequency present in both boxes is copied, the rest is 0. No rescaling is needed with the
    /// ÷N³ normalisation (a constant map keeps its value); the voxel size becomes p·N/newSize.
    public func resized(to newSize: Int) -> HalfComplexVolume {
        var out = HalfComplexVolume(size: newSize)
        let half = Swift.min(size, newSize) / 2
        for kz in -half..<half {
            for ky in -half..<half {
                let src = index(kx: 0, ky: ky, kz: kz), dst = out.index(kx: 0, ky: ky, kz: kz)
                for kx in 0...half { out.values[dst + kx] = values[src + kx] }
            }
        }
        return out
    }
}
