import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO

/// This rank's share of the particles: the sharding plan's contiguous range of the table sorted
/// by stack file, with images read from disk (this rank's images only) and converted to the
/// engine's `ParticleInput`.
public enum RunShard {
    /// The plan every rank computes identically from the table.
    public static func plan(for table: ParticleTable, tablePath: String, ranks: Int) -> ShardingPlan {
        let locations = table.particles.map {
            StackLocation(file: ParticleTableLoading.resolveImagePath($0.image.path, tablePath: tablePath),
                          position: $0.image.index)
        }
        return ShardingPlan(locations: locations, rankCount: ranks)
    }

    /// Reads the images of `indices` (global particle indices) and pairs them with their
    /// alignments. Checks every image against the table's box and pixel size. With
    /// `invertContrast` the pixels are negated (RELION's white protein → Fovea's black protein).
    public static func load(_ indices: [Int], of table: ParticleTable, tablePath: String,
                            invertContrast: Bool) throws -> [ParticleInput] {
        var byFile: [String: [Int]] = [:]
        for index in indices {
            let path = ParticleTableLoading.resolveImagePath(table.particles[index].image.path, tablePath: tablePath)
            byFile[path, default: []].append(index)
        }
        var images: [Int: Image2D] = [:]
        for path in byFile.keys.sorted() {
            guard FileManager.default.fileExists(atPath: path) else {
                throw RunInputError("\(path): no such image stack (named by \(tablePath))")
            }
            let reader = try MRCReader(path: path)
            let members = byFile[path]!
            let read = try reader.images(at: members.map { table.particles[$0].image.index })
            for (index, image) in zip(members, read) { images[index] = image }
        }
        return try indices.map { index in
            let record = table.particles[index]
            var image = images[index]!
            let where_ = "\(tablePath), particle \(index + 1) (\(record.image.relionName))"
            if record.imageSize > 0 && image.size != record.imageSize {
                throw RunInputError("\(where_): the image is \(image.size) px but the table says \(record.imageSize) px")
            }
            // Stack headers often carry no pixel size (0) or a placeholder 1 Å; a real, different
            // value means the table and stack disagree.
            let header = image.pixelSize
            if header > 0 && abs(header - 1) > 1e-6 && abs(header - record.pixelSize) > 0.01 * record.pixelSize {
                throw RunInputError("\(where_): the stack header says \(header) Å/px but the table says \(record.pixelSize) Å/px")
            }
            image.pixelSize = record.pixelSize
            if invertContrast { for i in image.pixels.indices { image.pixels[i] = -image.pixels[i] } }
            let ctf = CTFParameters(defocusU: record.defocusU, defocusV: record.defocusV,
                                    astigmatismAngle: record.astigmatismAngle, voltage: record.voltage,
                                    sphericalAberration: record.sphericalAberration,
                                    amplitudeContrast: record.amplitudeContrast, phaseShift: record.phaseShift)
            let half: HalfSet = record.halfSet == 1 ? .first : record.halfSet == 2 ? .second
                : HalfSet.alternating(particle: index)
            return ParticleInput(image: image, angles: record.angles, shiftX: record.shiftX, shiftY: record.shiftY,
                                 ctf: ctf, halfSet: half, globalIndex: index, isActive: record.isActive)
        }
    }

    /// Reads a map (reference or mask) and checks it against the particles' box and pixel size.
    public static func loadVolume(_ path: String, role: String, box: Int, pixelSize: Double) throws -> Volume {
        guard FileManager.default.fileExists(atPath: path) else { throw RunInputError("\(path): no such file (the \(role))") }
        var volume = try MRCReader(path: path).volume()
        guard volume.size == box else {
            throw RunInputError("\(path): the \(role) is \(volume.size) px but the particles are \(box) px")
        }
        if volume.pixelSize > 0 && abs(volume.pixelSize - pixelSize) > 0.01 * pixelSize {
            throw RunInputError("\(path): the \(role) has \(volume.pixelSize) Å/px but the particles have \(pixelSize) Å/px")
        }
        if let bad = volume.voxels.firstIndex(where: { !$0.isFinite }) {
            throw RunInputError("\(path): the \(role) has a NaN or infinite value at voxel \(bad)")
        }
        volume.pixelSize = pixelSize
        return volume
    }
}
