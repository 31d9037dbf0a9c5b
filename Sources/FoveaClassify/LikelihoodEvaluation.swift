import FoveaCore
import Numerics

/// LogP of every row against every class (§5), compared at the classification box N_c:
///     D̂ = L·(X̂ − CTF·B·P̂_k)        (X̂: the row's cropped spectrum, P̂_k: the slice of class k at
///                                   the row's view, B: the reference band, L: the low-pass at d_cl)
/// with D̂(0) = 0, then one inverse FFT of D̂ at N_c and LogP = −½(msd + ln 2π)·n_pix over the
/// row's region. n_pix is counted in pixels of the full N box (π r² for discs, Σw for weights,
/// times (N/N_c)²) so that LogP differences keep cisTEM's meaning after cropping.
/// For `subtract`, X̂ is first replaced by X̂ − α·CTF·B·P̂_out with α fitted per row by least
/// squares over the low-passed band (one value per row and cycle, shared by all classes).
struct LikelihoodEvaluation {
    let croppedSize: Int
    /// L on the N_c half-plane grid.
    let lowPass: [Float]
    /// L·B on the N_c half-plane grid.
    let lowPassBand: [Float]
    /// (N/N_c)²: converts cropped-pixel areas to full-box pixels.
    let areaScale: Double

    init(config: ClassificationConfig, size n: Int, pixelSize p: Double, croppedSize nc: Int) {
        croppedSize = nc
        areaScale = Double(n * n) / Double(nc * nc)
        let croppedPixel = p * Double(n) / Double(nc)
        let w = nc / 2 + 1
        var low = [Float](repeating: 0, count: w * nc), band = low
        for j in 0..<nc {
            let ky = Double(FourierGrid.frequency(index: j, size: nc))
            for i in 0..<w {
                let f = (Double(i * i) + ky * ky).squareRoot() / Double(nc)   // cycles per pixel
                let l = FourierFilter.cosineLowPass(frequency: f, radius: croppedPixel / config.classificationResolution,
                                                    edgeWidth: croppedPixel / 20)
                let b = FourierFilter.cosineLowPass(frequency: f, radius: croppedPixel / config.referenceBand.high,
                                                    edgeWidth: croppedPixel / 100)
                    * FourierFilter.cosineHighPass(frequency: f, radius: croppedPixel / config.referenceBand.low,
                                                   edgeWidth: croppedPixel / 100)
                low[i + w * j] = Float(l)
                band[i + w * j] = Float(l * b)
            }
        }
        lowPass = low
        lowPassBand = band
    }

    /// The smallest even box that holds the low-pass at d_cl including its 1/40 Å⁻¹ edge.
    static func croppedSize(size n: Int, pixelSize p: Double, classificationResolution d: Double) -> Int {
        let needed = Int((2 * Double(n) * p * (1 / d + 1 / 40.0)).rounded(.up))
        return min(n, max(8, needed + needed % 2))
    }

    /// Thread-local buffers: one slice, one difference spectrum, one real image, one FFT plan.
    final class Workspace {
        let fft: FFTWorkspace
        var slice: [Complex<Float>]
        var difference: [Complex<Float>]
        var target: [Complex<Float>]
        var image: [Float]
        init(size nc: Int) {
            fft = FFTWorkspace(plan: FFTPlanner.shared.plan2D(size: nc))
            let count = (nc / 2 + 1) * nc
            slice = [Complex<Float>](repeating: .zero, count: count)
            difference = slice
            target = slice
            image = [Float](repeating: 0, count: nc * nc)
        }
    }

    /// Fills `logP` (rows × K) for the rows of `range`.
    func evaluate(rows range: Range<Int>, particles: [PreparedParticle], particleOfRow: (Int) -> Int,
                  rotations: [RotationMatrix], regions: [LikelihoodRegion], references: PreparedReferences,
                  workspace: Workspace, logP: SharedSlots<Float>, classCount: Int) {
        let radius = Double(croppedSize / 2)
        for row in range {
            let particle = particles[particleOfRow(row)]
            let ctf = particle.croppedCTF
            // Target X̂ (low-passed), after subtraction of the outside density if asked.
            for i in 0..<workspace.target.count {
                workspace.target[i] = scaled(particle.croppedSpectrum.values[i], lowPass[i])
            }
            if let outside = references.outsideProjector {
                workspace.slice.withUnsafeMutableBufferPointer { outside.project(rotations[row], maxRadius: radius, into: $0) }
                var cross = 0.0, power = 0.0
                for i in 0..<workspace.slice.count {
                    let model = scaled(workspace.slice[i], ctf[i] * lowPassBand[i])
                    workspace.slice[i] = model
                    let t = workspace.target[i]
                    cross += Double(t.real * model.real + t.imaginary * model.imaginary)
                    power += Double(model.real * model.real + model.imaginary * model.imaginary)
                }
                let alpha = Float(power > 0 ? cross / power : 0)
                for i in 0..<workspace.target.count { workspace.target[i] = workspace.target[i] - scaled(workspace.slice[i], alpha) }
            }
            for k in 0..<classCount {
                workspace.slice.withUnsafeMutableBufferPointer {
                    references.projectors[k].project(rotations[row], maxRadius: radius, into: $0)
                }
                for i in 0..<workspace.difference.count {
                    workspace.difference[i] = workspace.target[i] - scaled(workspace.slice[i], ctf[i] * lowPassBand[i])
                }
                workspace.difference[0] = .zero
                workspace.difference.withUnsafeBufferPointer { input in
                    workspace.image.withUnsafeMutableBufferPointer { workspace.fft.inverse(input, into: $0) }
                }
                let value: Double = workspace.image.withUnsafeBufferPointer { d in
                    switch regions[row] {
                    case .disc(let disc):
                        return LogLikelihood.logP(difference: d, width: croppedSize, height: croppedSize, disc: disc)
                    case .weights(let weights):
                        return weights.withUnsafeBufferPointer { LogLikelihood.logP(difference: d, weights: $0) }
                    }
                }
                logP.set(row * classCount + k, Float(value * areaScale))
            }
        }
    }
}

/// z·a for a real a.
@inline(__always) private func scaled(_ z: Complex<Float>, _ a: Float) -> Complex<Float> {
    Complex(z.real * a, z.imaginary * a)
}
