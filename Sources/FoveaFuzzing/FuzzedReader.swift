import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import FoveaIO
import FoveaRun

/// What one fuzz case gave.
public enum FuzzOutcome: Sendable, Equatable {
    /// The reader accepted the input (and everything read back stayed within the file's means).
    case accepted
    /// The reader refused it with this message.
    case refused(String)
    /// A broken promise: an error without a message, or a read planned larger than the file allows.
    case violation(String)
}

/// The readers under fuzzing, each run the way the program runs it on a user's file: read, then
/// written back with the writers where the program does that (so values that pass a reader but
/// break a writer are found too).
public enum FuzzedReader: String, Sendable, CaseIterable {
    case mrc
    case relion31Star = "relion31-star"
    case relion30Star = "relion30-star"
    case cisTEMStar = "cistem-star"
    case par
    case checkpoint
    /// A checkpoint's contents (attributes, counts, shapes) damaged inside a well-formed file.
    case checkpointContents = "checkpoint-contents"
    case runManifest = "run-json"

    /// Largest ratio of decoded bytes to input bytes a reader may allocate for an accepted input
    /// (MRC int8 → Float is 4×; the margin is for the tables' per-row bookkeeping).
    public static let maximumExpansion = 64

    /// File name the case is written to (the readers choose by extension).
    var fileName: String {
        switch self {
        case .mrc: "case.mrc"
        case .relion31Star, .relion30Star, .cisTEMStar: "case.star"
        case .par: "case.par"
        case .checkpoint: "checkpoint.h5"
        case .checkpointContents: "checkpoint.txt"
        case .runManifest: "run.json"
        }
    }

    /// Runs the reader on `bytes`, written to a file in `folder` (which must exist).
    public func run(_ bytes: [UInt8], in folder: String) -> FuzzOutcome {
        let path = folder + "/" + fileName
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return try read(path, byteCount: bytes.count, folder: folder)
        } catch let violation as FuzzViolation {
            return .violation(violation.description)
        } catch {
            let message = String(describing: error)
            return message.isEmpty ? .violation("an error with an empty message: \(type(of: error))") : .refused(message)
        }
    }

    private func read(_ path: String, byteCount: Int, folder: String) throws -> FuzzOutcome {
        let allowance = max(1 << 16, byteCount * Self.maximumExpansion)
        switch self {
        case .mrc:
            let reader = try MRCReader(path: path)
            let header = reader.header
            // The allocation plan: what reading the data will allocate must fit in the file.
            guard header.expectedFileSize <= reader.fileSize else {
                return .violation("header promises \(header.expectedFileSize) bytes in a \(reader.fileSize)-byte file")
            }
            if header.nx == header.ny && header.ny == header.nz { _ = try reader.volume() }
            if header.nx == header.ny { _ = try reader.allImages() }
            _ = try reader.sectionValues(at: header.nz - 1)
        case .relion31Star, .relion30Star:
            let table = try ParticleTable(starAt: path, pixelSize: self == .relion30Star ? 1.5 : 0)
            try checkRowsFit(table.count, allowance: allowance)
            for version in [RelionStarVersion.relion31, .relion30] {
                // The writers must take whatever the reader accepted (or refuse it with a message).
                if let document = try? table.relionDocument(version: version, file: path) {
                    _ = try StarParser.parse(StarWriter.text(of: document), file: path + " (written back)")
                }
            }
        case .cisTEMStar:
            let table = try ParticleTable(starAt: path, stackPath: "particles.mrcs")
            try checkRowsFit(table.count, allowance: allowance)
            _ = try StarParser.parse(StarWriter.text(of: table.cisTEMDocument()), file: path + " (written back)")
            try writeBack(table, folder: folder)
        case .par:
            let table = try ParticleTable(frealignParAt: path, stackPath: "particles.mrcs", pixelSize: 1.5, voltage: 300,
                                          sphericalAberration: 2.7, amplitudeContrast: 0.07)
            try checkRowsFit(table.count, allowance: allowance)
            try writeBack(table, folder: folder)
        case .checkpoint, .checkpointContents:
            var path = path
            if self == .checkpointContents {
                path = folder + "/checkpoint.h5"
                try CheckpointContents.write([UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/" + fileName))), to: path)
            }
            let state = try RunState.read(from: path)
            let values = state.classification.classVolumes.reduce(0) { $0 + $1.voxels.count } + 2 * state.classification.occupancy.values.count
            guard values * 4 <= allowance else {
                return .violation("\(values) values read from a \(byteCount)-byte checkpoint")
            }
        case .runManifest:
            _ = RunParticleRows.expansionGroup(runFolder: folder)
            try RunManifest.writeEnd(to: path, ending: .other("fuzzed"))
        }
        return .accepted
    }

    /// A table of `rows` rows from a small file is impossible (rows are at least a few bytes).
    private func checkRowsFit(_ rows: Int, allowance: Int) throws {
        guard rows <= allowance else { throw FuzzViolation("\(rows) rows from a small file") }
    }

    /// Writes the table back in the other formats (refusals are fine; traps are not).
    private func writeBack(_ table: ParticleTable, folder: String) throws {
        for layout in [FrealignParLayout.frealign16, .frealignX17] {
            _ = try? table.writeFrealignPar(to: folder + "/written.par", layout: layout)
        }
        _ = try? table.writeRelionStar(to: folder + "/written.star", version: .relion31)
    }
}

/// A broken promise found while running a reader (reported as `FuzzOutcome.violation`).
struct FuzzViolation: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
