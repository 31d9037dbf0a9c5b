import Numerics

/// Index ↔ frequency along one axis of an FFTW-ordered Fourier array.
public enum FourierGrid {
    /// Integer frequency of storage index `index` along an axis of `size` samples, in FFTW order:
    /// index j ↔ frequency j for j < N/2, j − N otherwise (so the range is −N/2 … N/2 − 1).
    @inlinable public static func frequency(index: Int, size: Int) -> Int {
        index < size / 2 ? index : index - size
    }

    /// Storage index of integer frequency `frequency` (−N/2 … N/2 − 1) along an axis of `size`.
    @inlinable public static func index(frequency: Int, size: Int) -> Int {
        frequency >= 0 ? frequency : frequency + size
    }
}

/// The half-plane Fourier transform of an N×N real image (N even), FFTW r2c layout.
///
/// Layout: (N/2 + 1) columns × N rows, column (x) fastest: `values[i + (N/2 + 1)·j]`.
/// Column i is kx = i ∈ [0, N/2]; row j is ky = j for j < N/2, else j − N (ky ∈ [−N/2, N/2 − 1]).
/// Frequencies are integer Fourier pixels: spatial frequency = k/N cycles per pixel.
/// Values with kx < 0 follow from Friedel symmetry, F(−k) = conj F(k).
///
/// Convention (Fovea-wide, docs/algorithm.md §1.1): the forward transform is divided by N², the
/// inverse is unscaled, and spectra are **centred**: the phase origin is the image centre, pixel
/// (N/2, N/2), i.e. the plain FFT multiplied by (−1)^(kx+ky) ("swap quadrants"). Thus F(0) is
/// the mean pixel value, and a real-space shift by (sx, sy) pixels multiplies F(k) by
/// exp(−2πi(kx·sx + ky·sy)/N).
public struct HalfComplexImage: Sendable, Equatable {
    /// Real-space edge length N (pixels); even.
    public let size: Int
    /// (N/2 + 1)·N values, index i + (N/2 + 1)·j.
    public var values: [Complex<Float>]

    /// Number of columns, N/2 + 1.
    @inlinable public var width: Int { size / 2 + 1 }

    /// A spectrum of zeros.
    public init(size: Int) {
        precondition(size > 0 && size % 2 == 0, "Fourier arrays need an even, positive size")
        self.size = size
        values = [Complex<Float>](repeating: .zero, count: (size / 2 + 1) * size)
    }

    /// A spectrum over existing values (count (N/2 + 1)·N).
    public init(size: Int, values: [Complex<Float>]) {
        precondition(size > 0 && size % 2 == 0, "Fourier arrays need an even, positive size")
        precondition(values.count == (size / 2 + 1) * size, "HalfComplexImage needs (N/2+1)·N values")
        self.size = size
        self.values = values
    }

    /// Linear index of (kx ≥ 0, ky ∈ [−N/2, N/2 − 1]).
    @inlinable public func index(kx: Int, ky: Int) -> Int {
        kx + width * FourierGrid.index(frequency: ky, size: size)
    }

    /// The value at (kx, ky), for kx ∈ [0, N/2] and ky ∈ [−N/2, N/2 − 1].
    @inlinable public subscript(kx kx: Int, ky ky: Int) -> Complex<Float> {
        get { values[index(kx: kx, ky: ky)] }
        set { values[index(kx: kx, ky: ky)] = newValue }
    }
}

/// The half-space Fourier transform of an N³ real map (N even), FFTW r2c layout.
///
/// Layout: (N/2 + 1) × N × N, x fastest: `values[i + (N/2 + 1)·(j + N·l)]`, with kx = i ∈ [0, N/2],
/// ky = j or j − N, kz = l or l − N (see `FourierGrid.frequency`). Same normalisation and centring as
/// `HalfComplexImage`: forward ÷ N³, inverse unscaled, phase origin at voxel (N/2, N/2, N/2), so
/// F(0) is the mean voxel value. Friedel: F(−k) = conj F(k); on the kx = 0 plane both members
/// of a pair are stored.
public struct HalfComplexVolume: Sendable, Equatable {
    /// Real-space edge length N (voxels); even.
    public let size: Int
    /// (N/2 + 1)·N² values.
    public var values: [Complex<Float>]

    /// Number of x columns, N/2 + 1.
    @inlinable public var width: Int { size / 2 + 1 }

    /// A transform of zeros.
    public init(size: Int) {
        precondition(size > 0 && size % 2 == 0, "Fourier arrays need an even, positive size")
        self.size = size
        values = [Complex<Float>](repeating: .zero, count: (size / 2 + 1) * size * size)
    }

    /// A transform over existing values (count (N/2 + 1)·N²).
    public init(size: Int, values: [Complex<Float>]) {
        precondition(size > 0 && size % 2 == 0, "Fourier arrays need an even, positive size")
        precondition(values.count == (size / 2 + 1) * size * size, "HalfComplexVolume needs (N/2+1)·N² values")
        self.size = size
        self.values = values
    }

    /// Linear index of (kx ≥ 0, ky, kz), ky and kz in [−N/2, N/2 − 1].
    @inlinable public func index(kx: Int, ky: Int, kz: Int) -> Int {
        kx + width * (FourierGrid.index(frequency: ky, size: size) + size * FourierGrid.index(frequency: kz, size: size))
    }

    /// The value at (kx, ky, kz), kx ∈ [0, N/2], ky and kz ∈ [−N/2, N/2 − 1].
    @inlinable public subscript(kx kx: Int, ky ky: Int, kz kz: Int) -> Complex<Float> {
        get { values[index(kx: kx, ky: ky, kz: kz)] }
        set { values[index(kx: kx, ky: ky, kz: kz)] = newValue }
    }
}

extension Complex where RealType == Float {
    /// This value times a real factor.
    @inlinable public func scaled(by factor: Float) -> Complex<Float> {
        Complex(real * factor, imaginary * factor)
    }
}
