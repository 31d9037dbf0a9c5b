import FoveaClassify
import FoveaCore
import FoveaSimulate

/// The two-region phantom (FoveaSimulate) as engine inputs, with its focus sphere.
struct SyntheticDataset {
    var particles: [ParticleInput]
    var truth: [[Int]]
    var maps: [Volume]

    static let focus = FocusSphere(x: TwoRegionPhantom.focusCentre.x, y: TwoRegionPhantom.focusCentre.y,
                                   z: TwoRegionPhantom.focusCentre.z, radius: TwoRegionPhantom.focusRadius, origin: .centre)

    static func make(count: Int, snr: Double, seed: UInt64, symmetricHalves: Bool = false,
                     largeVaries: Bool = true) -> SyntheticDataset {
        let phantom = TwoRegionPhantom.make(count: count, snr: snr, seed: seed, symmetricHalves: symmetricHalves,
                                            largeVaries: largeVaries)
        let particles = phantom.particles.enumerated().map { i, p in
            ParticleInput(image: p.image, angles: p.angles, shiftX: p.shiftX, shiftY: p.shiftY, ctf: p.ctf,
                          halfSet: i % 2 == 0 ? .first : .second, globalIndex: i)
        }
        return SyntheticDataset(particles: particles, truth: phantom.truth, maps: phantom.maps)
    }
}

/// Cohen's kappa of a two-class partition against 0/1 truth, after the better of the two labellings.
func twoClassKappa(_ assigned: [Int32], _ truth: [Int]) -> Double {
    func kappa(_ flip: Bool) -> Double {
        var table = [[0.0, 0.0], [0.0, 0.0]]
        for (a, t) in zip(assigned, truth) { table[flip ? 1 - Int(a) : Int(a)][t] += 1 }
        let n = Double(truth.count)
        let observed = (table[0][0] + table[1][1]) / n
        let expected = ((table[0][0] + table[0][1]) * (table[0][0] + table[1][0])
                        + (table[1][0] + table[1][1]) * (table[0][1] + table[1][1])) / (n * n)
        return (observed - expected) / (1 - expected)
    }
    return max(kappa(false), kappa(true))
}
