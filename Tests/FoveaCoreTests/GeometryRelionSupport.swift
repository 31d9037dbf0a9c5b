import Foundation

/// Runs RELION command-line programs for the geometry tests (RELION is installed by
/// scripts/install-deps.sh) and reads their STAR output with a minimal loop reader.
enum GeometryRelion {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A fresh, unique temporary folder.
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fovea-geometry-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `/usr/bin/<program> arguments…` in `folder`; throws with its output if it fails.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(program)")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let log = folder.appendingPathComponent("\(program).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) exited with "
                          + "\(process.terminationStatus):\n\(output)")
        }
        return output
    }

    /// The rows of the (last) loop in the data block named `block` ("data_<block>"), as
    /// dictionaries from column name (without the leading underscore) to text.
    static func readLoop(_ url: URL, block: String = "") throws -> [[String: String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var inBlock = false, inLoop = false
        var columns: [String] = []
        var rows: [[String: String]] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("data_") {
                inBlock = line == "data_\(block)"
                inLoop = false
                continue
            }
            guard inBlock, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("loop_") {
                inLoop = true
                columns = []
                rows = []
            } else if inLoop && line.hasPrefix("_") {
                columns.append(String(line.dropFirst().split(separator: " ")[0]))
            } else if inLoop && !line.isEmpty {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard fields.count == columns.count else {
                    throw Failure(description: "\(url.path): row has \(fields.count) fields, expected \(columns.count)")
                }
                rows.append(Dictionary(uniqueKeysWithValues: zip(columns, fields)))
            }
        }
        return rows
    }
}

/// Minimal MRC writing and reading for handing test maps to RELION (mode 2, little-endian, no
/// extended header on writing). Kept local to the tests: FoveaIO's MRC code is tested on its own.
enum GeometryMRC {
    /// Writes an nx × ny × nz float map, x fastest, pixel size `pixelSize` Å.
    static func write(_ values: [Float], nx: Int, ny: Int, nz: Int, pixelSize: Double, to url: URL) throws {
        var header = [UInt8](repeating: 0, count: 1024)
        func putInt(_ value: Int32, word: Int) {
            withUnsafeBytes(of: value.littleEndian) { for b in 0..<4 { header[4 * word + b] = $0[b] } }
        }
        func putFloat(_ value: Float, word: Int) { putInt(Int32(bitPattern: value.bitPattern), word: word) }
        putInt(Int32(nx), word: 0); putInt(Int32(ny), word: 1); putInt(Int32(nz), word: 2)
        putInt(2, word: 3)
        putInt(Int32(nx), word: 7); putInt(Int32(ny), word: 8); putInt(Int32(nz), word: 9)
        putFloat(Float(Double(nx) * pixelSize), word: 10)
        putFloat(Float(Double(ny) * pixelSize), word: 11)
        putFloat(Float(Double(nz) * pixelSize), word: 12)
        for w in 13...15 { putFloat(90, word: w) }
        putInt(1, word: 16); putInt(2, word: 17); putInt(3, word: 18)
        putFloat(values.min() ?? 0, word: 19); putFloat(values.max() ?? 0, word: 20)
        putFloat(values.reduce(0, +) / Float(max(values.count, 1)), word: 21)
        header[208] = 0x4D; header[209] = 0x41; header[210] = 0x50; header[211] = 0x20  // "MAP "
        header[212] = 0x44; header[213] = 0x44
        var data = Data(header)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        try data.write(to: url)
    }

    /// Reads a mode-2 MRC/MRCS file: (nx, ny, nz, values with x fastest).
    static func read(_ url: URL) throws -> (nx: Int, ny: Int, nz: Int, values: [Float]) {
        let data = try Data(contentsOf: url)
        func int(_ word: Int) -> Int {
            Int(Int32(littleEndian: data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * word, as: Int32.self) }))
        }
        let (nx, ny, nz, mode, extended) = (int(0), int(1), int(2), int(3), int(23))
        guard mode == 2 else { throw GeometryRelion.Failure(description: "\(url.path): MRC mode \(mode), expected 2") }
        let count = nx * ny * nz
        let values = data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 1024 + extended + 4 * $0, as: UInt32.self))) }
        }
        return (nx, ny, nz, values)
    }
}

/// Naive 2-D discrete Fourier transform of an N×N real image (x fastest), FFTW's sign
/// (X[k] = Σ x[n]·e^(−2πi k·n/N)) and half-plane layout: (N/2 + 1) columns × N rows, as (re, im).
func naiveHalfPlaneDFT(_ image: [Float], size n: Int) -> [(re: Double, im: Double)] {
    let columns = n / 2 + 1
    var out = [(re: Double, im: Double)](repeating: (0, 0), count: columns * n)
    for j in 0..<n {
        for i in 0..<columns {
            var (re, im) = (0.0, 0.0)
            for y in 0..<n {
                for x in 0..<n {
                    let angle = -2 * Double.pi * Double((i * x + j * y) % n) / Double(n)
                    re += Double(image[x + n * y]) * cos(angle)
                    im += Double(image[x + n * y]) * sin(angle)
                }
            }
            out[i + columns * j] = (re, im)
        }
    }
    return out
}
