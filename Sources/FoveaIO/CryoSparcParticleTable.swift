import Foundation
import FoveaCore

/// cryoSPARC `.cs` particle files (NumPy structured arrays, `NumpyStructuredArray`) read into
/// Fovea's particle table. Conventions in `ParticleTableConventions` (MARK: cryoSPARC).
public enum CryoSparcParticles {
    /// Fields that must be present: image location, pixel size and CTF.
    static let requiredFields = ["blob/path", "blob/idx", "blob/psize_A", "ctf/accel_kv", "ctf/cs_mm",
                                 "ctf/amp_contrast", "ctf/df1_A", "ctf/df2_A", "ctf/df_angle_rad"]
    /// Fields with optics Fovea does not model; named in the once-per-run notice when non-zero.
    static let unmodelledFields = ["ctf/tilt_A", "ctf/shift_A", "ctf/trefoil_A", "ctf/tetra_A", "ctf/anisomag"]

    /// The places a `blob/path` may be, in the order tried: cryoSPARC writes paths relative to
    /// its project folder, which is the `.cs` file's folder or one of its parents (a job folder
    /// `P12/J24/` sits in the project `P12/`). A leading `>` (cryoSPARC's mark for imported
    /// files) is dropped.
    public static func candidatePaths(blobPath: String, csFile: String) -> [String] {
        let path = blobPath.hasPrefix(">") ? String(blobPath.dropFirst()) : blobPath
        if path.hasPrefix("/") { return [path] }
        var folder = (csFile as NSString).deletingLastPathComponent
        var candidates: [String] = []
        for _ in 0..<4 {
            candidates.append(folder.isEmpty ? path : folder + "/" + path)
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || folder.isEmpty { break }
            folder = parent
        }
        return candidates
    }

