import CFFTW
import Numerics

/// Aligned scratch buffers for one FFT shape, used by one thread at a time (not `Sendable`):
/// keep one workspace per worker thread in hot loops.
///
/// It applies Fovea's single FFT convention (docs/algorithm.md §1.1), used by the projector and
/// the reconstructor alike:
/// * forward: FFTW r2c, then ÷ (number of real samples: N² or N³);
/// * inverse: FFTW c2r, unscaled;
/// * `centred: true` multiplies by (−1)^(sum of frequency indices), which puts the phase origin
///   at the array centre (pixel N/2 on every axis; all extents must then be even).
///
/// Inputs and outputs are copied through `fftwf_malloc` buffers, so the plan always executes on
/// arrays with the planning arrays' alignment, whatever the alignment of the caller's memory;
/// the copies are fused with the scaling pass. The inverse never touches the caller's spectrum.
public final class FFTWorkspace {
    public let plan: RealFFTPlan
    private let real: UnsafeMutablePointer<Float>
    private let complex: UnsafeMutablePointer<Float>  // 2·complexCount floats (re, im)

    public init(plan: RealFFTPlan) {
        self.plan = plan
        real = fftwf_alloc_real(plan.realCount)!
        complex = UnsafeMutableRawPointer(fftwf_alloc_complex(plan.complexCount)!).assumingMemoryBound(to: Float.self)
    }

    deinit {
        fftwf_free(real)
        fftwf_free(UnsafeMutableRawPointer(complex))
    }

    /// Forward transform of `input` (realCount values) into `output` (complexCount values),
    /// normalised by 1/realCount, centred if asked.
    public func forward(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Complex<Float>>,
                        centred: Bool = true) {
        precondition(input.count == plan.realCount && output.count == plan.complexCount, "FFT buffer sizes differ from the plan")
        if centred { precondition(plan.dimensions.allSatisfy { $0 % 2 == 0 }, "Centred FFTs need even extents") }
        real.update(from: input.baseAddress!, count: plan.realCount)
        plan.executeForward(real: real, complex: UnsafeMutableRawPointer(complex))
        let out = UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: Float.self)
        plan.normaliseRows(from: complex, to: out, scale: 1 / Float(plan.realCount), centred: centred)
    }

    /// Forward transform of the real array `fill` writes into the workspace's own input buffer
    /// (realCount values, not cleared first), as `forward(_:into:centred:)` without the copy in.
    public func forward(filling fill: (UnsafeMutableBufferPointer<Float>) -> Void,
                        into output: UnsafeMutableBufferPointer<Complex<Float>>, centred: Bool = true) {
        precondition(output.count == plan.complexCount, "FFT buffer sizes differ from the plan")
        if centred { precondition(plan.dimensions.allSatisfy { $0 % 2 == 0 }, "Centred FFTs need even extents") }
        fill(UnsafeMutableBufferPointer(start: real, count: plan.realCount))
        plan.executeForward(real: real, complex: UnsafeMutableRawPointer(complex))
        let out = UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: Float.self)
        plan.normaliseRows(from: complex, to: out, scale: 1 / Float(plan.realCount), centred: centred)
    }

    /// Inverse (unscaled) transform of `input` (complexCount values) into `output` (realCount values).
    public func inverse(_ input: UnsafeBufferPointer<Complex<Float>>, into output: UnsafeMutableBufferPointer<Float>,
                        centred: Bool = true) {
        precondition(input.count == plan.complexCount && output.count == plan.realCount, "FFT buffer sizes differ from the plan")
        if centred { precondition(plan.dimensions.allSatisfy { $0 % 2 == 0 }, "Centred FFTs need even extents") }
        let source = UnsafeRawPointer(input.baseAddress!).assumingMemoryBound(to: Float.self)
        plan.normaliseRows(from: source, to: complex, scale: 1, centred: centred)
        plan.executeInverse(complex: UnsafeMutableRawPointer(complex), real: real)
        output.baseAddress!.update(from: real, count: plan.realCount)
    }
}

