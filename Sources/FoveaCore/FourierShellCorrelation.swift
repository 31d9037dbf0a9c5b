import Numerics

/// Fourier shell correlation between two maps of the same box N.
///
/// Shell s holds the Fourier voxels with round(|k|) = s, |k| in Fourier pixels, s = 0 … N/2
/// (spatial frequency s/(N·p) Å⁻¹). Sums run over the full Fourier space: half-space voxels with
/// 0 < kx < N/2 count twice (for k and −k), the kx = 0 and kx = N/2 planes once.
public struct FourierShellCorrelation: Sendable, Equatable {
    /// FSC per shell, index = shell s; 0 where a shell has no power.
    public let values: [Double]
    /// Box N of the maps.
    public let size: Int

    /// The FSC of `a` and `b` (same even box).
    public init(_ a: Volume, _ b: Volume, planner: FFTPlanner = .shared) {
        precondition(a.size == b.size, "FSC needs maps of the same box")
        self.init(a.fourierTransform(planner: planner), b.fourierTransform(planner: planner))
    }

    /// The FSC of two half-space transforms of the same box.
    public init(_ a: HalfComplexVolume, _ b: HalfComplexVolume) {
        precondition(a.size == b.size, "FSC needs transforms of the same box")
        let n = a.size, w = n / 2 + 1, shells = n / 2 + 1
        // Partial sums over fixed blocks of z planes, added in block order: the same bits for any
        // number of `VolumeThreads`.
        let sums = a.values.withUnsafeBufferPointer { av in
            b.values.withUnsafeBufferPointer { bv in
                nonisolated(unsafe) let (av, bv) = (av, bv)
                return VolumeThreads.blockSums(of: n, width: 3 * shells) { planes, sums in
                    for l in planes {
                        let kz = FourierGrid.frequency(index: l, size: n)
                        for j in 0..<n {
                            let ky = FourierGrid.frequency(index: j, size: n)
                            for i in 0..<w {
                                let shell = Int((Double(i * i + ky * ky + kz * kz)).squareRoot().rounded())
                                if shell >= shells { continue }
                                let multiplicity: Double = (i == 0 || i == n / 2) ? 1 : 2
                                let x = av[i + w * (j + n * l)], y = bv[i + w * (j + n * l)]
                                let (xr, xi, yr, yi) = (Double(x.real), Double(x.imaginary), Double(y.real), Double(y.imaginary))
                                sums[shell] += multiplicity * (xr * yr + xi * yi)
                                sums[shells + shell] += multiplicity * (xr * xr + xi * xi)
                                sums[2 * shells + shell] += multiplicity * (yr * yr + yi * yi)
                            }
                        }
                    }
                }
            }
        }
        let cross = sums[0..<shells], powerA = sums[shells..<(2 * shells)], powerB = sums[(2 * shells)...]
        values = (0..<shells).map { s in
            let d = (powerA[shells + s] * powerB[2 * shells + s]).squareRoot()
            return d > 0 ? cross[s] / d : 0
        }
        size = n
    }

    /// The resolution (Å) where the FSC first falls below `threshold` (default 0.143), found by
    /// linear interpolation between shells s − 1 and s and converted as N·p/s; 2p (Nyquist) if it
    /// never falls below.
    public func resolution(threshold: Double = 0.143, pixelSize: Double) -> Double {
        Self.resolution(of: values, size: size, threshold: threshold, pixelSize: pixelSize)
    }

    /// `resolution(threshold:pixelSize:)` for a stored curve (`values`, box `size`).
    public static func resolution(of values: [Double], size: Int, threshold: Double = 0.143, pixelSize: Double) -> Double {
        for s in 1..<values.count where values[s] < threshold {
            let f = (values[s - 1] - threshold) / (values[s - 1] - values[s])
            let shell = Double(s - 1) + f
            return Double(size) * pixelSize / Swift.max(shell, 1e-9)
        }
        return 2 * pixelSize
    }
}

/// Two half-set accumulators (§8.2 "half sets") and their maps and FSC.
public struct HalfSetReconstruction: Sendable {
    /// Accumulators for half sets 1 and 2 (index 0 and 1).
    public var halves: [ReconstructionAccumulator]

    public init(size: Int, padding: Int = 1) {
        halves = [ReconstructionAccumulator(size: size, padding: padding),
                  ReconstructionAccumulator(size: size, padding: padding)]
    }

    /// Inserts into half set `halfSet` (1 or 2); see `ReconstructionAccumulator.insert`.
    public mutating func insert(_ spectrum: HalfComplexImage, ctf: [Float]?, rotation: RotationMatrix,
                                weight: Double, halfSet: Int, maxRadius: Double? = nil) {
        precondition(halfSet == 1 || halfSet == 2, "Half set must be 1 or 2")
        halves[halfSet - 1].insert(spectrum, ctf: ctf, rotation: rotation, weight: weight, maxRadius: maxRadius)
    }

    /// Both half maps, each finalised with `regularisation`.
    public func halfMaps(regularisation: WienerRegularisation, pixelSize: Double = 1) -> (Volume, Volume) {
        (halves[0].finalised(regularisation: regularisation, pixelSize: pixelSize),
         halves[1].finalised(regularisation: regularisation, pixelSize: pixelSize))
    }

    /// The map from both half sets together.
    public func fullMap(regularisation: WienerRegularisation, pixelSize: Double = 1) -> Volume {
        var total = halves[0]
        total.add(halves[1])
        return total.finalised(regularisation: regularisation, pixelSize: pixelSize)
    }

    /// FSC between the two half maps.
    public func fsc(regularisation: WienerRegularisation) -> FourierShellCorrelation {
        let (a, b) = halfMaps(regularisation: regularisation)
        return FourierShellCorrelation(a, b)
    }
}
