import Foundation
import Testing
import FoveaCore
import FoveaIO

@Suite struct MRCTests {
    @Test func volumeRoundTripIsExactWithCorrectHeader() throws {
        let folder = try makeTemporaryFolder("mrc-vol")
        defer { removeFolder(folder) }
        var volume = Volume(size: 6, pixelSize: 1.75)
        for i in volume.voxels.indices { volume.voxels[i] = Float(i % 7) * 0.5 - 1.25 }
        let path = folder + "/v.mrc"
        try MRCWriter.write(volume, to: path)
        let reader = try MRCReader(path: path)
        #expect(try reader.volume() == volume)
        let h = reader.header
        #expect(h.nx == 6 && h.ny == 6 && h.nz == 6 && h.mode == .float32 && h.mz == 6 && h.ispg == 1)
        #expect(abs(h.pixelSize - 1.75) < 1e-6)
        #expect(h.dmin == -1.25 && h.dmax == 1.75 && h.origin == .zero && !h.isBigEndian)
        let values = volume.voxels.map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(Double(h.dmean) - mean) < 1e-6 && abs(Double(h.rms) - sd) < 1e-6)
        // Raw bytes: "MAP " at 208 and the little-endian machine stamp at 212.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes[208..<214]) == [0x4D, 0x41, 0x50, 0x20, 0x44, 0x44])
        #expect(bytes.count == 1024 + 4 * 216)
    }

    @Test func stackRoundTripAndSingleImageReads() throws {
        let folder = try makeTemporaryFolder("mrc-stack")
        defer { removeFolder(folder) }
        let images = (0..<5).map { k in
            Image2D(size: 4, pixelSize: 2.5, pixels: (0..<16).map { Float(k * 100 + $0) })
        }
        let path = folder + "/s.mrcs"
        try MRCWriter.write(stack: images, to: path)
        let reader = try MRCReader(path: path)
        #expect(reader.imageCount == 5 && reader.pixelSize == 2.5)
        #expect(reader.header.mz == 1 && reader.header.ispg == 0 && reader.header.cellA == SIMD3(10, 10, 2.5))
        #expect(try reader.allImages() == images)
        #expect(try reader.image(at: 3) == images[3])
        #expect(try reader.images(at: [4, 0, 2, 0]) == [images[4], images[0], images[2], images[0]])
        let locations = [ImageLocation(path: "s.mrcs", index: 1), ImageLocation(path: path, index: 4)]
        #expect(try MRCReader.readImages(at: locations, relativeTo: folder) == [images[1], images[4]])
    }

    @Test func indexBeyondStackNamesImageAndField() throws {
        let folder = try makeTemporaryFolder("mrc-beyond")
        defer { removeFolder(folder) }
        let path = folder + "/s.mrcs"
        try MRCWriter.write(stack: [Image2D(size: 4, pixelSize: 1), Image2D(size: 4, pixelSize: 1)], to: path)
        let reader = try MRCReader(path: path)
        let error = #expect(throws: FormatError.self) { try reader.image(at: 2) }
        #expect(error?.file == path && error?.location == "image 3" && error?.field == "nz")
        #expect(throws: FormatError.self) { try reader.image(at: -1) }
    }

    @Test func failedWriteKeepsTheExistingFile() throws {
        let folder = try makeTemporaryFolder("mrc-keep")
        defer { removeFolder(folder) }
        let path = folder + "/k.mrcs"
        try MRCWriter.write(stack: [Image2D(size: 4, pixelSize: 1)], to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let error = #expect(throws: FormatError.self) {
            try MRCWriter.write(stack: [Image2D(size: 4, pixelSize: 1), Image2D(size: 6, pixelSize: 1)], to: path)
        }
        #expect(error?.location == "image 2" && error?.field == "nx")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["k.mrcs"])
    }

    @Test func truncatedFileIsRejectedAtOpen() throws {
        let folder = try makeTemporaryFolder("mrc-trunc")
        defer { removeFolder(folder) }
        let path = folder + "/t.mrcs"
        try MRCWriter.write(stack: [Image2D(size: 8, pixelSize: 1), Image2D(size: 8, pixelSize: 1)], to: path)
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        try full.prefix(full.count - 3).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: FormatError.self) { try MRCReader(path: path) }
        #expect(error?.file == path && error?.field == "nz")
        #expect(error?.message.contains("truncated") == true)
        try full.prefix(500).write(to: URL(fileURLWithPath: path))
        let short = #expect(throws: FormatError.self) { try MRCReader(path: path) }
        #expect(short?.location == "header")
    }

    @Test func unsupportedModeNamesTheField() throws {
        let folder = try makeTemporaryFolder("mrc-mode")
        defer { removeFolder(folder) }
        let path = folder + "/m.mrc"
        try handMadeMRC(nx: 2, ny: 2, nz: 1, mode: 4, cell: 1, bigEndian: false, data: [UInt8](repeating: 0, count: 32))
            .write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: FormatError.self) { try MRCReader(path: path) }
        #expect(error?.field == "mode" && error?.location == "header word 3")
    }

    @Test(arguments: [false, true])
    func integerAndHalfModesReadToTheRightValues(bigEndian: Bool) throws {
        let folder = try makeTemporaryFolder("mrc-modes")
        defer { removeFolder(folder) }
        // mode 0: signed bytes
        let int8: [UInt8] = [0x00, 0x7F, 0x80, 0xFF]
        try check(folder, mode: 0, bigEndian: bigEndian, data: int8, expected: [0, 127, -128, -1])
        // mode 1: signed 16-bit
        try check(folder, mode: 1, bigEndian: bigEndian, data: bytes16([0x0001, 0x7FFF, 0x8000, 0xFFFE], bigEndian: bigEndian),
                  expected: [1, 32767, -32768, -2])
        // mode 6: unsigned 16-bit
        try check(folder, mode: 6, bigEndian: bigEndian, data: bytes16([0x0000, 0x0102, 0x8000, 0xFFFF], bigEndian: bigEndian),
                  expected: [0, 258, 32768, 65535])
        // mode 12: half floats 1, −2, 65504 (largest half), 2⁻²⁴ (smallest subnormal)
        try check(folder, mode: 12, bigEndian: bigEndian, data: bytes16([0x3C00, 0xC000, 0x7BFF, 0x0001], bigEndian: bigEndian),
                  expected: [1, -2, 65504, 5.9604644775390625e-08])
        // mode 2: floats
        try check(folder, mode: 2, bigEndian: bigEndian, data: bytesFloat([0.5, -3.25, 1e-3, 7], bigEndian: bigEndian),
                  expected: [0.5, -3.25, 1e-3, 7])
        // no machine stamp: the byte order is found from sane dimensions
        try check(folder, mode: 1, bigEndian: bigEndian, stamp: false,
                  data: bytes16([0x0001, 0x0002, 0x0003, 0x0004], bigEndian: bigEndian), expected: [1, 2, 3, 4])
    }

    @Test func extendedHeaderIsSkipped() throws {
        let folder = try makeTemporaryFolder("mrc-ext")
        defer { removeFolder(folder) }
        let path = folder + "/e.mrc"
        try handMadeMRC(nx: 2, ny: 2, nz: 1, mode: 2, cell: 3, bigEndian: false, extended: 96,
                        data: bytesFloat([1, 2, 3, 4], bigEndian: false)).write(to: URL(fileURLWithPath: path))
        let reader = try MRCReader(path: path)
        #expect(reader.header.extendedHeaderBytes == 96 && reader.pixelSize == 3)
        #expect(try reader.image(at: 0).pixels == [1, 2, 3, 4])
    }

    private func check(_ folder: String, mode: Int32, bigEndian: Bool, stamp: Bool = true,
                       data: [UInt8], expected: [Float]) throws {
        let path = folder + "/mode\(mode)-\(stamp).mrc"
        try handMadeMRC(nx: 2, ny: 2, nz: 1, mode: mode, cell: 1.5, bigEndian: bigEndian, stamp: stamp, data: data)
            .write(to: URL(fileURLWithPath: path))
        let reader = try MRCReader(path: path)
        #expect(reader.header.isBigEndian == bigEndian, "mode \(mode)")
        #expect(reader.pixelSize == 1.5)
        #expect(try reader.image(at: 0).pixels == expected, "mode \(mode) big-endian \(bigEndian)")
    }
}
