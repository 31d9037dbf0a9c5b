import Foundation

/// The data types of MRC2014 that Fovea reads. Fovea writes only `.float32`.
public enum MRCMode: Int32, Sendable, CaseIterable {
    /// Signed 8-bit integers.
    case int8 = 0
    /// Signed 16-bit integers.
    case int16 = 1
    /// IEEE 32-bit floats.
    case float32 = 2
    /// Unsigned 16-bit integers.
    case uint16 = 6
    /// IEEE 16-bit floats (half precision).
    case float16 = 12

    /// Bytes per voxel on disk.
    public var bytesPerValue: Int {
        switch self {
        case .int8: 1
        case .int16, .uint16, .float16: 2
        case .float32: 4
        }
    }
}

/// The 1024-byte main header of an MRC2014 file (the fields Fovea uses; other words are
/// neither needed nor kept).
///
/// Word numbers below are 0-based 4-byte words: nx,ny,nz 0–2; mode 3; nxstart… 4–6; mx,my,mz 7–9;
/// cell lengths (Å) 10–12; cell angles 13–15; mapc/r/s 16–18; dmin, dmax, dmean 19–21; ispg 22;
/// nsymbt 23; exttyp 26; nversion 27; origin (Å) 49–51; "MAP " 52; machine stamp 53; rms 54;
/// nlabl 55; ten 80-character labels 56–255.
public struct MRCHeader: Sendable, Equatable {
    public static let byteCount = 1024

    /// Columns, rows and sections (for a stack: image width, height and image count).
    public var nx: Int, ny: Int, nz: Int
    public var mode: MRCMode
    /// Sampling along x, y, z (grid intervals in the unit cell).
    public var mx: Int, my: Int, mz: Int
    /// Unit-cell lengths in Å.
    public var cellA: SIMD3<Float>
    public var dmin: Float, dmax: Float, dmean: Float
    /// RMS deviation of the values from their mean.
    public var rms: Float
    /// Space group: 0 for images and image stacks, 1 for a single volume.
    public var ispg: Int
    /// Bytes of extended header between the main header and the data.
    public var extendedHeaderBytes: Int
    /// Origin in Å (MRC2014 words 49–51).
    public var origin: SIMD3<Float>
    /// True when the file's numbers are big-endian.
    public var isBigEndian: Bool
    /// Text labels (up to 10 of 80 characters).
    public var labels: [String]

    public init(nx: Int, ny: Int, nz: Int, mode: MRCMode = .float32, mx: Int, my: Int, mz: Int,
                cellA: SIMD3<Float>, dmin: Float = 0, dmax: Float = 0, dmean: Float = 0, rms: Float = 0,
                ispg: Int = 0, extendedHeaderBytes: Int = 0, origin: SIMD3<Float> = .zero,
                isBigEndian: Bool = false, labels: [String] = []) {
        self.nx = nx; self.ny = ny; self.nz = nz; self.mode = mode
        self.mx = mx; self.my = my; self.mz = mz; self.cellA = cellA
        self.dmin = dmin; self.dmax = dmax; self.dmean = dmean; self.rms = rms
        self.ispg = ispg; self.extendedHeaderBytes = extendedHeaderBytes; self.origin = origin
        self.isBigEndian = isBigEndian; self.labels = labels
    }

    /// Å per pixel along x: cell length / mx (the convention of RELION and MRC2014); 0 when the
    /// header does not say (mx or the cell length is 0).
    public var pixelSize: Double {
        guard mx > 0, cellA.x > 0 else { return 0 }
        return Double(cellA.x) / Double(mx)
    }

    /// Offset of the first data byte.
    public var dataOffset: Int { Self.byteCount + extendedHeaderBytes }

    /// Bytes of one section (one image of a stack). Unchecked: call only after
    /// `checkedFileSize(file:)` has accepted the header (every reader does, on opening).
    public var sectionBytes: Int { nx * ny * mode.bytesPerValue }

    /// Total size the file must have to hold all sections (unchecked, see `sectionBytes`).
    public var expectedFileSize: Int { dataOffset + sectionBytes * nz }

    /// The size in bytes the file must have for header, extended header and nx·ny·nz values,
    /// computed with overflow checks, so a header read from a file (nx = ny = nz = 2³¹−1) gives
    /// an error instead of a trap. Once a file of at least this size is open, `sectionBytes` and
    /// `expectedFileSize` cannot overflow.
    /// - Throws: `FormatError` naming the field whose product does not fit in 63 bits.
    public func checkedFileSize(file: String) throws -> Int {
        try Self.requirePositive(nx: nx, ny: ny, nz: nz, file: file)
        guard extendedHeaderBytes >= 0 else {
            throw FormatError(file: file, location: "header word 23", field: "nsymbt",
                              "negative extended-header size \(extendedHeaderBytes)")
        }
        func tooLarge(_ field: String) -> FormatError {
            FormatError(file: file, location: "header", field: field,
                        "\(nx)×\(ny)×\(nz) values of \(mode.bytesPerValue) bytes after \(extendedHeaderBytes) "
                        + "extended-header bytes is too large to be a real file (damaged header?)")
        }
        let (row, o1) = nx.multipliedReportingOverflow(by: mode.bytesPerValue)
        let (section, o2) = row.multipliedReportingOverflow(by: ny)
        guard !o1, !o2 else { throw tooLarge("ny") }
        let (data, o3) = section.multipliedReportingOverflow(by: nz)
        guard !o3 else { throw tooLarge("nz") }
        let (total, o4) = data.addingReportingOverflow(dataOffset)
        guard !o4 else { throw tooLarge("nsymbt") }
        return total
    }

    // MARK: Decoding

