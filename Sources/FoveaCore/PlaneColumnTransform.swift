import CFFTW

/// A 3-D real FFT computed as independent pieces so that threads can share it without changing a
/// bit: the r2c transform of a [N_z, N_y, N_x] array (x fastest) is a 2-D r2c of each z plane
/// followed by a 1-D complex transform along z of every (y, k_x) column; the inverse runs the
/// columns first, then a 2-D c2r of each plane. Every plane is transformed by the one plane plan
/// and every y row of columns (N_x/2 + 1 transforms of length N_z) by the one column plan, each
/// in an aligned scratch buffer, so a piece's bits do not depend on the thread that computes it or
/// on the number of threads (`VolumeThreads`). FFTW's own threaded plans do not promise that.
///
/// The result equals FFTW's plain 3-D transform up to rounding (the same DFT, summed in another
/// order; `PlaneColumnTransformTests` bounds the difference). Unnormalised, as FFTW.
final class PlaneColumnTransform: @unchecked Sendable {
    /// Extents, slowest first: N_z, N_y, N_x.
    let depth: Int, height: Int, width: Int
    /// Complex values per x row, N_x/2 + 1.
    let rowLength: Int
    private let planeForward: OpaquePointer, planeInverse: OpaquePointer
    private let columnForward: OpaquePointer, columnInverse: OpaquePointer

    /// Plans the pieces (call under the planner's lock: FFTW's planner is not thread-safe).
    init(dimensions: [Int], flags: UInt32) {
        precondition(dimensions.count == 3, "A plane-and-column transform is 3-D")
        depth = dimensions[0]; height = dimensions[1]; width = dimensions[2]
        rowLength = width / 2 + 1
        let planeReal = fftwf_alloc_real(height * width)!
        let planeComplex = fftwf_alloc_complex(height * rowLength)!
        let columns = fftwf_alloc_complex(depth * rowLength)!
        defer { fftwf_free(planeReal); fftwf_free(planeComplex); fftwf_free(columns) }
        planeForward = fftwf_plan_dft_r2c_2d(Int32(height), Int32(width), planeReal, planeComplex, flags)!
        planeInverse = fftwf_plan_dft_c2r_2d(Int32(height), Int32(width), planeComplex, planeReal, flags)!
        var n = Int32(depth)
        let w = Int32(rowLength)
        columnForward = fftwf_plan_many_dft(1, &n, w, columns, nil, w, 1, columns, nil, w, 1, fovea_fftw_forward(), flags)!
        columnInverse = fftwf_plan_many_dft(1, &n, w, columns, nil, w, 1, columns, nil, w, 1, fovea_fftw_backward(), flags)!
    }

    /// r2c of `real` (N_z·N_y·N_x values) into `complex` (N_z·N_y·(N_x/2 + 1) values); `real` is kept.
    func forward(real: UnsafeMutablePointer<Float>, complex: UnsafeMutablePointer<fftwf_complex>) {
        nonisolated(unsafe) let (input, output) = (real, complex)
        forEachPlane { z, scratchReal, scratchComplex in
            scratchReal.update(from: input + z * height * width, count: height * width)
            fftwf_execute_dft_r2c(planeForward, scratchReal, scratchComplex)
            (output + z * height * rowLength).update(from: scratchComplex, count: height * rowLength)
        }
        transformColumns(complex, plan: columnForward)
    }

    /// r2c of the real array whose planes `fillPlane(z, plane)` writes (every N_y·N_x value of plane
    /// z; called concurrently for different planes) into `complex`: the pieces and bits of
    /// `forward(real:complex:)` of the whole array, without holding it. `complex` need not be aligned.
    func forward(fillingPlanes fillPlane: (Int, UnsafeMutableBufferPointer<Float>) -> Void,
                 complex: UnsafeMutablePointer<fftwf_complex>) {
        nonisolated(unsafe) let output = complex
        forEachPlane { z, scratchReal, scratchComplex in
            fillPlane(z, UnsafeMutableBufferPointer(start: scratchReal, count: height * width))
            fftwf_execute_dft_r2c(planeForward, scratchReal, scratchComplex)
            (output + z * height * rowLength).update(from: scratchComplex, count: height * rowLength)
        }
        transformColumns(complex, plan: columnForward)
    }

