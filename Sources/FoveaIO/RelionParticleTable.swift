import FoveaCore

/// RELION STAR flavours Fovea reads and writes.
public enum RelionStarVersion: Sendable {
    /// One particle table; optics values (voltage, Cs, …) are particle columns; origins in pixels.
    case relion30
    /// `data_optics` + `data_particles` joined by rlnOpticsGroup; origins in Å.
    case relion31
}

/// Particle columns Fovea interprets (everything else is kept in `extraColumns`).
private let relionParticleColumns: Set<String> = [
    "rlnImageName", "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst",
    "rlnOriginX", "rlnOriginY", "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle", "rlnPhaseShift",
    "rlnOpticsGroup", "rlnRandomSubset",
]
/// Optics columns Fovea interprets (in the optics table for 3.1+, in the particle table for 3.0).
private let relionOpticsColumns: Set<String> = [
    "rlnOpticsGroup", "rlnVoltage", "rlnSphericalAberration", "rlnAmplitudeContrast", "rlnImagePixelSize",
    "rlnMagnification", "rlnDetectorPixelSize", "rlnImageSize",
]

/// Optics values of one group (or one 3.0 particle).
private struct RelionOptics {
    var voltage: Double, cs: Double, amplitudeContrast: Double, pixelSize: Double, imageSize: Int
    var extras: [StarPair]

    /// Largest rlnImageSize accepted (pixels along an edge).
    static let largestImageSize = 65_536

    /// Reads row `row`; pixel size from rlnImagePixelSize, else rlnDetectorPixelSize/rlnMagnification,
    /// else `fallbackPixelSize`.
    init(_ columns: StarColumnReader, row: Int, fallbackPixelSize: Double, keepExtras: Bool) throws {
        voltage = try columns.double(try columns.require("rlnVoltage"), row, in: .voltage)
        cs = try columns.double(try columns.require("rlnSphericalAberration"), row, in: .sphericalAberration)
        amplitudeContrast = try columns.double(try columns.require("rlnAmplitudeContrast"), row, in: .amplitudeContrast)
        if let k = columns.optional("rlnImagePixelSize") {
            pixelSize = try columns.double(k, row, in: .pixelSize)
        } else if let d = columns.optional("rlnDetectorPixelSize"), let m = columns.optional("rlnMagnification") {
            pixelSize = ParticleTableConventions.pixelSize(
                detectorPixelSizeMicrons: try columns.double(d, row, in: .detectorPixelSize),
                magnification: try columns.double(m, row, in: .magnification))
            guard PhysicalRange.pixelSize.contains(pixelSize) else {
                throw columns.error(m, row, PhysicalRange.pixelSize.complaint(about: pixelSize)
                                    + " (rlnDetectorPixelSize × 10⁴ / rlnMagnification)")
            }
        } else {
            pixelSize = fallbackPixelSize
        }
        imageSize = try columns.int(columns.optional("rlnImageSize"), row, default: 0)
        if let k = columns.optional("rlnImageSize"), !(1...RelionOptics.largestImageSize).contains(imageSize) {
            throw columns.error(k, row, "image size \(imageSize) pixels is not between 1 and \(RelionOptics.largestImageSize)")
        }
        extras = keepExtras
            ? columns.loop.columns.indices.filter { !relionOpticsColumns.contains(columns.loop.columns[$0]) }
                .map { StarPair(key: columns.loop.columns[$0], value: columns.text($0, row)) }
            : []
    }
}

extension ParticleTable {
    /// Reads a RELION particle STAR file (3.0 or 3.1+, detected by the presence of `data_optics`).
    /// - Parameter pixelSize: used for 3.0 files that give no pixel size (0: unknown).
    public init(relionStarAt path: String, pixelSize: Double = 0) throws {
        try self.init(relion: try StarParser.parse(contentsOf: path), file: path, pixelSize: pixelSize)
    }

