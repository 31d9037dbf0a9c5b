import CFFTW

/// Facts about the FFTW library Fovea is linked with, and the one process setting it wants.
public enum FFTWLibrary {
    /// FFTW's own version string, e.g. "fftw-3.3.10-sse2-avx".
    public static var version: String { String(cString: fovea_fftw_version()) }

    /// Turns glibc's fast bins off (`mallopt(M_MXFAST, 0)`), once per process; nothing elsewhere.
    ///
    /// FFTW's solvers for sizes with a large prime factor (Bluestein for N_c = 106 = 2·53, buffered
    /// loops) allocate and free aligned scratch buffers on every execution, hundreds per 2-D
    /// transform. With fast bins on, each larger request first consolidates the small chunks those
    /// aligned allocations split off, which was a sixth of a 106×106 inverse FFT. Only the
    /// allocator's bookkeeping changes, never a computed value.
    public static func avoidAllocatorConsolidation() {
        _ = fastBinsOff
    }

    private static let fastBinsOff: Bool = fovea_malloc_fast_bins_off() == 1
}
