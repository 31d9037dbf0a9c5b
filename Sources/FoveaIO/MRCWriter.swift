import Foundation
import FoveaCore

/// Writes MRC2014 files in mode 2 (float32, little-endian), atomically (`AtomicFileWriter`): a
/// failed write leaves any existing file untouched.
///
/// Header: nx ny nz, mx my mz = nx ny nz for a volume (ispg 1) and nx ny 1 for an image stack
/// (ispg 0, as MRC2014 asks), cell = m·pixel size Å (so pixel size = cell/mx), angles 90°, axes 1 2 3,
/// dmin/dmax/dmean/rms of the data (rms = standard deviation about the mean), origin 0,
/// "MAP " and machine stamp 0x44 0x44 0 0, one label.
public enum MRCWriter {
    /// Writes a cubic map.
    public static func write(_ volume: Volume, to path: String) throws {
        let n = volume.size
        let p = Float(volume.pixelSize)
        var header = MRCHeader(nx: n, ny: n, nz: n, mx: n, my: n, mz: n,
                               cellA: SIMD3(Float(n) * p, Float(n) * p, Float(n) * p), ispg: 1,
                               labels: ["Fovea: volume"])
        try write(header: &header, sections: [volume.voxels], to: path)
    }

    /// Writes images of one size and pixel size as a stack (`.mrcs`).
    /// - Throws: `FormatError` when the stack is empty or the images differ in size.
    public static func write(stack images: [Image2D], to path: String) throws {
        guard let first = images.first else {
            throw FormatError(file: path, field: "nz", "cannot write an empty image stack")
        }
        if let odd = images.firstIndex(where: { $0.size != first.size }) {
            throw FormatError(file: path, location: "image \(odd + 1)", field: "nx",
                              "image is \(images[odd].size) pixels wide but the first is \(first.size)")
        }
        var header = stackHeader(imageSize: first.size, count: images.count, pixelSize: first.pixelSize)
        try write(header: &header, sections: images.map(\.pixels), to: path)
    }

    /// Writes `values.count / (imageSize²)` images of `imageSize`² pixels, stored one after the
    /// other (x fastest), as a stack — the same file `write(stack:to:)` makes of those images.
    /// - Throws: `FormatError` when there is no image or the values are not whole images.
    public static func write(stackValues values: [Float], imageSize n: Int, pixelSize: Double, to path: String) throws {
        guard n > 0, !values.isEmpty, values.count % (n * n) == 0 else {
            throw FormatError(file: path, field: "nz", "\(values.count) values are not a whole number of \(n)² images")
        }
        var header = stackHeader(imageSize: n, count: values.count / (n * n), pixelSize: pixelSize)
        try write(header: &header, sections: [values], to: path)
    }

    /// The header of a stack of `count` images of `imageSize`² pixels (statistics still 0).
    private static func stackHeader(imageSize n: Int, count: Int, pixelSize: Double) -> MRCHeader {
        let p = Float(pixelSize)
        return MRCHeader(nx: n, ny: n, nz: count, mx: n, my: n, mz: 1, cellA: SIMD3(Float(n) * p, Float(n) * p, p),
                         ispg: 0, labels: ["Fovea: image stack"])
    }

    /// Fills the statistics of `header` from `sections` and writes header + data.
    private static func write(header: inout MRCHeader, sections: [[Float]], to path: String) throws {
        var minimum = Float.infinity, maximum = -Float.infinity
        var sum = 0.0, sumSquares = 0.0, count = 0
        for section in sections {
            for v in section {
                minimum = min(minimum, v); maximum = max(maximum, v)
                let d = Double(v)
                sum += d; sumSquares += d * d
            }
            count += section.count
        }
        let mean = sum / Double(max(count, 1))
        let variance = max(0, sumSquares / Double(max(count, 1)) - mean * mean)
        header.dmin = minimum; header.dmax = maximum
        header.dmean = Float(mean); header.rms = Float(variance.squareRoot())

        var data = Data(header.encoded())
        data.reserveCapacity(MRCHeader.byteCount + 4 * count)
        for section in sections {
            section.withUnsafeBufferPointer { values in
                if UInt32(1).littleEndian == 1 {
                    data.append(UnsafeBufferPointer(start: values.baseAddress, count: values.count))
                } else {
                    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                }
            }
        }
        try AtomicFileWriter.write(data, to: path)
    }
}
