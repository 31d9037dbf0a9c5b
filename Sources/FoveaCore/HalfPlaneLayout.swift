/// Where the half-plane Fourier coefficients of an N×N image are stored, as rows of one ky each:
///
/// - `full(size:)`: FFTW's r2c layout of `HalfComplexImage` — N rows of N/2 + 1 columns, row j ↔
///   ky = j for j < N/2, else j − N; index i + (N/2 + 1)·j.
/// - `disc(size:radius:)`: only the frequencies with kx² + ky² ≤ R² (R < N/2, Fourier pixels of the
///   N box), packed: rows ky = 0, 1, …, ⌊R⌋, then −⌊R⌋, …, −1, each holding columns
///   kx = 0 … ⌊√(R² − ky²)⌋ one after the other.
///
/// Both list their rows in the same order of ky (non-negative ascending, then negative ascending),
/// so code that visits rows in order and columns in order visits the frequencies they share in the
/// same sequence whichever layout holds them. The frequency spacing is 1/(N·p) in either.
public struct HalfPlaneLayout: Sendable, Equatable {
    /// Box N whose frequency grid this is.
    public let size: Int
    /// Radius R of a disc layout (Fourier pixels); nil for the full layout.
    public let radius: Double?
    /// Per row: ky (Fourier pixels), the index of its column 0, and its number of columns.
    public let rowFrequencies: [Int32]
    public let rowStarts: [Int32]
    public let rowColumns: [Int32]
    /// Number of stored coefficients.
    public let count: Int

    /// Number of rows.
    @inlinable public var rowCount: Int { rowFrequencies.count }

    /// The full layout of an N box (N even).
    public static func full(size n: Int) -> HalfPlaneLayout {
        let w = n / 2 + 1
        let frequencies = (0..<n).map { Int32(FourierGrid.frequency(index: $0, size: n)) }
        return HalfPlaneLayout(size: n, radius: nil, rowFrequencies: frequencies, rowStarts: (0..<n).map { Int32(w * $0) },
                               rowColumns: [Int32](repeating: Int32(w), count: n), count: w * n)
    }

    /// The frequencies of an N box within radius R; the full layout when R ≥ N/2 − 1 (a disc would
    /// save nothing and its Nyquist row would be ambiguous).
    public static func disc(size n: Int, radius: Double) -> HalfPlaneLayout {
        guard radius < Double(n / 2 - 1) else { return full(size: n) }
        let top = Int(radius.rounded(.down))
        let frequencies = Array(0...top) + Array(-top ..< 0)
        var starts: [Int32] = [], columns: [Int32] = [], next = 0
        for ky in frequencies {
            let extent = Int((radius * radius - Double(ky * ky)).squareRoot().rounded(.down))
            starts.append(Int32(next))
            columns.append(Int32(extent + 1))
            next += extent + 1
        }
        return HalfPlaneLayout(size: n, radius: radius, rowFrequencies: frequencies.map { Int32($0) }, rowStarts: starts,
                               rowColumns: columns, count: next)
    }

    /// The index of frequency (kx ≥ 0, ky), or nil where the layout does not hold it.
    public func index(kx: Int, ky: Int) -> Int? {
        let row: Int
        if radius == nil {
            guard ky >= -size / 2, ky < size / 2 else { return nil }
            row = ky >= 0 ? ky : ky + size
        } else {
            let top = (rowCount - 1) / 2
            guard abs(ky) <= top else { return nil }
            row = ky >= 0 ? ky : top + 1 + (ky + top)
        }
        guard kx >= 0, kx < Int(rowColumns[row]) else { return nil }
        return Int(rowStarts[row]) + kx
    }

    /// Copies the coefficients this layout holds out of a full-layout array of the same box
    /// (spectrum or CTF grid) into `output` (at least `count` values).
    public func gather<T>(fromFull values: UnsafeBufferPointer<T>, into output: UnsafeMutableBufferPointer<T>) {
        let w = size / 2 + 1
        precondition(values.count >= w * size && output.count >= count, "Arrays too small for the layout")
        for row in 0..<rowCount {
            let ky = Int(rowFrequencies[row])
            let source = w * (ky >= 0 ? ky : ky + size), target = Int(rowStarts[row])
            for i in 0..<Int(rowColumns[row]) { output[target + i] = values[source + i] }
        }
    }
}
