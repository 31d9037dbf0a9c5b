import CFFTW
import Foundation

/// The centred inverse FFT of an N×N half-complex image (the convention of `FFTWorkspace.inverse`),
/// computed only for a band of consecutive rows of the image: the values there are bit for bit
/// those of the full transform.
///
/// FFTW solves the N×N complex-to-real problem in two stages: complex inverse transforms along y
/// of the N/2 + 1 columns (in place), then complex-to-real transforms along x of the N rows. A
/// caller that reads a few rows of the result (a likelihood region) needs the second stage for
/// those rows only. This type plans both stages itself (FFTW's guru interface: the same problems
/// the 2-D plan solves, with the same rigor) and uses them only after checking that they are the
/// 2-D plan's own sub-plans: FFTW's printed plan of each stage appears in the printed 2-D plan,
/// and transforms of random spectra agree bit for bit with the 2-D plan's. Otherwise (another
/// FFTW build that decomposes differently, a rigor other than `.estimate`, or a band of all N
/// rows) every transform runs the full 2-D plan, so results never depend on the path taken.
///
/// It holds several input spectra (one per class, say), so that a caller can write them in one
/// pass and transform them one after another. One per thread (it owns its buffers); the plans
/// are shared by all instances of one shape.
public final class RowBandInverseFFT {
    /// Box N.
    public let size: Int
    /// Rows a caller may ask for at once (`transform(rows:)`), at least 1 and at most N.
    public let maxRows: Int
    /// Whether transforms run the two stages for a band of rows (false: the full 2-D plan).
    public var isBanded: Bool { plans.band != nil }
    /// The inputs: each (N/2 + 1)·N interleaved (re, im) Float pairs, kx fastest, in FFTW's
    /// uncentred convention — the centred spectrum times `centringSign(kx:row:)`. Written by the
    /// caller before its transform, which destroys it.
    public let spectra: [UnsafeMutablePointer<Float>]
    /// The output image (N·N Floats); a transform fills the rows of its band.
    private let real: UnsafeMutablePointer<Float>
    private let plans: Plans

    /// Buffers for `spectra` spectra of N×N images of which at most `maxRows` consecutive rows are
    /// read per transform.
    public init(size n: Int, maxRows: Int, spectra count: Int = 1, planner: FFTPlanner = .shared) {
        precondition(n > 0 && n % 2 == 0, "Centred FFTs need an even box")
        FFTWLibrary.avoidAllocatorConsolidation()
        size = n
        self.maxRows = Swift.max(1, Swift.min(n, maxRows))
        plans = Plans.shared(size: n, rows: self.maxRows, planner: planner)
        spectra = (0..<Swift.max(1, count)).map { _ in
            UnsafeMutableRawPointer(fftwf_alloc_complex((n / 2 + 1) * n)!).assumingMemoryBound(to: Float.self)
        }
        real = fftwf_alloc_real(n * n)!
    }

    deinit {
        for spectrum in spectra { fftwf_free(UnsafeMutableRawPointer(spectrum)) }
        fftwf_free(real)
    }

    /// (−1)^(kx + row): the factor that turns the centred spectrum's value at (kx, row j) into
    /// FFTW's input (multiplying by it is exact), as `FFTWorkspace` applies it.
    @inline(__always) public static func centringSign(kx: Int, row: Int) -> Float {
        (kx + row) & 1 == 0 ? 1 : -1
    }

