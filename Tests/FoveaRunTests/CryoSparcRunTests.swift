import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// A classification from a cryoSPARC `.cs` file equals the one from the RELION STAR of the same
/// particles. The `.cs` is written byte by byte here, with the conventions written out
/// independently of the reader (rotation vector from the view matrix, shift in pixels with
/// RELION's origin sign, radians, split 0/1, blob/sign +1 for RELION's white protein).
@Suite struct CryoSparcRunTests {
    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
    static func f32(_ value: Double) -> [UInt8] { le(Float(value).bitPattern) }

    /// The rotation vector (axis × angle, radians) of view matrix `m` (Fovea's M, an active rotation).
    static func rotationVector(_ m: RotationMatrix) -> SIMD3<Double> {
        let cosine = max(-1, min(1, (m[0, 0] + m[1, 1] + m[2, 2] - 1) / 2))
        let angle = acos(cosine)
        if angle < 1e-9 { return .zero }
        if angle < .pi - 1e-3 {
            let v = SIMD3(m[2, 1] - m[1, 2], m[0, 2] - m[2, 0], m[1, 0] - m[0, 1])
            return v / (2 * sin(angle)) * angle
        }
        // Near 180°: n nᵀ = (M + I)/2; take the largest diagonal for the sign-free component.
        let d = SIMD3(m[0, 0], m[1, 1], m[2, 2])
        var n = SIMD3((max(0, (d.x + 1) / 2)).squareRoot(), (max(0, (d.y + 1) / 2)).squareRoot(), (max(0, (d.z + 1) / 2)).squareRoot())
        if n.x >= n.y && n.x >= n.z {
            n.y = (m[0, 1] + m[1, 0]) / (4 * n.x); n.z = (m[0, 2] + m[2, 0]) / (4 * n.x)
        } else if n.y >= n.z {
            n.x = (m[0, 1] + m[1, 0]) / (4 * n.y); n.z = (m[1, 2] + m[2, 1]) / (4 * n.y)
        } else {
            n.x = (m[0, 2] + m[2, 0]) / (4 * n.z); n.y = (m[1, 2] + m[2, 1]) / (4 * n.z)
        }
        if (m[2, 1] - m[1, 2]) * n.x + (m[0, 2] - m[2, 0]) * n.y + (m[1, 0] - m[0, 1]) * n.z < 0 { n = -n }
        return n / (n * n).sum().squareRoot() * angle
    }

    /// The `.cs` bytes of `table`'s particles (format version 1).
    static func csBytes(_ table: ParticleTable) -> [UInt8] {
        let width = table.particles.map(\.image.path.utf8.count).max() ?? 1
        let descr = "[('uid', '<u8'), ('blob/path', '|S\(width)'), ('blob/idx', '<u4'), ('blob/shape', '<u4', (2,)), "
            + "('blob/psize_A', '<f4'), ('blob/sign', '<f4'), ('ctf/accel_kv', '<f4'), ('ctf/cs_mm', '<f4'), "
            + "('ctf/amp_contrast', '<f4'), ('ctf/df1_A', '<f4'), ('ctf/df2_A', '<f4'), ('ctf/df_angle_rad', '<f4'), "
            + "('ctf/phase_shift_rad', '<f4'), ('alignments3D/split', '<u4'), ('alignments3D/shift', '<f4', (2,)), "
            + "('alignments3D/pose', '<f4', (3,))]"
        var header = "{'descr': \(descr), 'fortran_order': False, 'shape': (\(table.count),), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0] + le(UInt16(header.utf8.count)) + Array(header.utf8)
        for (k, p) in table.particles.enumerated() {
            let path = Array(p.image.path.utf8)
            bytes += le(UInt64(k)) + path + [UInt8](repeating: 0, count: width - path.count) + le(UInt32(p.image.index))
            bytes += le(UInt32(p.imageSize)) + le(UInt32(p.imageSize)) + f32(p.pixelSize) + f32(1)
            bytes += f32(p.voltage) + f32(p.sphericalAberration) + f32(p.amplitudeContrast) + f32(p.defocusU) + f32(p.defocusV)
            bytes += f32(p.astigmatismAngle * .pi / 180) + f32(p.phaseShift * .pi / 180) + le(UInt32(max(0, p.halfSet - 1)))
            // rlnOriginX in pixels = −shift / pixel size.
            bytes += f32(-p.shiftX / p.pixelSize) + f32(-p.shiftY / p.pixelSize)
            let pose = rotationVector(RotationMatrix(p.angles))
            bytes += f32(pose.x) + f32(pose.y) + f32(pose.z)
        }
        return bytes
    }

    @Test func csRunGivesTheClassesOfTheStarRun() throws {
        let data = temporaryFolder("cs-data")
        let star = try writePhantom(to: data, count: 80, snr: 1, seed: 11)
        let table = try ParticleTable(relionStarAt: star)
        let cs = data + "/J7_particles.cs"
        try Data(Self.csBytes(table)).write(to: URL(fileURLWithPath: cs))

        let fromCs = try ParticleTable(cryoSPARCAt: cs)
        for (a, b) in zip(fromCs.particles, table.particles) {
            #expect(RotationMatrix(a.angles).maxAbsDifference(to: RotationMatrix(b.angles)) < 1e-5)
            #expect(abs(a.shiftX - b.shiftX) < 1e-4 && abs(a.shiftY - b.shiftY) < 1e-4 && a.halfSet == b.halfSet)
        }
        #expect(RunInputPaths(particles: cs).resolvedInvertContrast == RunInputPaths(particles: star).resolvedInvertContrast)

        var classes: [[String]] = [], maps: [Volume] = []
        for particles in [star, cs] {
            let folder = temporaryFolder("cs-run") + "/run"
            let (outcome, _) = try runJob(RunRequest(config: try phantomConfig(cycles: 3), inputs: RunInputPaths(particles: particles),
                                                     output: folder, continuing: false, commandLine: []))
            #expect(outcome == .finished(.cycleLimit))
            let result = try ParticleTable(relionStarAt: folder + "/particles.star")
            classes.append((0..<result.count).map { result.extraValue("rlnClassNumber", particle: $0) ?? "" })
            maps.append(try MRCReader(path: folder + "/class_001.mrc").volume())
        }
        #expect(classes[0].count == 80 && classes[0] == classes[1])
        #expect(mapCorrelation(maps[0], maps[1]) > 0.9999)
    }

    @Test func missingCsStacksAreReportedWithThePlacesTried() throws {
        let data = temporaryFolder("cs-missing")
        let star = try writePhantom(to: data, count: 4, snr: 1, seed: 2)
        var table = try ParticleTable(relionStarAt: star)
        for k in table.particles.indices { table.particles[k].image.path = "J2/extract/gone.mrc" }
        let job = data + "/P3/J9"
        try FileManager.default.createDirectory(atPath: job, withIntermediateDirectories: true)
        try Data(Self.csBytes(table)).write(to: URL(fileURLWithPath: job + "/particles.cs"))
        let error = try #require(throws: RunInputError.self) { try ParticleTableLoading.load(RunInputPaths(particles: job + "/particles.cs")) }
        #expect(error.description.contains(job + "/J2/extract/gone.mrc") && error.description.contains(data + "/P3/J2/extract/gone.mrc"))
    }
}
