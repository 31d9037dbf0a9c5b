import CFFTW
import Foundation

/// How hard FFTW's planner searches for a fast algorithm (FFTW_ESTIMATE, FFTW_MEASURE, FFTW_PATIENT).
public enum FFTPlanningRigor: Sendable, Hashable {
    case estimate, measure, patient

    var flags: UInt32 {
        switch self {
        case .estimate: return fovea_fftw_estimate()
        case .measure: return fovea_fftw_measure()
        case .patient: return fovea_fftw_patient()
        }
    }
}

/// A pair of single-precision real-to-complex / complex-to-real FFTW plans for one real shape.
///
/// Shapes: `dimensions` lists the real array's extents slowest first, so an N×N image is `[N, N]`
/// (rows, columns) and an N³ map `[N, N, N]` (z, y, x); memory order is x fastest, as in `Image2D`
/// and `Volume`. The half-complex output has (N/2 + 1) complex values along x (see
/// `HalfComplexImage`, `HalfComplexVolume`).
///
/// **Alignment.** Both plans were made on buffers from `fftwf_malloc`. FFTW allows executing a plan
/// on other arrays only when their alignment equals that of the planning arrays, so the raw
/// `executeForward`/`executeInverse` must only be given `fftwf_malloc` buffers. `FFTWorkspace`
/// owns such buffers and is the normal way to transform Swift arrays.
///
/// **Normalisation** is not applied here (FFTW does not normalise); `FFTWorkspace` applies the one
/// Fovea convention (forward ÷ number of real samples, inverse unscaled).
///
/// **3-D shapes** are transformed as planes and columns (`PlaneColumnTransform`), split over
/// `VolumeThreads.count` threads with the same bits for any thread count; 1-D and 2-D shapes
/// use FFTW's plan for the whole shape on the calling thread.
///
/// Executing from many threads at once is safe (FFTW's new-array execute is re-entrant);
/// planning is not, which is why plans only come from `FFTPlanner`, under its lock.
public final class RealFFTPlan: @unchecked Sendable {
    /// Real extents, slowest first.
    public let dimensions: [Int]
    /// Number of real samples (product of `dimensions`).
    public let realCount: Int
    /// Number of complex values in the half-complex array: realCount / N_x · (N_x/2 + 1).
    public let complexCount: Int
    private let forwardPlan: OpaquePointer?
    private let inversePlan: OpaquePointer?
    /// 3-D shapes: the threaded plane-and-column transform (instead of the two plans).
    let planeColumn: PlaneColumnTransform?

    fileprivate init(dimensions: [Int], flags: UInt32) {
        self.dimensions = dimensions
        realCount = dimensions.reduce(1, *)
        complexCount = realCount / dimensions.last! * (dimensions.last! / 2 + 1)
        if dimensions.count == 3 {
            planeColumn = PlaneColumnTransform(dimensions: dimensions, flags: flags)
            forwardPlan = nil
            inversePlan = nil
            return
        }
        planeColumn = nil
        let real = fftwf_alloc_real(realCount)!
        let complex = fftwf_alloc_complex(complexCount)!
        defer { fftwf_free(real); fftwf_free(complex) }
        let n = dimensions.map { Int32($0) }
        forwardPlan = n.withUnsafeBufferPointer {
            fftwf_plan_dft_r2c(Int32(n.count), $0.baseAddress, real, complex, flags)!
        }
        inversePlan = n.withUnsafeBufferPointer {
            fftwf_plan_dft_c2r(Int32(n.count), $0.baseAddress, complex, real, flags)!
        }
    }

    /// Unnormalised r2c transform. Both pointers must come from `fftwf_malloc` (see type docs).
    public func executeForward(real: UnsafeMutablePointer<Float>, complex: UnsafeMutableRawPointer) {
        let output = complex.assumingMemoryBound(to: fftwf_complex.self)
        if let planeColumn { planeColumn.forward(real: real, complex: output) } else { fftwf_execute_dft_r2c(forwardPlan, real, output) }
    }

    /// Unnormalised c2r transform; destroys `complex`. Both pointers must come from `fftwf_malloc`.
    public func executeInverse(complex: UnsafeMutableRawPointer, real: UnsafeMutablePointer<Float>) {
        let input = complex.assumingMemoryBound(to: fftwf_complex.self)
        if let planeColumn { planeColumn.inverse(complex: input, real: real) } else { fftwf_execute_dft_c2r(inversePlan, input, real) }
    }
}

extension RealFFTPlan {
    /// Whether the arrays of this shape may lie anywhere in memory (3-D shapes: the plane-and-column
    /// transform copies every piece through its own aligned scratch), so that `executeForward(anywhere:)`
    /// and `executeInverseInPlace` apply.
    public var transformsAnyMemory: Bool { dimensions.count == 3 }

