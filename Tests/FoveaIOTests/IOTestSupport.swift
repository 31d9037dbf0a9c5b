import Foundation
import FoveaIO
import _FoveaTestSupport

/// A fresh, unique temporary folder for one test; remove it with `removeFolder`.
func makeTemporaryFolder(_ tag: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-io-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

func removeFolder(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

/// Path of a file in Tests/FoveaIOTests/Fixtures.
func fixturePath(_ name: String) throws -> String {
    guard let url = Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil) else {
        throw FormatError(file: name, "fixture not found in the test bundle")
    }
    return url.path
}

/// Builds MRC bytes by hand, independently of `MRCHeader.encoded()`: a 1024-byte header with
/// nx ny nz mode, mx my mz, cell lengths, nsymbt, the machine stamp of the byte order, followed
/// by `extended` zero bytes and `data` (already in the file's byte order).
func handMadeMRC(nx: Int32, ny: Int32, nz: Int32, mode: Int32, cell: Float, bigEndian: Bool,
                 extended: Int = 0, stamp: Bool = true, data: [UInt8]) -> Data {
    var header = [UInt8](repeating: 0, count: 1024)
    func put(_ word: Int, _ bits: UInt32) {
        let b = bigEndian ? bits.bigEndian : bits.littleEndian
        withUnsafeBytes(of: b) { for k in 0..<4 { header[4 * word + k] = $0[k] } }
    }
    put(0, UInt32(bitPattern: nx)); put(1, UInt32(bitPattern: ny)); put(2, UInt32(bitPattern: nz))
    put(3, UInt32(bitPattern: mode))
    put(7, UInt32(bitPattern: nx)); put(8, UInt32(bitPattern: ny)); put(9, UInt32(bitPattern: nz))
    put(10, (cell * Float(nx)).bitPattern); put(11, (cell * Float(ny)).bitPattern); put(12, (cell * Float(nz)).bitPattern)
    put(23, UInt32(extended))
    header[208] = 0x4D; header[209] = 0x41; header[210] = 0x50; header[211] = 0x20
    if stamp {
        if bigEndian { header[212] = 0x11; header[213] = 0x11 } else { header[212] = 0x44; header[213] = 0x44 }
    }
    return Data(header + [UInt8](repeating: 0xAB, count: extended) + data)
}

/// The bytes of 16-bit words in the chosen order.
func bytes16(_ words: [UInt16], bigEndian: Bool) -> [UInt8] {
    words.flatMap { w -> [UInt8] in
        let hi = UInt8(w >> 8), lo = UInt8(w & 0xFF)
        return bigEndian ? [hi, lo] : [lo, hi]
    }
}

/// The bytes of 32-bit floats in the chosen order.
func bytesFloat(_ values: [Float], bigEndian: Bool) -> [UInt8] {
    values.flatMap { v -> [UInt8] in
        let b = v.bitPattern
        let le = [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
        return bigEndian ? le.reversed() : le
    }
}

/// Whether RELION's command-line tools are installed (Debian package `relion`).
let relionInstalled = FileManager.default.isExecutableFile(atPath: "/usr/bin/relion_image_handler")
    && FileManager.default.isExecutableFile(atPath: "/usr/bin/relion_star_handler")