    /// Converts a parsed RELION STAR document. Required particle columns: rlnImageName,
    /// rlnAngleRot/Tilt/Psi, rlnDefocusU/V, and (3.1+) rlnOpticsGroup; required optics columns:
    /// rlnVoltage, rlnSphericalAberration, rlnAmplitudeContrast.
    public init(relion document: StarDocument, file: String, pixelSize fallbackPixelSize: Double = 0) throws {
        let opticsBlock = document.block(named: "optics")
        let particleBlock: StarBlock
        if opticsBlock != nil {
            guard let block = document.block(named: "particles") else {
                throw FormatError(file: file, location: "data_particles", "data_optics present but no data_particles block")
            }
            particleBlock = block
        } else {
            guard let block = document.blocks.first(where: { $0.table?.columnIndex("rlnImageName") != nil })
                ?? document.blocks.first(where: { $0.table != nil }) else {
                throw FormatError(file: file, "no particle table (loop_ with rlnImageName) found")
            }
            particleBlock = block
        }
        let columns = try StarColumnReader(file: file, block: particleBlock)

        var opticsByGroup: [Int: RelionOptics] = [:]
        if let opticsBlock {
            let optics = try StarColumnReader(file: file, block: opticsBlock)
            let groupColumn = try optics.require("rlnOpticsGroup")
            var rowOfGroup: [Int: Int] = [:]
            for row in 0..<optics.rowCount {
                let group = try optics.int(groupColumn, row)
                if let earlier = rowOfGroup[group] {
                    throw optics.error(groupColumn, row, "optics group \(group) is given twice in data_optics "
                                       + "(also at \(optics.loop.location(ofRow: earlier)))")
                }
                rowOfGroup[group] = row
                opticsByGroup[group] = try RelionOptics(optics, row: row, fallbackPixelSize: fallbackPixelSize, keepExtras: true)
            }
        }

        let name = try columns.require("rlnImageName")
        let rot = try columns.require("rlnAngleRot"), tilt = try columns.require("rlnAngleTilt")
        let psi = try columns.require("rlnAnglePsi")
        let defocusU = try columns.require("rlnDefocusU"), defocusV = try columns.require("rlnDefocusV")
        let defocusAngle = columns.optional("rlnDefocusAngle"), phaseShift = columns.optional("rlnPhaseShift")
        let subset = columns.optional("rlnRandomSubset")
        let originX = columns.first(of: ["rlnOriginXAngst", "rlnOriginX"])
        let originY = columns.first(of: ["rlnOriginYAngst", "rlnOriginY"])
        let group: Int? = opticsBlock == nil ? columns.optional("rlnOpticsGroup") : try columns.require("rlnOpticsGroup")
        let interpreted = opticsBlock == nil ? relionParticleColumns.union(relionOpticsColumns) : relionParticleColumns
        let extraIndices = columns.loop.columns.indices.filter { !interpreted.contains(columns.loop.columns[$0]) }

        var particles: [ParticleRecord] = []
        particles.reserveCapacity(columns.rowCount)
        for row in 0..<columns.rowCount {
            let opticsGroup = try columns.int(group, row, default: 1)
            let optics: RelionOptics
            if opticsBlock != nil {
                guard let known = opticsByGroup[opticsGroup] else {
                    throw columns.error(group!, row, "optics group \(opticsGroup) is not in data_optics")
                }
                optics = known
            } else {
                optics = try RelionOptics(columns, row: row, fallbackPixelSize: fallbackPixelSize, keepExtras: false)
            }
            func shift(_ origin: (index: Int, name: String)?) throws -> Double {
                guard let origin else { return 0 }
                let value = try columns.double(origin.index, row)
                if origin.name.hasSuffix("Angst") { return ParticleTableConventions.shift(fromRelionOriginAngst: value) }
                guard optics.pixelSize > 0 || value == 0 else {
                    throw columns.error(origin.index, row, "origin in pixels but no pixel size is known "
                                        + "(add rlnImagePixelSize or rlnDetectorPixelSize/rlnMagnification)")
                }
                return ParticleTableConventions.shift(fromRelionOriginPixels: value, pixelSize: optics.pixelSize)
            }
            let angles = ParticleTableConventions.angles(
                relionRot: try columns.double(rot, row), tilt: try columns.double(tilt, row), psi: try columns.double(psi, row))
            particles.append(ParticleRecord(
                image: try ImageLocation(relion: columns.text(name, row), file: file, location: columns.loop.location(ofRow: row)),
                angles: EulerAngles(phi: angles.phi, theta: angles.theta, psi: angles.psi),
                shiftX: try shift(originX), shiftY: try shift(originY),
                defocusU: try columns.double(defocusU, row, in: .defocus), defocusV: try columns.double(defocusV, row, in: .defocus),
                astigmatismAngle: try columns.double(defocusAngle, row, default: 0, in: .angle),
                phaseShift: try columns.double(phaseShift, row, default: 0, in: .angle),
                voltage: optics.voltage, sphericalAberration: optics.cs, amplitudeContrast: optics.amplitudeContrast,
                pixelSize: optics.pixelSize, imageSize: optics.imageSize, opticsGroup: opticsGroup,
                halfSet: try columns.halfSet(subset, row),
                extraValues: extraIndices.map { columns.text($0, row) }))
        }
        self.init(particles: particles, extraColumns: extraIndices.map { columns.loop.columns[$0] },
                  opticsExtras: opticsByGroup.mapValues(\.extras))
    }
}
