import CFFTW
import Numerics

extension RealFFTPlan {
    /// Copies interleaved complex rows (x rows of N_x/2 + 1 values; `source` may equal `target`),
    /// multiplying by `scale` and, if `centred`, by (−1)^(sum of the value's frequency indices):
    /// the normalisation and centring of Fovea's FFT convention (`FFTWorkspace`). 3-D shapes split
    /// the rows over `VolumeThreads` (each row is copied alone, so the bits do not depend on it);
    /// smaller shapes stay on the calling thread.
    func normaliseRows(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, scale: Float, centred: Bool) {
        let rowLength = dimensions.last! / 2 + 1, rows = complexCount / rowLength
        guard dimensions.count == 3 else {
            return normaliseRows(0..<rows, rowLength: rowLength, from: source, to: target, scale: scale, centred: centred)
        }
        nonisolated(unsafe) let (from, to) = (source, target)
        VolumeThreads.forEachChunk(of: rows) {
            normaliseRows($0, rowLength: rowLength, from: from, to: to, scale: scale, centred: centred)
        }
    }

    private func normaliseRows(_ rows: Range<Int>, rowLength: Int, from source: UnsafePointer<Float>,
                               to target: UnsafeMutablePointer<Float>, scale: Float, centred: Bool) {
        for row in rows {
            let base = 2 * rowLength * row
            let s = centred && rowParity(row) == 1 ? -scale : scale
            let src = source + base, dst = target + base
            if centred {
                var i = 0
                while i < rowLength {
                    let sign: Float = i & 1 == 0 ? s : -s
                    dst[2 * i] = src[2 * i] * sign
                    dst[2 * i + 1] = src[2 * i + 1] * sign
                    i += 1
                }
            } else {
                for f in 0..<(2 * rowLength) { dst[f] = src[f] * s }
            }
        }
    }

    /// Sign (±1) of row `row` (all indices except x) for centring, from the parity of its indices.
    @inline(__always) private func rowParity(_ row: Int) -> Int {
        var rest = row, parity = 0
        for extent in dimensions.dropLast().reversed() {
            parity += rest % extent
            rest /= extent
        }
        return parity & 1
    }

    /// The forward transform of a 3-D real array given plane by plane, straight into `output`:
    /// `fillPlane(z, plane)` must set every one of the N_y·N_x values of plane z (x fastest); it is
    /// called once per plane, concurrently for different planes (`VolumeThreads`). Normalised
    /// (÷ N_z·N_y·N_x) and centred if asked — the same bits as `FFTWorkspace.forward(filling:into:)`
    /// of the whole array, without the workspace's two (N_z·N_y·N_x)-sized buffers: only `output`
    /// and one plane of scratch per thread. `output` (complexCount values) need not be FFTW-aligned.
    public func forward(fillingPlanes fillPlane: (Int, UnsafeMutableBufferPointer<Float>) -> Void,
                        into output: UnsafeMutableBufferPointer<Complex<Float>>, centred: Bool = true) {
        precondition(dimensions.count == 3, "Plane-by-plane transforms are 3-D")
        precondition(output.count == complexCount, "FFT buffer sizes differ from the plan")
        if centred { precondition(dimensions.allSatisfy { $0 % 2 == 0 }, "Centred FFTs need even extents") }
        guard let planeColumn else { preconditionFailure("3-D plans are plane-and-column transforms") }
        let complex = UnsafeMutableRawPointer(output.baseAddress!)
        planeColumn.forward(fillingPlanes: fillPlane, complex: complex.assumingMemoryBound(to: fftwf_complex.self))
        let values = complex.assumingMemoryBound(to: Float.self)
        normaliseRows(from: values, to: values, scale: 1 / Float(realCount), centred: centred)
    }
}
