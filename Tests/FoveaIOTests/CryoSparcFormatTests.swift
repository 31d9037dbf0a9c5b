import Foundation
import Testing
import FoveaCore
import FoveaIO

/// cryoSPARC `.cs` files built byte by byte (independently of the reader): conventions, optics
/// Fovea does not model, and headers that must be refused without trapping.
@Suite struct CryoSparcFormatTests {
    /// A `.npy` file: magic, version, header length, the header padded to a multiple of 64 bytes
    /// with a final newline (as NumPy writes it), then `records`.
    static func npy(header: String, records: [UInt8], version: UInt8 = 1) -> [UInt8] {
        let prefix = version == 1 ? 10 : 12
        var text = header
        while (prefix + text.utf8.count + 1) % 64 != 0 { text += " " }
        text += "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
        let length = text.utf8.count
        bytes += version == 1 ? [UInt8(length & 0xFF), UInt8(length >> 8)]
            : [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        return bytes + Array(text.utf8) + records
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
    static func f32(_ value: Float) -> [UInt8] { le(value.bitPattern) }

    /// The fields of a refinement job's particles (a subset cryoSPARC writes), one record per pose.
    static let descr = "[('uid', '<u8'), ('blob/path', '|S12'), ('blob/idx', '<u4'), ('blob/shape', '<u4', (2,)), "
        + "('blob/psize_A', '<f4'), ('blob/sign', '<f4'), ('ctf/accel_kv', '<f4'), ('ctf/cs_mm', '<f4'), "
        + "('ctf/amp_contrast', '<f4'), ('ctf/df1_A', '<f4'), ('ctf/df2_A', '<f4'), ('ctf/df_angle_rad', '<f4'), "
        + "('ctf/phase_shift_rad', '<f4'), ('ctf/tilt_A', '<f4', (2,)), ('alignments3D/split', '<u4'), "
        + "('alignments3D/shift', '<f4', (2,)), ('alignments3D/pose', '<f4', (3,))]"

    static func record(pose: SIMD3<Float>, shift: SIMD2<Float>, split: UInt32, tilt: Float = 0, index: UInt32 = 0) -> [UInt8] {
        var r = le(UInt64(7)) + Array("J3/stack.mrc".utf8) + le(index) + le(UInt32(64)) + le(UInt32(64))
        r += f32(1.5) + f32(-1) + f32(300) + f32(2.7) + f32(0.07) + f32(12000) + f32(11000) + f32(0.5) + f32(0.25)
        r += f32(tilt) + f32(0) + le(split) + f32(shift.x) + f32(shift.y) + f32(pose.x) + f32(pose.y) + f32(pose.z)
        return r
    }

    static func write(_ bytes: [UInt8], name: String = "particles.cs") throws -> (folder: String, path: String) {
        let folder = try makeTemporaryFolder("cs")
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (folder, path)
    }

    /// Seeded random poses and shifts: the view matrix is the rotation by |pose| about pose (its
    /// RELION matrix Aᵀ), the shift is −shift × pixel size, radians become degrees, split 0/1 → 1/2.
    @Test func posesShiftsAndCtfFollowCsparc2starsConventions() throws {
        var rng = SeededRandom(seed: 16)
        var records: [UInt8] = []
        var poses: [SIMD3<Float>] = [], shifts: [SIMD2<Float>] = []
        for k in 0..<40 {
            let axis = SIMD3(rng.uniform() - 0.5, rng.uniform() - 0.5, rng.uniform() - 0.5)
            let angle = rng.uniform() * 3.1
            let pose = SIMD3<Float>(axis / (axis * axis).sum().squareRoot() * angle)
            let shift = SIMD2<Float>(Float(rng.uniform() * 20 - 10), Float(rng.uniform() * 20 - 10))
            poses.append(pose); shifts.append(shift)
            records += Self.record(pose: pose, shift: shift, split: UInt32(k % 2), index: UInt32(k))
        }
        let file = try Self.write(Self.npy(header: "{'descr': \(Self.descr), 'fortran_order': False, 'shape': (40,), }", records: records))
        defer { removeFolder(file.folder) }
        let table = try ParticleTable(cryoSPARCAt: file.path)
        #expect(table.count == 40)
        for (k, p) in table.particles.enumerated() {
            let pose = SIMD3<Double>(poses[k])
            let angle = (pose * pose).sum().squareRoot()
            // Rodrigues' formula written out: R = I cos a + (1 − cos a) n nᵀ + sin a [n]ₓ.
            let n = pose / angle, c = cos(angle), s = sin(angle)
            let rodrigues = RotationMatrix(rows: [
                [c + n.x * n.x * (1 - c), n.x * n.y * (1 - c) - n.z * s, n.x * n.z * (1 - c) + n.y * s],
                [n.y * n.x * (1 - c) + n.z * s, c + n.y * n.y * (1 - c), n.y * n.z * (1 - c) - n.x * s],
                [n.z * n.x * (1 - c) - n.y * s, n.z * n.y * (1 - c) + n.x * s, c + n.z * n.z * (1 - c)]])
            #expect(RotationMatrix(p.angles).maxAbsDifference(to: rodrigues) < 1e-9)
            #expect(p.shiftX == -Double(shifts[k].x) * 1.5 && p.shiftY == -Double(shifts[k].y) * 1.5)
            #expect(p.halfSet == k % 2 + 1 && p.image == ImageLocation(path: "J3/stack.mrc", index: k))
            #expect(abs(p.astigmatismAngle - 0.5 * 180 / .pi) < 1e-5 && abs(p.phaseShift - 0.25 * 180 / .pi) < 1e-5)
            #expect(p.defocusU == 12000 && p.defocusV == 11000 && p.pixelSize == 1.5 && p.imageSize == 64)
        }
        #expect(table.unmodelledOpticsColumns.isEmpty)
    }

    @Test func beamTiltInACsFileIsNamedOnce() throws {
        let records = Self.record(pose: [0.1, 0.2, 0.3], shift: [0, 0], split: 0)
            + Self.record(pose: [0.1, 0.2, 0.3], shift: [0, 0], split: 1, tilt: 0.4)
        let file = try Self.write(Self.npy(header: "{'descr': \(Self.descr), 'fortran_order': False, 'shape': (2,), }", records: records))
        defer { removeFolder(file.folder) }
        let table = try ParticleTable(cryoSPARCAt: file.path)
        #expect(table.unmodelledOpticsColumns == ["ctf/tilt_A"])
        let notice = try #require(table.unmodelledOpticsNotice(file: file.path))
        #expect(notice.contains(file.path) && notice.components(separatedBy: "ctf/tilt_A").count == 2)
    }

    @Test func stacksAreFoundFromTheCsFolderUpAndThePlacesTriedAreListed() throws {
        let project = try makeTemporaryFolder("csproject")
        defer { removeFolder(project) }
        try FileManager.default.createDirectory(atPath: project + "/J3", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: project + "/J9", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: project + "/J3/stack.mrc", contents: Data())
        let cs = project + "/J9/J9_particles.cs"
        let bytes = Self.npy(header: "{'descr': \(Self.descr), 'fortran_order': False, 'shape': (1,), }",
                             records: Self.record(pose: [0, 0, 0], shift: [0, 0], split: 0))
        try Data(bytes).write(to: URL(fileURLWithPath: cs))
        #expect(CryoSparcParticles.candidatePaths(blobPath: ">J3/stack.mrc", csFile: cs).prefix(2)
                == [project + "/J9/J3/stack.mrc", project + "/J3/stack.mrc"])
        #expect(try ParticleTable(cryoSPARCAt: cs).particles[0].image.path == project + "/J3/stack.mrc")
    }

    /// Headers that lie: each is refused with a FormatError naming the file, never a trap.
    @Test(arguments: [
        ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }", "truncated"),
        ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (9223372036854775807,), }", "record"),
        ("{'descr': [('a', '<f4', (4611686018427387904, 4))], 'fortran_order': False, 'shape': (1,), }", "overflow"),
        ("{'descr': [('a', '>f4')], 'fortran_order': False, 'shape': (1,), }", "big-endian"),
        ("{'descr': [('a', [('b', '<f4')])], 'fortran_order': False, 'shape': (1,), }", "nested"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", "descr"),
        ("{'descr': [('a', '<f4')], 'fortran_order': True, 'shape': (1,), }", "Fortran"),
        ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1, 2), }", "shape"),
        ("{'descr': [('a', '<c8')], 'fortran_order': False, 'shape': (1,), }", "type"),
        ("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), ", "ends"),
        ("{'descr': [('a', '<f4')], 'shape': (1,), __import__('os'): 1}", "not a string"),
        (String(repeating: "[", count: 200), "nesting"),
    ])
    func hostileHeadersAreRefused(header: String, expected: String) throws {
        let file = try Self.write(Self.npy(header: header, records: [0, 0, 128, 63]))
        defer { removeFolder(file.folder) }
        let error = try #require(throws: FormatError.self) { try NumpyStructuredArray(contentsOf: file.path) }
        #expect(error.file == file.path)
        #expect(error.description.contains(expected), "\(error)")
    }

    /// Seeded random byte changes in a valid file's first 200 bytes, and every truncation of it:
    /// the reader either reads it or throws a FormatError (a trap would end the test run).
    @Test func mutatedAndTruncatedFilesNeverTrap() throws {
        let valid = Self.npy(header: "{'descr': \(Self.descr), 'fortran_order': False, 'shape': (2,), }",
                             records: Self.record(pose: [0.1, 0, 0], shift: [1, 2], split: 0)
                                + Self.record(pose: [0, 0.1, 0], shift: [1, 2], split: 1), version: 2)
        var rng = SeededRandom(seed: 1616)
        var refused = 0, read = 0
        for trial in 0..<600 {
            var bytes = valid
            if trial < 300 {
                for _ in 0..<(1 + trial % 4) { bytes[Int(rng.uniform() * 200)] = UInt8(rng.uniform() * 256) }
            } else {
                bytes = Array(bytes.prefix(Int(rng.uniform() * Double(valid.count))))
            }
            do {
                let array = try NumpyStructuredArray(bytes: bytes, file: "mutated.cs")
                for field in array.fields where field.kind != .bytes && field.kind != .padding {
                    for row in 0..<array.count { for e in 0..<field.elementCount { _ = array.double(field, row: row, element: e) } }
                }
                read += 1
            } catch is FormatError {
                refused += 1
            }
        }
        #expect(refused > 300 && read > 0)
    }
}
