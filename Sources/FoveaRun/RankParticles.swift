import Foundation
import FoveaClassify
import FoveaCore
import FoveaDistributed
import FoveaIO

extension ShardingPlan {
    /// The plan every rank computes identically from the table: its particles in stack order
    /// (image paths resolved against `tablePath`) over `ranks` ranks.
    public init(table: ParticleTable, tablePath: String, ranks: Int) {
        self.init(locations: table.particles.map {
            StackLocation(file: ImagePathResolver.resolve($0.image.path, tablePath: tablePath), position: $0.image.index)
        }, rankCount: ranks)
    }
}

/// A rank's particles from the table as the engine's inputs: half sets, `ParticleAlignment`s (the
/// images are read by `StackImageSource`), and the maps checked against their box.
public enum RankParticles {
    /// The half sets of the whole table (the table's `rlnRandomSubset`, or new ones when that
    /// leaves a half set empty; see `HalfSetAssignment`).
    public static func halfSets(of table: ParticleTable, seed: UInt64) -> HalfSetAssignment {
        HalfSetAssignment(particles: table.particles.map { (given: $0.halfSet, active: $0.isActive) }, seed: seed)
    }

    /// The alignments, CTFs and half sets of `indices` (global particle indices), in that order;
    /// their images come from a `StackImageSource` over the same indices. `halfSets` covers the
    /// whole table (`halfSets(of:seed:)`), and so do `noiseGroups` (one spectrum for all when nil).
    public static func alignments(_ indices: [Int], of table: ParticleTable, halfSets: HalfSetAssignment,
                                  noiseGroups: NoiseGroupAssignment? = nil) -> [ParticleAlignment] {
        indices.map { index in
            let record = table.particles[index]
            let ctf = CTFParameters(defocusU: record.defocusU, defocusV: record.defocusV,
                                    astigmatismAngle: record.astigmatismAngle, voltage: record.voltage,
                                    sphericalAberration: record.sphericalAberration,
                                    amplitudeContrast: record.amplitudeContrast, phaseShift: record.phaseShift)
            return ParticleAlignment(angles: record.angles, shiftX: record.shiftX, shiftY: record.shiftY, ctf: ctf,
                                     halfSet: halfSets.halfSets[index], globalIndex: index, isActive: record.isActive,
                                     noiseGroup: noiseGroups?.groupOfParticle[index] ?? 0)
        }
    }

    /// The half set of particle `index`: its table's (rlnRandomSubset, cisTEM subset), else
    /// alternating by input order (particle 1 in half 1, particle 2 in half 2, …).
    public static func halfSet(of record: ParticleRecord, index: Int) -> HalfSet {
        record.halfSet == 1 ? .first : record.halfSet == 2 ? .second : HalfSet.alternating(particle: index)
    }

    /// A line for the user when some particles have no half set in the table, nil otherwise.
    public static func halfSetNotice(for table: ParticleTable, tablePath: String) -> String? {
        let missing = table.particles.filter { $0.halfSet != 1 && $0.halfSet != 2 }.count
        guard missing > 0 else { return nil }
        return "\(tablePath): \(missing) of \(table.count) particles have no half set (rlnRandomSubset): assigned "
            + "alternately by input order (1, 2, 1, …); particles.star writes them as rlnRandomSubset"
    }

    /// Reads a map (reference or mask) and checks it against the particles' box and pixel size.
    public static func loadVolume(_ path: String, role: String, box: Int, pixelSize: Double) throws -> Volume {
        guard FileManager.default.fileExists(atPath: path) else { throw RunInputError("\(path): no such file (the \(role))") }
        var volume = try MRCReader(path: path).volume()
        guard volume.size == box else {
            throw RunInputError("\(path): the \(role) is \(volume.size) px but the particles are \(box) px")
        }
        if volume.pixelSize > 0 && abs(volume.pixelSize - pixelSize) > 0.01 * pixelSize {
            throw RunInputError("\(path): the \(role) has \(DecimalText.text(volume.pixelSize, digits: 7)) Å/px but the particles "
                                + "have \(DecimalText.text(pixelSize, digits: 7)) Å/px")
        }
        if let bad = volume.voxels.firstIndex(where: { !$0.isFinite }) {
            throw RunInputError("\(path): the \(role) has a NaN or infinite value at voxel \(bad)")
        }
        volume.pixelSize = pixelSize
        return volume
    }
}