    /// 3-D shapes: unnormalised r2c of `real` (realCount values) into `complex` (complexCount
    /// values), both in any memory; `real` is kept. The bits of `executeForward`.
    public func executeForward(anywhere real: UnsafePointer<Float>, complex: UnsafeMutableRawPointer) {
        precondition(transformsAnyMemory, "Only 3-D transforms run on unaligned arrays")
        planeColumn!.forward(real: UnsafeMutablePointer(mutating: real), complex: complex.assumingMemoryBound(to: fftwf_complex.self))
    }

    /// 3-D shapes: unnormalised c2r in place: `data` (any memory) holds complexCount complex
    /// values and receives the realCount real values at its start. The bits of `executeInverse`.
    public func executeInverseInPlace(_ data: UnsafeMutableRawPointer) {
        precondition(transformsAnyMemory, "Only 3-D transforms run in place")
        planeColumn!.inverseInPlace(data)
    }
}

/// The process-wide cache of FFTW plans: one `RealFFTPlan` per shape, made once under a lock,
/// because FFTW's planner is not thread-safe. Every FFTW planner or wisdom call in Fovea must
/// go through this type (its lock is the only one FFTW's global planner state has). Wisdom can be exported as a string on one MPI rank
/// and imported on the others, so they plan in microseconds.
public final class FFTPlanner: @unchecked Sendable {
    /// The shared planner used by `FFTWorkspace`, the projector and the reconstructor.
    public static let shared = FFTPlanner()

    /// One lock for every FFTW planner call in the process (FFTW's planner and wisdom are global).
    private static let fftwLock = NSLock()
    private var plans: [[Int]: RealFFTPlan] = [:]
    private var rigorValue: FFTPlanningRigor = .estimate

    private init() {}

    /// Planner rigor for plans made from now on. Plans already made stay.
    ///
    /// Default `.estimate`: FFTW then chooses its algorithm by fixed heuristics, so every process
    /// (every MPI rank, every rerun with the same seed) executes the same plan and rounds the same
    /// way. `.measure` times candidates and may pick different plans in different processes,
    /// which breaks bit-identical reruns and rank invariance at near-ties; use it only where
    /// reproducibility across processes does not matter (or share wisdom first).
    public var rigor: FFTPlanningRigor {
        get { Self.fftwLock.withLock { rigorValue } }
        set { Self.fftwLock.withLock { rigorValue = newValue } }
    }

    /// The plan for a real array of `dimensions` (slowest first), made on first request.
    public func plan(dimensions: [Int]) -> RealFFTPlan {
        precondition(!dimensions.isEmpty && dimensions.allSatisfy { $0 > 0 }, "FFT extents must be positive")
        return Self.fftwLock.withLock {
            if let plan = plans[dimensions] { return plan }
            let plan = RealFFTPlan(dimensions: dimensions, flags: rigorValue.flags)
            plans[dimensions] = plan
            return plan
        }
    }

    /// Runs `body` holding the lock every FFTW planner call takes: for code that must plan with
    /// FFTW directly (e.g. FFTW's plain 3-D plans, to compare the plane-and-column transform with).
    public func withPlannerLock<T>(_ body: () -> T) -> T { Self.fftwLock.withLock(body) }

    /// The plan for N×N images.
    public func plan2D(size: Int) -> RealFFTPlan { plan(dimensions: [size, size]) }
    /// The plan for N³ maps.
    public func plan3D(size: Int) -> RealFFTPlan { plan(dimensions: [size, size, size]) }

    /// All FFTW wisdom accumulated in this process, as FFTW's text format.
    public func exportWisdom() -> String {
        Self.fftwLock.withLock {
            guard let text = fftwf_export_wisdom_to_string() else { return "" }
            defer { free(text) }
            return String(cString: text)
        }
    }

    /// Adds wisdom exported by `exportWisdom` (e.g. broadcast from rank 0). Returns false if FFTW
    /// rejects the text. Import before requesting plans to benefit from it.
    @discardableResult
    public func importWisdom(_ wisdom: String) -> Bool {
        Self.fftwLock.withLock { fftwf_import_wisdom_from_string(wisdom) != 0 }
    }

    /// Runs `body` under the planner lock with the current rigor, for FFTW plans made outside this
    /// file (`RowBandInverseFFT`'s guru plans); nothing else may call FFTW's planner.
    func withPlannerLock<T>(_ body: (FFTPlanningRigor) -> T) -> T {
        Self.fftwLock.withLock { body(rigorValue) }
    }
}
