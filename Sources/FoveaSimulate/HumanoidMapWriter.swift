import Foundation
import FoveaCore
import FoveaIO

/// Where the humanoid exporter puts its maps; the `fovea simulate` command supplies one.
public protocol HumanoidMapSink {
    /// Stores `volume` as the file `fileName` (a bare name such as "core.mrc").
    func write(_ volume: Volume, fileName: String) throws
}

/// A minimal MRC 2014 writer (mode 2, 32-bit float, little-endian, one volume) for the humanoid
/// maps, until FoveaIO's MRC module replaces it. Files are written atomically into `folder`.
public struct HumanoidMapWriter: HumanoidMapSink {
    /// The output folder (must exist).
    public let folder: String

    public init(folder: String) { self.folder = folder }

    public func write(_ volume: Volume, fileName: String) throws {
        let path = URL(fileURLWithPath: folder).appendingPathComponent(fileName).path
        try AtomicFileWriter.write(Self.encode(volume), to: path)
    }

    /// The bytes of a mode-2 MRC file holding `volume` (1024-byte header, then N³ floats, x fastest).
    /// Header: nx = ny = nz = mx = my = mz = N, cell N·pixel Å, angles 90°, axes 1 2 3, ispg 1,
    /// origin 0, "MAP ", machine stamp 0x44 0x44 0 0, dmin/dmax/dmean/rms of the data.
    public static func encode(_ volume: Volume) -> Data {
        let n = volume.size
        var header = [UInt8](repeating: 0, count: 1024)
        func putInt(_ word: Int, _ value: Int32) {
            withUnsafeBytes(of: value.littleEndian) { header.replaceSubrange(4 * word..<4 * word + 4, with: $0) }
        }
        func putFloat(_ word: Int, _ value: Float) {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { header.replaceSubrange(4 * word..<4 * word + 4, with: $0) }
        }
        let values = volume.voxels
        var minimum = Float.infinity, maximum = -Float.infinity, sum = 0.0, sumSquares = 0.0
        for v in values {
            minimum = min(minimum, v)
            maximum = max(maximum, v)
            sum += Double(v)
            sumSquares += Double(v) * Double(v)
        }
        let count = Double(values.count)
        let mean = sum / count
        let rms = max(0, sumSquares / count - mean * mean).squareRoot()
        for word in [0, 1, 2, 7, 8, 9] { putInt(word, Int32(n)) }
        putInt(3, 2)                                   // mode 2: 32-bit float
        for word in 10...12 { putFloat(word, Float(Double(n) * volume.pixelSize)) }
        for word in 13...15 { putFloat(word, 90) }
        putInt(16, 1); putInt(17, 2); putInt(18, 3)    // columns x, rows y, sections z
        putFloat(19, minimum); putFloat(20, maximum); putFloat(21, Float(mean))
        putInt(22, 1)                                  // space group 1: a single volume
        header.replaceSubrange(208..<212, with: Array("MAP ".utf8))
        header.replaceSubrange(212..<216, with: [0x44, 0x44, 0, 0])
        putFloat(54, Float(rms))
        putInt(55, 1)
        let label = Array("fovea simulate: humanoid phantom".utf8)
        header.replaceSubrange(224..<224 + label.count, with: label)
        var data = Data(header)
        data.reserveCapacity(1024 + 4 * values.count)
        values.withUnsafeBufferPointer { buffer in
            var littleEndian = [UInt32](repeating: 0, count: buffer.count)
            for i in 0..<buffer.count { littleEndian[i] = buffer[i].bitPattern.littleEndian }
            littleEndian.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }
}
