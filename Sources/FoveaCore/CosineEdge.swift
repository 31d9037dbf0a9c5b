import RealModule

/// The project's one soft edge, the raised cosine of cisTEM's `Image::CosineMask` (docs/algorithm.md
/// §1.5): weight 1 for d ≤ R − w/2, 0 for d ≥ R + w/2 and ½[1 + cos(π(d − (R − w/2))/w)] in
/// between. R is the **centre** of the edge (weight ½ at d = R). Distances and widths share one
/// unit (pixels, Å or 1/pixel). Every soft mask, soft disc, Fourier cosine filter and smoothing
/// kernel of Fovea evaluates `falloff(at:start:width:)`.
public struct CosineEdge: Sendable, Equatable {
    /// R, the centre of the edge.
    public var radius: Double
    /// w, the full width of the edge (0 = hard edge: weight 1 for d ≤ R, else 0).
    public var width: Double

    public init(radius: Double, width: Double) {
        precondition(width >= 0, "Cosine edge width must not be negative")
        self.radius = radius
        self.width = width
    }

    /// The weight at distance d.
    @inlinable public func weight(at distance: Double) -> Double {
        let start = radius - width / 2
        if distance <= start { return 1 }
        if distance >= radius + width / 2 { return 0 }
        return Self.falloff(at: distance, start: start, width: width)
    }

    /// The raised cosine ½[1 + cos(π(d − start)/w)] for start ≤ d ≤ start + w (1 at the start of
    /// the edge, 0 at its end); callers decide what lies before and after the edge.
    @inlinable public static func falloff(at distance: Double, start: Double, width: Double) -> Double {
        0.5 * (1 + Double.cos(Double.pi * (distance - start) / width))
    }
}

/// What a real-space cosine mask puts outside: value = weight·v + (1 − weight)·fill.
public enum MaskFill: Sendable, Equatable {
    /// cisTEM's default: the mean of the input over the edge band R − w/2 < d < R + w/2
    /// (for a hard edge, the mean over the voxels/pixels with R − 1 < d ≤ R + 1).
    case edgeAverage
    /// A given constant (cisTEM "force value", usually 0).
    case value(Double)
}

extension Volume {
    /// Multiplies the map by a spherical cosine mask centred `centre` pixels from the map centre
    /// (voxel (N/2, N/2, N/2)), blending towards `fill` outside. Radius and width in pixels.
    public mutating func applySphericalMask(_ edge: CosineEdge, centre: SIMD3<Double> = .zero, fill: MaskFill) {
        let n = size, half = Double(size / 2)
        func distance(_ index: Int) -> Double {
            let x = Double(index % n) - half - centre.x
            let y = Double((index / n) % n) - half - centre.y
            let z = Double(index / (n * n)) - half - centre.z
            return (x * x + y * y + z * z).squareRoot()
        }
        voxels.withUnsafeMutableBufferPointer { values in
            let fillValue = resolvedFill(fill, edge: edge, count: values.count, value: { Double(values[$0]) }, distance: distance)
            // Each voxel alone: the z planes split over `VolumeThreads` without changing a bit.
            nonisolated(unsafe) let values = values
            VolumeThreads.forEachChunk(of: n) { planes in
                for index in (n * n * planes.lowerBound)..<(n * n * planes.upperBound) {
                    let w = edge.weight(at: distance(index))
                    if w < 1 { values[index] = Float(w * Double(values[index]) + (1 - w) * fillValue) }
                }
            }
        }
    }
}

extension Image2D {
    /// Multiplies the image by a circular cosine mask centred `centre` pixels from the image centre
    /// (pixel (N/2, N/2)), blending towards `fill` outside. Radius and width in pixels.
    public mutating func applyCircularMask(_ edge: CosineEdge, centre: SIMD2<Double> = .zero, fill: MaskFill) {
        let n = size, half = Double(size / 2)
        func distance(_ index: Int) -> Double {
            let x = Double(index % n) - half - centre.x
            let y = Double(index / n) - half - centre.y
            return (x * x + y * y).squareRoot()
        }
        pixels.withUnsafeMutableBufferPointer { values in
            let fillValue = resolvedFill(fill, edge: edge, count: values.count, value: { Double(values[$0]) }, distance: distance)
            for index in 0..<values.count {
                let w = edge.weight(at: distance(index))
                if w < 1 { values[index] = Float(w * Double(values[index]) + (1 - w) * fillValue) }
            }
        }
    }
}

/// The fill value: the constant, or the mean over the edge band.
private func resolvedFill(_ fill: MaskFill, edge: CosineEdge, count: Int, value: (Int) -> Double,
                          distance: (Int) -> Double) -> Double {
    switch fill {
    case .value(let constant):
        return constant
    case .edgeAverage:
        let halfBand = max(edge.width / 2, 1)
        var (sum, samples) = (0.0, 0)
        for index in 0..<count {
            let d = distance(index)
            if d > edge.radius - halfBand && d < edge.radius + halfBand {
                sum += value(index)
                samples += 1
            }
        }
        return samples > 0 ? sum / Double(samples) : 0
    }
}