    /// Transforms `spectra[index]` and returns the image rows from `firstRow` on: pixel (x, y) for
    /// y in `rows` is `values[(y − firstRow)·N + x]`, valid until the next transform. `rows` (within
    /// 0..<N, at most `maxRows` long) are always inside the rows computed; other rows of `values`
    /// are not meaningful.
    public func transform(_ index: Int = 0, rows: Range<Int>) -> (values: UnsafePointer<Float>, firstRow: Int) {
        let spectrum = spectra[index]
        let n = size, w = n / 2 + 1
        precondition(rows.lowerBound >= 0 && rows.upperBound <= n && rows.count <= maxRows, "Rows outside the band")
        if let band = plans.band, let columns = plans.columns, let start = plans.start(covering: rows) {
            let complex = UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: fftwf_complex.self)
            fftwf_execute_dft(columns, complex, complex)
            fftwf_execute_dft_c2r(band, complex + w * start, real)
            return (UnsafePointer(real), start)
        }
        plans.full.executeInverse(complex: UnsafeMutableRawPointer(spectrum), real: real)
        return (UnsafePointer(real), 0)
    }

    /// The shared plans of one (N, rows): the full 2-D plan, and the two stages when they were
    /// found to be its own sub-plans.
    final class Plans: @unchecked Sendable {
        let full: RealFFTPlan
        /// In-place inverse transforms along y of the N/2 + 1 columns.
        let columns: OpaquePointer?
        /// Complex-to-real transforms along x of `bandRows` consecutive rows.
        let band: OpaquePointer?
        let size: Int
        /// Rows the band plan computes: the rows asked for, plus `rowStep` − 1 so that a band can
        /// start on a row whose address has the planning alignment.
        let bandRows: Int
        /// Bands start on multiples of this row (FFTW runs a plan only on arrays aligned as the
        /// ones it was planned on).
        let rowStep: Int

        private init(full: RealFFTPlan, columns: OpaquePointer?, band: OpaquePointer?, size: Int, bandRows: Int, rowStep: Int) {
            self.full = full; self.columns = columns; self.band = band
            self.size = size; self.bandRows = bandRows; self.rowStep = rowStep
        }

        /// The first row of a band that covers `rows`, or nil where none does (near the last row
        /// when N − bandRows is not a multiple of `rowStep`; the full plan runs then).
        func start(covering rows: Range<Int>) -> Int? {
            let lastStart = ((size - bandRows) / rowStep) * rowStep
            let start = Swift.min(rows.lowerBound - rows.lowerBound % rowStep, lastStart)
            return start <= rows.lowerBound && start + bandRows >= rows.upperBound ? start : nil
        }

        /// Plans made so far, by [N, rows]; read and written only under the planner lock.
        nonisolated(unsafe) private static var cache: [[Int]: Plans] = [:]

        static func shared(size n: Int, rows: Int, planner: FFTPlanner) -> Plans {
            let full = planner.plan2D(size: n)
            return planner.withPlannerLock { rigor in
                if let plans = cache[[n, rows]] { return plans }
                let plans = make(size: n, rows: rows, full: full, rigor: rigor)
                cache[[n, rows]] = plans
                return plans
            }
        }

        /// Plans the two stages and keeps them only if they are the 2-D plan's (under the lock).
        private static func make(size n: Int, rows: Int, full: RealFFTPlan, rigor: FFTPlanningRigor) -> Plans {
            let w = n / 2 + 1
            let complex = fftwf_alloc_complex(w * n)!, real = fftwf_alloc_real(n * n)!
            defer { fftwf_free(UnsafeMutableRawPointer(complex)); fftwf_free(real) }
            // The smallest row step that keeps a row's address at the planning alignment.
            let base = fftwf_alignment_of(UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self))
            let rowStep = [1, 2, 4, 8, 16].first {
                fftwf_alignment_of(UnsafeMutableRawPointer(complex + w * $0).assumingMemoryBound(to: Float.self)) == base
            } ?? n
            let bandRows = rows + rowStep - 1
            let unbanded = Plans(full: full, columns: nil, band: nil, size: n, bandRows: n, rowStep: 1)
            guard rigor == .estimate, bandRows < n else { return unbanded }
            let flags = rigor.flags
            var columnDimension = fftwf_iodim(n: Int32(n), is: Int32(w), os: Int32(w))
            var columnLoop = fftwf_iodim(n: Int32(w), is: 1, os: 1)
            var rowDimension = fftwf_iodim(n: Int32(n), is: 1, os: 1)
            var rowLoop = fftwf_iodim(n: Int32(bandRows), is: Int32(w), os: Int32(n))
            guard let columns = fftwf_plan_guru_dft(1, &columnDimension, 1, &columnLoop, complex, complex,
                                                    fovea_fftw_backward(), flags) else { return unbanded }
            guard let band = fftwf_plan_guru_dft_c2r(1, &rowDimension, 1, &rowLoop, complex, real, flags) else {
                fftwf_destroy_plan(columns)
                return unbanded
            }
            let candidate = Plans(full: full, columns: columns, band: band, size: n, bandRows: bandRows, rowStep: rowStep)
            guard let twoD = fftwf_plan_dft_c2r_2d(Int32(n), Int32(n), complex, real, flags) else { return unbanded }
            defer { fftwf_destroy_plan(twoD) }
            let whole = printed(twoD), columnsText = printed(columns)
            let bandText = printed(band, loopOf: bandRows, shownAs: n)
            guard !columnsText.isEmpty, !bandText.isEmpty, whole.contains(columnsText), whole.contains(bandText),
                  candidate.agreesWithFull(probes: 3) else {
                fftwf_destroy_plan(columns); fftwf_destroy_plan(band)
                return unbanded
            }
            return candidate
        }

        /// FFTW's printed plan with runs of white space made single spaces; with `loopOf`, a
        /// leading loop over that many rows is shown as one over `shownAs` rows (as the 2-D
        /// plan's loop over all rows prints).
        private static func printed(_ plan: OpaquePointer, loopOf rows: Int? = nil, shownAs n: Int = 0) -> String {
            guard let text = fftwf_sprint_plan(plan) else { return "" }
            defer { free(text) }
            var words = String(cString: text).split(whereSeparator: \.isWhitespace).map(String.init)
            if let rows, let first = words.first, let range = first.range(of: "-x\(rows)", options: .backwards),
               range.upperBound == first.endIndex || first[range.upperBound] == "/" {
                words[0] = first.replacingCharacters(in: range, with: "-x\(n)")
            }
            return words.joined(separator: " ")
        }

        /// Whether the band path gives, on seeded random spectra and bands at the first, last
        /// and a middle start, exactly the full plan's rows.
        private func agreesWithFull(probes: Int) -> Bool {
            let n = size, w = n / 2 + 1
            let input = fftwf_alloc_real(2 * w * n)!, spectrum = fftwf_alloc_real(2 * w * n)!
            let fullImage = fftwf_alloc_real(n * n)!, bandImage = fftwf_alloc_real(n * n)!
            defer { fftwf_free(input); fftwf_free(spectrum); fftwf_free(fullImage); fftwf_free(bandImage) }
            guard let columns, let band else { return false }
            var random = SeededRandom(seed: 0x5EED_BA4D)
            let lastStart = ((n - bandRows) / rowStep) * rowStep
            for probe in 0..<probes {
                let scale = probe == 0 ? 1.0 : 1000.0
                for i in 0..<(2 * w * n) { input[i] = Float(random.uniform(in: -scale..<scale)) }
                let start = [0, lastStart, (lastStart / 2 / rowStep) * rowStep][probe % 3]
                spectrum.update(from: input, count: 2 * w * n)
                full.executeInverse(complex: UnsafeMutableRawPointer(spectrum), real: fullImage)
                spectrum.update(from: input, count: 2 * w * n)
                let complex = UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: fftwf_complex.self)
                fftwf_execute_dft(columns, complex, complex)
                fftwf_execute_dft_c2r(band, complex + w * start, bandImage)
                for i in 0..<(bandRows * n) where fullImage[start * n + i].bitPattern != bandImage[i].bitPattern {
                    return false
                }
            }
            return true
        }
    }
}