extension Image2D {
    /// The centred, normalised half-plane transform (see `HalfComplexImage`). N must be even.
    /// Allocates a workspace; hot loops should keep an `FFTWorkspace` per thread instead.
    public func fourierTransform(planner: FFTPlanner = .shared) -> HalfComplexImage {
        let workspace = FFTWorkspace(plan: planner.plan2D(size: size))
        var spectrum = HalfComplexImage(size: size)
        pixels.withUnsafeBufferPointer { input in
            spectrum.values.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) }
        }
        return spectrum
    }
}

extension HalfComplexImage {
    /// The real image of this centred spectrum (unscaled inverse), with `pixelSize` Å/pixel.
    public func realSpace(pixelSize: Double = 1, planner: FFTPlanner = .shared) -> Image2D {
        let workspace = FFTWorkspace(plan: planner.plan2D(size: size))
        var image = Image2D(size: size, pixelSize: pixelSize)
        values.withUnsafeBufferPointer { input in
            image.pixels.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) }
        }
        return image
    }
}

extension Volume {
    /// The centred, normalised half-space transform (see `HalfComplexVolume`). N must be even.
    /// Transforms from the map's own voxels into the result (no workspace copies): the bits of
    /// `FFTWorkspace.forward`.
    public func fourierTransform(planner: FFTPlanner = .shared) -> HalfComplexVolume {
        precondition(size % 2 == 0, "Centred FFTs need even extents")
        let plan = planner.plan3D(size: size)
        var spectrum = HalfComplexVolume(size: size)
        voxels.withUnsafeBufferPointer { input in
            spectrum.values.withUnsafeMutableBytes { output in
                plan.executeForward(anywhere: input.baseAddress!, complex: output.baseAddress!)
                let values = output.baseAddress!.assumingMemoryBound(to: Float.self)
                plan.normaliseRows(from: values, to: values, scale: 1 / Float(plan.realCount), centred: true)
            }
        }
        return spectrum
    }
}

extension HalfComplexVolume {
    /// The real map of this centred transform (unscaled inverse), with `pixelSize` Å/voxel. One
    /// copy of the spectrum is transformed in place into the map (`HalfComplexVolume.realSpace(centredValues:)`).
    public func realSpace(pixelSize: Double = 1, planner: FFTPlanner = .shared) -> Volume {
        let plan = planner.plan3D(size: size)
        var data = [Float](repeating: 0, count: 2 * plan.complexCount)
        values.withUnsafeBytes { input in
            data.withUnsafeMutableBufferPointer { output in
                plan.normaliseRows(from: input.baseAddress!.assumingMemoryBound(to: Float.self),
                                      to: output.baseAddress!, scale: 1, centred: true)
            }
        }
        return Self.realSpace(centredValues: consume data, size: size, pixelSize: pixelSize, planner: planner)
    }

    /// The map (box `size`) of a spectrum whose values are already multiplied by the centring
    /// signs (−1)^(i + j + l): `data` holds them interleaved (re, im), 2·(N/2 + 1)·N² floats, and is
    /// transformed in place (unscaled inverse) and cut to its first N³ floats, the map. The bits
    /// of `FFTWorkspace.inverse`; one spectrum-sized buffer in all.
    public static func realSpace(centredValues data: consuming [Float], size: Int, pixelSize: Double,
                                 planner: FFTPlanner = .shared) -> Volume {
        let plan = planner.plan3D(size: size)
        precondition(data.count == 2 * plan.complexCount, "A spectrum needs 2·(N/2 + 1)·N² floats")
        data.withUnsafeMutableBytes { plan.executeInverseInPlace($0.baseAddress!) }
        data.removeLast(data.count - plan.realCount)
        return Volume(size: size, pixelSize: pixelSize, voxels: data)
    }
}
