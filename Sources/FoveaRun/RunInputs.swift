import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO

/// Where a run's inputs are, as given on the command line. Stored in every checkpoint so that
/// `--continue` finds the same data.
public struct RunInputPaths: Sendable, Equatable, Codable {
    /// RELION STAR (3.0/3.1), cisTEM STAR or Frealign `.par` particle table.
    public var particles: String
    /// The particle stack, for cisTEM STAR files without stack names and for `.par` files.
    public var stack: String?
    /// Å per pixel, for tables that do not give it (RELION 3.0, `.par`); 0 = from the table.
    public var pixelSize: Double
    /// Optics for `.par` files: kV, mm, fraction.
    public var voltage: Double
    public var sphericalAberration: Double
    public var amplitudeContrast: Double
    /// Starting references: none (random start), one for every class, or one per class.
    public var references: [String]
    /// 3-D focus mask (MRC), if the focus region is a mask rather than a sphere.
    public var mask: String?
    /// Multiply the images by −1 on reading. nil = by the table's family: RELION particles have
    /// white protein (RELION's CTF is +sin χ), cisTEM/Frealign particles black (their CTF, and
    /// Fovea's, is −sin χ); see docs/conventions.md.
    public var invertContrast: Bool?

    public init(particles: String, stack: String? = nil, pixelSize: Double = 0, voltage: Double = 300,
                sphericalAberration: Double = 2.7, amplitudeContrast: Double = 0.07, references: [String] = [],
                mask: String? = nil, invertContrast: Bool? = nil) {
        self.particles = particles; self.stack = stack; self.pixelSize = pixelSize; self.voltage = voltage
        self.sphericalAberration = sphericalAberration; self.amplitudeContrast = amplitudeContrast
        self.references = references; self.mask = mask; self.invertContrast = invertContrast
    }

    /// Whether images are negated on reading: the explicit choice, else the contrast the file
    /// declares (Fovea's cisTEM STAR and .par outputs), else true for RELION tables and for
    /// cryoSPARC files whose `blob/sign` is +1.
    public var resolvedInvertContrast: Bool {
        if let invertContrast { return invertContrast }
        if let declared = ParticleTableLoading.declaredWhiteProtein(particles) { return declared }
        if ParticleTableLoading.isCryoSPARC(particles) {
            return (try? CryoSparcParticles.invertContrast(csFile: particles)) ?? false
        }
        return ParticleTableLoading.isRelionFamily(particles)
    }

    /// The same paths made absolute against `folder` (the working folder of the first run), so a
    /// continued run started elsewhere still finds them.
    public func absolute(relativeTo folder: String) -> RunInputPaths {
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : folder + "/" + path }
        var copy = self
        copy.particles = resolve(particles)
        copy.stack = stack.map(resolve)
        copy.references = references.map(resolve)
        copy.mask = mask.map(resolve)
        return copy
    }
}

/// Errors in a run's inputs, found before any work.
public struct RunInputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Reads the particle table (every rank reads the whole text table, which is small) and checks
/// the things that do not need images.
public enum ParticleTableLoading {
    public static func load(_ paths: RunInputPaths) throws -> ParticleTable {
        guard FileManager.default.fileExists(atPath: paths.particles) else {
            throw RunInputError("\(paths.particles): no such file (the particle table)")
        }
        var table: ParticleTable
        if paths.particles.hasSuffix(".par") {
            guard let stack = paths.stack else {
                throw RunInputError("\(paths.particles): a .par table names no images; give --stack")
            }
            // Read first, so that a malformed line is reported before the missing option.
            table = try ParticleTable(frealignParAt: paths.particles, stackPath: stack, pixelSize: paths.pixelSize,
                                      voltage: paths.voltage, sphericalAberration: paths.sphericalAberration,
                                      amplitudeContrast: paths.amplitudeContrast)
            guard paths.pixelSize > 0 else {
                throw RunInputError("\(paths.particles): a .par table has no pixel size; give --pixel-size")
            }
        } else if isCryoSPARC(paths.particles) {
            table = try ParticleTable(cryoSPARCAt: paths.particles)
            if paths.invertContrast == nil { _ = try CryoSparcParticles.invertContrast(csFile: paths.particles) }
            try checkCryoSPARCStacks(table, file: paths.particles)
        } else {
            table = try ParticleTable(starAt: paths.particles, stackPath: paths.stack, pixelSize: paths.pixelSize)
        }
        guard !table.particles.isEmpty else { throw RunInputError("\(paths.particles): the table holds no particles") }
        for (index, particle) in table.particles.enumerated() where !(particle.pixelSize > 0 && particle.pixelSize.isFinite) {
            throw RunInputError(particle.pixelSize == 0
                ? "\(paths.particles), particle \(index + 1): no pixel size (give --pixel-size)"
                : "\(paths.particles), particle \(index + 1): the pixel size \(DecimalText.text(particle.pixelSize)) Å is not a positive number")
        }
        let first = table.particles[0]
        for (index, particle) in table.particles.enumerated()
        where abs(particle.pixelSize - first.pixelSize) > 1e-4 * first.pixelSize {
            throw RunInputError("\(paths.particles), particle \(index + 1): pixel size \(DecimalText.text(particle.pixelSize)) Å differs "
                                + "from the first particle's \(DecimalText.text(first.pixelSize)) Å; classify one optics group at a time")
        }
        try ParFieldLimits.check(table, path: paths.particles)
        return table
    }

    /// True for cryoSPARC `.cs` files (by name).
    public static func isCryoSPARC(_ path: String) -> Bool { path.lowercased().hasSuffix(".cs") }

    /// Every stack a `.cs` table names must exist: cryoSPARC's paths are relative to its project
    /// folder, which the reader looks for above the `.cs` file; the error lists the places tried.
    static func checkCryoSPARCStacks(_ table: ParticleTable, file: String) throws {
        for stack in Set(table.particles.map(\.image.path)).sorted() where !FileManager.default.fileExists(atPath: stack) {
            let tried = CryoSparcParticles.candidatePaths(blobPath: stack, csFile: file)
            throw RunInputError("\(file): the stack \(stack) (blob/path) is not found; looked for it at "
                                + tried.joined(separator: ", ") + " (run from the cryoSPARC project folder, or link the "
                                + "stacks next to the .cs file)")
        }
    }

    /// Box N (pixels) of the table's images: from the table, else the first stack's MRC header.
    public static func boxSize(of table: ParticleTable, tablePath: String) throws -> Int {
        guard let first = table.particles.first else { throw RunInputError("\(tablePath): the table holds no particles") }
        if first.imageSize > 0 { return first.imageSize }
        return try MRCReader(path: ImagePathResolver.resolve(first.image.path, tablePath: tablePath)).header.nx
    }

    /// The image contrast a cisTEM STAR or `.par` file written by Fovea declares in its first
    /// lines (`ParticleTableConventions.imageContrastKey`), nil when none (or a `.cs` file).
    public static func declaredWhiteProtein(_ path: String) -> Bool? {
        guard !isCryoSPARC(path), let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 4096), as: UTF8.self)
        return ParticleTableConventions.declaredWhiteProtein(inHead: head)
    }

    /// True for RELION STAR tables (not cisTEM STAR, not .par): RELION's particles have white
    /// protein. Looks for `_cisTEM` columns in the first 256 KiB of the file.
    public static func isRelionFamily(_ path: String) -> Bool {
        if path.hasSuffix(".par") || isCryoSPARC(path) { return false }
        guard let handle = FileHandle(forReadingAtPath: path) else { return true }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 256 * 1024), as: UTF8.self)
        return !head.contains("_cisTEM")
    }
}