    /// The first candidate of `candidatePaths` that exists, or nil.
    public static func resolve(blobPath: String, csFile: String) -> String? {
        candidatePaths(blobPath: blobPath, csFile: csFile).first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Whether the images must be negated on reading (`blob/sign` +1 for every particle); throws
    /// when the particles disagree.
    public static func invertContrast(csFile path: String) throws -> Bool {
        let array = try NumpyStructuredArray(contentsOf: path)
        guard let sign = array.field("blob/sign") else { return false }
        var signs = Set<Bool>()
        for row in 0..<array.count { signs.insert(ParticleTableConventions.invertContrast(cryoSPARCSign: array.double(sign, row: row))) }
        guard signs.count <= 1 else {
            throw FormatError(file: path, field: "blob/sign", "particles differ in contrast (some +1, some −1); "
                              + "split the file, or give --invert-contrast explicitly")
        }
        return signs.first ?? false
    }
}

extension ParticleTable {
    /// Reads a cryoSPARC `.cs` particle file.
    ///
    /// Stack paths (`blob/path`) are looked for relative to the file's folder and its parents
    /// (`CryoSparcParticles.candidatePaths`) and stored as found; one that is nowhere is kept as
    /// written (reading its images then fails naming the places tried, see `ParticleTableLoading`).
    /// - Parameter requiringAlignments: throw when `alignments3D/pose` is missing (a
    ///   classification needs fixed 3-D alignments); false reads angles 0 and shifts 0.
    public init(cryoSPARCAt path: String, requiringAlignments: Bool = true) throws {
        let array = try NumpyStructuredArray(contentsOf: path)
        func require(_ name: String, elements: Int = 1, kinds: Set<NumpyStructuredArray.Kind>) throws -> NumpyStructuredArray.Field {
            guard let field = array.field(name) else {
                throw FormatError(file: path, field: name, "required field is missing"
                                  + (name.hasPrefix("alignments3D") ? " (this file has no 3-D alignments: give the particles of a "
                                     + "refinement job, e.g. its _particles.cs)" : ""))
            }
            guard kinds.contains(field.kind), field.elementCount >= elements else {
                throw FormatError(file: path, field: name, "has type \(field.kind) × \(field.elementCount), expected \(elements) value(s)")
            }
            return field
        }
        let numbers: Set<NumpyStructuredArray.Kind> = [.float, .unsignedInteger, .signedInteger]
        let required = try Dictionary(uniqueKeysWithValues: CryoSparcParticles.requiredFields.map {
            ($0, try require($0, kinds: $0 == "blob/path" ? [.bytes] : numbers))
        })
        func optional(_ name: String, elements: Int = 1) -> NumpyStructuredArray.Field? {
            guard let field = array.field(name), numbers.contains(field.kind), field.elementCount >= elements else { return nil }
            return field
        }
        let pose = requiringAlignments ? try require("alignments3D/pose", elements: 3, kinds: [.float])
            : optional("alignments3D/pose", elements: 3)
        let shift = optional("alignments3D/shift", elements: 2)
        let split = optional("alignments3D/split"), phaseShift = optional("ctf/phase_shift_rad")
        let shape = optional("blob/shape", elements: 2), group = optional("ctf/exp_group_id")

        var resolved: [String: String] = [:]
        var particles: [ParticleRecord] = []
        particles.reserveCapacity(array.count)
        for row in 0..<array.count {
            func value(_ name: String) throws -> Double {
                let v = array.double(required[name]!, row: row)
                guard v.isFinite else { throw FormatError(file: path, location: "record \(row + 1)", field: name, "is not finite") }
                return v
            }
            func value(_ field: NumpyStructuredArray.Field?, _ element: Int = 0) throws -> Double {
                guard let field else { return 0 }
                let v = array.double(field, row: row, element: element)
                guard v.isFinite else { throw FormatError(file: path, location: "record \(row + 1)", field: field.name, "is not finite") }
                return v
            }
            let blob = array.string(required["blob/path"]!, row: row)
            guard !blob.isEmpty else { throw FormatError(file: path, location: "record \(row + 1)", field: "blob/path", "is empty") }
            let stack: String
            if let known = resolved[blob] { stack = known } else {
                stack = CryoSparcParticles.resolve(blobPath: blob, csFile: path) ?? (blob.hasPrefix(">") ? String(blob.dropFirst()) : blob)
                resolved[blob] = stack
            }
            let index = try value("blob/idx")
            guard index >= 0, index < 1e12 else {
                throw FormatError(file: path, location: "record \(row + 1)", field: "blob/idx", "\(index) is not an image index")
            }
            let pixelSize = try value("blob/psize_A")
            guard pixelSize > 0 else { throw FormatError(file: path, location: "record \(row + 1)", field: "blob/psize_A", "is not positive") }
            let angles = ParticleTableConventions.angles(
                fromCryoSPARCPose: SIMD3(try value(pose, 0), try value(pose, 1), try value(pose, 2)))
            let size = try value(shape)
            particles.append(ParticleRecord(
                image: ImageLocation(path: stack, index: Int(index)),
                angles: EulerAngles(phi: angles.phi, theta: angles.theta, psi: angles.psi),
                shiftX: ParticleTableConventions.shift(fromCryoSPARCPixels: try value(shift, 0), pixelSize: pixelSize),
                shiftY: ParticleTableConventions.shift(fromCryoSPARCPixels: try value(shift, 1), pixelSize: pixelSize),
                defocusU: try value("ctf/df1_A"), defocusV: try value("ctf/df2_A"),
                astigmatismAngle: ParticleTableConventions.degrees(fromCryoSPARCRadians: try value("ctf/df_angle_rad")),
                phaseShift: ParticleTableConventions.degrees(fromCryoSPARCRadians: try value(phaseShift)),
                voltage: try value("ctf/accel_kv"), sphericalAberration: try value("ctf/cs_mm"),
                amplitudeContrast: try value("ctf/amp_contrast"), pixelSize: pixelSize,
                imageSize: size > 0 && size < 1e6 ? Int(size) : 0,
                opticsGroup: ParticleTableConventions.opticsGroup(fromCryoSPARCExposureGroup: try value(group)),
                halfSet: split.map { ParticleTableConventions.halfSet(fromCryoSPARCSplit: array.double($0, row: row)) } ?? 0))
        }
        let unmodelled = CryoSparcParticles.unmodelledFields.filter { name in
            guard let field = optional(name) else { return false }
            return (0..<array.count).contains { row in
                (0..<field.elementCount).contains { array.double(field, row: row, element: $0) != 0 }
            }
        }
        self.init(particles: particles, unmodelledSourceFields: unmodelled)
    }

    /// Reads any particle table Fovea knows by its name: `.cs` (cryoSPARC), `.star` (RELION or
    /// cisTEM, `init(starAt:)`). `.par` files need optics and a stack and are read by
    /// `init(frealignParAt:…)`.
    public init(particleFileAt path: String, stackPath: String? = nil, pixelSize: Double = 0) throws {
        if path.lowercased().hasSuffix(".cs") {
            try self.init(cryoSPARCAt: path)
        } else {
            try self.init(starAt: path, stackPath: stackPath, pixelSize: pixelSize)
        }
    }
}
