import CFFTW

/// Facts about the FFTW library Fovea is linked with.
public enum FFTWLibrary {
    /// FFTW's own version string, e.g. "fftw-3.3.10-sse2-avx".
    public static var version: String { String(cString: fovea_fftw_version()) }
}
