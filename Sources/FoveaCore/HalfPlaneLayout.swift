/// Where the half-plane Fourier coefficients of an N×N image are stored, as rows of one ky each:
///
/// - `full(size:)`: FFTW's r2c layout of `HalfComplexImage` — N rows of N/2 + 1 columns, row j ↔
///   ky = j for j < N/2, else j − N; index i + (N/2 + 1)·j.
/// - `disc(size:holding:)`: only the frequencies of the N box in a `FrequencyDisc` (kx² + ky² ≤ R²,
///   decided on integers), packed: rows ky = 0, 1, …, min(⌊R⌋, N/2 − 1), then −min(⌊R⌋, N/2), …, −1,
///   each holding columns kx = 0 … min(⌊√(R² − ky²)⌋, N/2) one after the other.
///
/// Both list their rows in the same order of ky (non-negative ascending, then negative ascending),
/// so code that visits rows in order and columns in order visits the frequencies they share in the
/// same sequence whichever layout holds them. The frequency spacing is 1/(N·p) in either.
public struct HalfPlaneLayout: Sendable, Equatable {
    /// Box N whose frequency grid this is.
    public let size: Int
    /// The frequencies a disc layout holds; nil for the full layout.
    public let disc: FrequencyDisc?
    /// Per row: ky (Fourier pixels), the index of its column 0, and its number of columns.
    public let rowFrequencies: [Int32]
    public let rowStarts: [Int32]
    public let rowColumns: [Int32]
    /// Number of stored coefficients.
    public let count: Int
    /// Number of rows with ky ≥ 0 (they come first).
    let nonNegativeRows: Int

    init(size: Int, disc: FrequencyDisc?, rowFrequencies: [Int32], rowStarts: [Int32], rowColumns: [Int32], count: Int) {
        self.size = size; self.disc = disc; self.rowFrequencies = rowFrequencies; self.rowStarts = rowStarts
        self.rowColumns = rowColumns; self.count = count
        nonNegativeRows = rowFrequencies.firstIndex { $0 < 0 } ?? rowFrequencies.count
    }

    /// Radius R of a disc layout (Fourier pixels, √ of the disc's R²); nil for the full layout.
    public var radius: Double? { disc?.radius }

    /// Number of rows.
    @inlinable public var rowCount: Int { rowFrequencies.count }

    /// The full layout of an N box (N even).
    public static func full(size n: Int) -> HalfPlaneLayout {
        let w = n / 2 + 1
        let frequencies = (0..<n).map { Int32(FourierGrid.frequency(index: $0, size: n)) }
        return HalfPlaneLayout(size: n, disc: nil, rowFrequencies: frequencies, rowStarts: (0..<n).map { Int32(w * $0) },
                               rowColumns: [Int32](repeating: Int32(w), count: n), count: w * n)
    }

    /// The frequencies of an N box within radius R (`FrequencyDisc(radius:)`); see `disc(size:holding:)`.
    public static func disc(size n: Int, radius: Double) -> HalfPlaneLayout {
        disc(size: n, holding: FrequencyDisc(radius: radius))
    }

    /// The frequencies of an N box in `disc` (those the box has: ky ∈ [−N/2, N/2 − 1], kx ≤ N/2);
    /// the full layout when that is all of them.
    public static func disc(size n: Int, holding disc: FrequencyDisc) -> HalfPlaneLayout {
        guard let top = disc.lastRow else {
            return HalfPlaneLayout(size: n, disc: disc, rowFrequencies: [], rowStarts: [], rowColumns: [], count: 0)
        }
        let frequencies = Array(0...min(top, n / 2 - 1)) + Array(-min(top, n / 2) ..< 0)
        var starts: [Int32] = [], columns: [Int32] = [], next = 0
        for ky in frequencies {
            // Every listed row meets the disc (|ky| ≤ its last row).
            let extent = min(n / 2, disc.lastColumn(ky: ky) ?? 0)
            starts.append(Int32(next))
            columns.append(Int32(extent + 1))
            next += extent + 1
        }
        guard next < (n / 2 + 1) * n else { return full(size: n) }
        return HalfPlaneLayout(size: n, disc: disc, rowFrequencies: frequencies.map { Int32($0) }, rowStarts: starts,
                               rowColumns: columns, count: next)
    }

    /// Whether the layout holds every frequency of `other` that an N box has.
    public func holds(_ other: FrequencyDisc) -> Bool {
        disc.map { $0.holds(other) } ?? true
    }

    /// The index of frequency (kx ≥ 0, ky), or nil where the layout does not hold it.
    public func index(kx: Int, ky: Int) -> Int? {
        let row: Int
        if disc == nil {
            guard ky >= -size / 2, ky < size / 2 else { return nil }
            row = ky >= 0 ? ky : ky + size
        } else {
            let positive = nonNegativeRows, negative = rowCount - positive
            guard ky < positive, ky >= -negative else { return nil }
            row = ky >= 0 ? ky : positive + (ky + negative)
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
