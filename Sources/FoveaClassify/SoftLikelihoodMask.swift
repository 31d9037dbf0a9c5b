import Foundation
import FoveaCore

extension LikelihoodDisc {
    /// Weights of a soft-edged version of the disc for the weighted LogP (our extension of §5.3),
    /// width×height, row-major (x fastest). The edge follows cisTEM's `CosineMask` (§1.5) with the
    /// disc radius R as the **centre** of an edge `edge` pixels wide: w = 1 for d ≤ R − edge/2,
    /// w = ½[1 + cos(π(d − (R − edge/2))/edge)] up to d = R + edge/2, 0 beyond, where d is the
    /// distance of the pixel from the centre. So Σ w ≈ π R², the n_pix of the hard disc.
    /// `edge` 0 gives the hard disc (w = 1 exactly where `contains` is true).
    public func softWeights(width: Int, height: Int, edge: Double) -> [Float] {
        precondition(edge >= 0 && edge.isFinite, "edge must be ≥ 0 pixels")
        var weights = [Float](repeating: 0, count: width * height)
        let inner = radius - edge / 2, outer = radius + edge / 2
        for y in 0..<height {
            for x in 0..<width {
                let dx = Double(x) - centreX, dy = Double(y) - centreY
                let distance = (dx * dx + dy * dy).squareRoot()
                let weight: Double
                if edge == 0 {
                    weight = contains(x: x, y: y) ? 1 : 0
                } else if distance <= inner {
                    weight = 1
                } else if distance >= outer {
                    weight = 0
                } else {
                    weight = CosineEdge.falloff(at: distance, start: inner, width: edge)
                }
                weights[y * width + x] = Float(weight)
            }
        }
        return weights
    }
}