    /// c2r of `complex` into `real`; destroys `complex`.
    func inverse(complex: UnsafeMutablePointer<fftwf_complex>, real: UnsafeMutablePointer<Float>) {
        transformColumns(complex, plan: columnInverse)
        nonisolated(unsafe) let (input, output) = (complex, real)
        forEachPlane { z, scratchReal, scratchComplex in
            scratchComplex.update(from: input + z * height * rowLength, count: height * rowLength)
            fftwf_execute_dft_c2r(planeInverse, scratchComplex, scratchReal)
            (output + z * height * width).update(from: scratchReal, count: height * width)
        }
    }

    /// c2r in place: `data` holds the N_z·N_y·(N_x/2 + 1) complex values (any alignment) and
    /// receives the N_z·N_y·N_x real values at its start, with the bits of `inverse`. The columns
    /// are transformed in place; then the planes in ascending batches of `VolumeThreads.count`:
    /// every plane of a batch is read into its scratch and transformed before any is written
    /// back, and plane z's real values end at (z + 1)·N_y·N_x floats, before the complex values
    /// of plane z + 1 begin at (z + 1)·N_y·(N_x + 2), so no unread value is overwritten.
    func inverseInPlace(_ data: UnsafeMutableRawPointer) {
        let complex = data.assumingMemoryBound(to: fftwf_complex.self)
        transformColumns(complex, plan: columnInverse)
        let slots = max(1, min(VolumeThreads.count, depth))
        let planeComplex = height * rowLength, planeReal = height * width
        let reals = (0..<slots).map { _ in fftwf_alloc_real(planeReal)! }
        let complexes = (0..<slots).map { _ in fftwf_alloc_complex(planeComplex)! }
        defer {
            for pointer in reals { fftwf_free(pointer) }
            for pointer in complexes { fftwf_free(pointer) }
        }
        nonisolated(unsafe) let (input, realScratch, complexScratch) = (complex, reals, complexes)
        var first = 0
        while first < depth {
            let count = min(slots, depth - first), batch = first
            VolumeThreads.forEachChunk(of: count) { range in
                for slot in range {
                    complexScratch[slot].update(from: input + (batch + slot) * planeComplex, count: planeComplex)
                    fftwf_execute_dft_c2r(planeInverse, complexScratch[slot], realScratch[slot])
                }
            }
            for slot in 0..<count {
                (data + (batch + slot) * planeReal * MemoryLayout<Float>.stride)
                    .copyMemory(from: realScratch[slot], byteCount: planeReal * MemoryLayout<Float>.stride)
            }
            first += count
        }
    }

    /// Calls `body(z, real scratch, complex scratch)` for every plane z, the planes split over
    /// `VolumeThreads`; each thread has its own aligned plane-sized scratch arrays.
    private func forEachPlane(_ body: (Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<fftwf_complex>) -> Void) {
        VolumeThreads.forEachChunk(of: depth) { planes in
            let scratchReal = fftwf_alloc_real(height * width)!
            let scratchComplex = fftwf_alloc_complex(height * rowLength)!
            defer { fftwf_free(scratchReal); fftwf_free(scratchComplex) }
            for z in planes { body(z, scratchReal, scratchComplex) }
        }
    }

    /// The 1-D transforms along z of every column, in place: one y row of columns at a time,
    /// gathered into a contiguous scratch array (N_z rows of N_x/2 + 1 values).
    private func transformColumns(_ data: UnsafeMutablePointer<fftwf_complex>, plan: OpaquePointer) {
        let row = rowLength, rowStride = height * rowLength
        nonisolated(unsafe) let values = data
        VolumeThreads.forEachChunk(of: height) { rows in
            let scratch = fftwf_alloc_complex(depth * row)!
            defer { fftwf_free(scratch) }
            for y in rows {
                for z in 0..<depth { (scratch + z * row).update(from: values + z * rowStride + y * row, count: row) }
                fftwf_execute_dft(plan, scratch, scratch)
                for z in 0..<depth { (values + z * rowStride + y * row).update(from: scratch + z * row, count: row) }
            }
        }
    }
}
