import FoveaCore

/// The hard likelihood disc of §5.3, in the pixel frame of a centred N×N image: pixel (ix, iy)
/// (ix = column, fastest) belongs when (ix − centreX)² + (iy − centreY)² ≤ radius². Pixels outside
/// the box are simply absent (no wrap-around, as cisTEM).
public struct LikelihoodDisc: Sendable, Equatable {
    /// Centre column, in pixels from pixel 0 (the box centre is N/2).
    public let centreX: Double
    /// Centre row, in pixels from pixel 0.
    public let centreY: Double
    /// Radius in pixels (> 0).
    public let radius: Double

    public init(centreX: Double, centreY: Double, radius: Double) {
        precondition(radius > 0 && radius.isFinite, "disc radius must be positive")
        self.centreX = centreX
        self.centreY = centreY
        self.radius = radius
    }

    /// The global disc: centred on pixel (N/2, N/2) with the outer radius R_out/p.
    public static func centred(boxSize: Int, radius: Double) -> LikelihoodDisc {
        LikelihoodDisc(centreX: Double(boxSize / 2), centreY: Double(boxSize / 2), radius: radius)
    }

    /// The focus sphere projected along a particle's view (§5.3): centre N/2 + (Mᵀ·c)_xy, where
    /// `sphereCentre` c is relative to the map centre in pixels and M = M(φ, θ, ψ) of the view.
    public static func projectedSphere(sphereCentre: SIMD3<Double>, radius: Double,
                                       view: RotationMatrix, boxSize: Int) -> LikelihoodDisc {
        let projected = view.transposed.apply(sphereCentre)
        return LikelihoodDisc(centreX: Double(boxSize / 2) + projected.x,
                              centreY: Double(boxSize / 2) + projected.y, radius: radius)
    }

    /// Analytic area π r², the n_pix of cisTEM's LogP (§5.4).
    public var analyticArea: Double { Double.pi * radius * radius }

    /// Whether pixel (x, y) is in the disc.
    @inlinable
    public func contains(x: Int, y: Int) -> Bool {
        let dx = Double(x) - centreX, dy = Double(y) - centreY
        return dx * dx + dy * dy <= radius * radius
    }

    /// The columns of row `y` inside the disc, clipped to 0 ..< width (empty if none). Exactly the
    /// pixels for which `contains` is true: the square-root estimate is corrected by the direct test.
    public func columns(inRow y: Int, width: Int) -> Range<Int> {
        let dy = Double(y) - centreY
        let remaining = radius * radius - dy * dy
        guard remaining >= 0 else { return 0..<0 }
        let half = remaining.squareRoot()
        var low = Int((centreX - half).rounded(.up)), high = Int((centreX + half).rounded(.down))
        while contains(x: low - 1, y: y) { low -= 1 }
        while low <= high && !contains(x: low, y: y) { low += 1 }
        while contains(x: high + 1, y: y) { high += 1 }
        while high >= low && !contains(x: high, y: y) { high -= 1 }
        low = max(low, 0)
        high = min(high, width - 1)
        return low <= high ? low ..< high + 1 : 0..<0
    }

    /// Number of pixels of a width×height image inside the disc (N_disc of §5.4).
    public func pixelCount(width: Int, height: Int) -> Int {
        (0..<height).reduce(0) { $0 + columns(inRow: $1, width: width).count }
    }
}