    /// Decodes a main header. Byte order comes from the machine stamp (0x44 little-endian,
    /// 0x11 big-endian); when the stamp is unset or unknown, the order for which nx, ny, nz and
    /// mode are sane wins.
    public static func decode(_ bytes: [UInt8], file: String) throws -> MRCHeader {
        guard bytes.count >= byteCount else {
            throw FormatError(file: file, location: "header", field: "nx",
                              "file is \(bytes.count) bytes, shorter than the 1024-byte MRC header (truncated?)")
        }
        let bigEndian: Bool
        switch bytes[212] {
        case 0x44, 0x41: bigEndian = false
        case 0x11: bigEndian = true
        default:
            if isSane(bytes, bigEndian: false) { bigEndian = false }
            else if isSane(bytes, bigEndian: true) { bigEndian = true }
            else { bigEndian = false }   // the checks below name the bad field
        }
        let reader = WordReader(bytes: bytes, bigEndian: bigEndian)
        let nx = Int(reader.int32(0)), ny = Int(reader.int32(1)), nz = Int(reader.int32(2))
        try requirePositive(nx: nx, ny: ny, nz: nz, file: file)
        let modeValue = reader.int32(3)
        guard let mode = MRCMode(rawValue: modeValue) else {
            throw FormatError(file: file, location: "header word 3", field: "mode",
                              "mode \(modeValue) is not supported (Fovea reads modes 0, 1, 2, 6 and 12)")
        }
        let nsymbt = Int(reader.int32(23))
        guard nsymbt >= 0 else {
            throw FormatError(file: file, location: "header word 23", field: "nsymbt",
                              "negative extended-header size \(nsymbt)")
        }
        let labelCount = max(0, min(10, Int(reader.int32(55))))
        let labels = (0..<labelCount).map { i -> String in
            let start = 224 + 80 * i
            let raw = bytes[start..<(start + 80)].prefix { $0 != 0 }
            return String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        return MRCHeader(
            nx: nx, ny: ny, nz: nz, mode: mode,
            mx: Int(reader.int32(7)), my: Int(reader.int32(8)), mz: Int(reader.int32(9)),
            cellA: SIMD3(reader.float(10), reader.float(11), reader.float(12)),
            dmin: reader.float(19), dmax: reader.float(20), dmean: reader.float(21), rms: reader.float(54),
            ispg: Int(reader.int32(22)), extendedHeaderBytes: nsymbt,
            origin: SIMD3(reader.float(49), reader.float(50), reader.float(51)),
            isBigEndian: bigEndian, labels: labels)
    }

    /// Throws unless every dimension is at least 1.
    private static func requirePositive(nx: Int, ny: Int, nz: Int, file: String) throws {
        for (word, (value, name)) in [(nx, "nx"), (ny, "ny"), (nz, "nz")].enumerated() where value <= 0 {
            throw FormatError(file: file, location: "header word \(word)", field: name,
                              "dimension \(value) is not positive (not an MRC file?)")
        }
    }

    /// Whether dimensions and mode read in this byte order look like a real MRC header.
    private static func isSane(_ bytes: [UInt8], bigEndian: Bool) -> Bool {
        let reader = WordReader(bytes: bytes, bigEndian: bigEndian)
        let dims = (0..<3).map { reader.int32($0) }
        let limit: Int32 = 1 << 20
        return dims.allSatisfy { $0 > 0 && $0 < limit } && MRCMode(rawValue: reader.int32(3)) != nil
    }

    // MARK: Encoding

    /// The 1024 header bytes, little-endian, with the "MAP " stamp, machine stamp 0x44 0x44 0 0,
    /// MRC2014 version 20140, cell angles 90°, axis order 1 2 3.
    public func encoded() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.byteCount)
        func put(_ word: Int, _ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { raw in
                for k in 0..<4 { bytes[4 * word + k] = raw[k] }
            }
        }
        func putInt(_ word: Int, _ value: Int) { put(word, UInt32(bitPattern: Int32(value))) }
        func putFloat(_ word: Int, _ value: Float) { put(word, value.bitPattern) }
        putInt(0, nx); putInt(1, ny); putInt(2, nz)
        putInt(3, Int(mode.rawValue))
        putInt(7, mx); putInt(8, my); putInt(9, mz)
        putFloat(10, cellA.x); putFloat(11, cellA.y); putFloat(12, cellA.z)
        putFloat(13, 90); putFloat(14, 90); putFloat(15, 90)
        putInt(16, 1); putInt(17, 2); putInt(18, 3)
        putFloat(19, dmin); putFloat(20, dmax); putFloat(21, dmean)
        putInt(22, ispg); putInt(23, extendedHeaderBytes)
        putInt(27, 20140)
        putFloat(49, origin.x); putFloat(50, origin.y); putFloat(51, origin.z)
        for (k, c) in "MAP ".utf8.enumerated() { bytes[208 + k] = c }
        bytes[212] = 0x44; bytes[213] = 0x44
        putFloat(54, rms)
        let kept = Array(labels.prefix(10))
        putInt(55, kept.count)
        for (i, label) in kept.enumerated() {
            for (k, c) in label.utf8.prefix(80).enumerated() { bytes[224 + 80 * i + k] = c }
        }
        return bytes
    }
}

/// Reads 4-byte words of a header in a given byte order.
private struct WordReader {
    let bytes: [UInt8]
    let bigEndian: Bool

    func uint32(_ word: Int) -> UInt32 {
        let b = bytes[(4 * word)..<(4 * word + 4)].map(UInt32.init)
        let little = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24
        return bigEndian ? little.byteSwapped : little
    }
    func int32(_ word: Int) -> Int32 { Int32(bitPattern: uint32(word)) }
    func float(_ word: Int) -> Float { Float(bitPattern: uint32(word)) }
}
