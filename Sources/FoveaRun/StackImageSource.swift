import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO

/// The images of this rank's particles, read from their MRC stacks when the engine asks (in
/// chunks), so a rank never holds more raw images than one chunk. Every image is checked against
/// the table's box and pixel size as it is read; errors name the table, the particle and the stack.
public struct StackImageSource: ParticleImageSource {
    struct Entry: Sendable {
        let path: String
        let position: Int
        let particle: Int
        let name: String
        let tableBox: Int
        let tablePixelSize: Double
    }

    let entries: [Entry]
    let tablePath: String
    let invertContrast: Bool
    public let boxSize: Int
    public let pixelSize: Double
    public var count: Int { entries.count }

    /// The images of `indices` (global particle indices, in shard order) of `table`, box `box` px.
    public init(_ indices: [Int], of table: ParticleTable, tablePath: String, box: Int, invertContrast: Bool) {
        entries = indices.map { index in
            let record = table.particles[index]
            return Entry(path: ImagePathResolver.resolve(record.image.path, tablePath: tablePath),
                         position: record.image.index, particle: index, name: record.image.relionName,
                         tableBox: record.imageSize, tablePixelSize: record.pixelSize)
        }
        self.tablePath = tablePath
        self.invertContrast = invertContrast
        boxSize = box
        pixelSize = indices.first.map { table.particles[$0].pixelSize } ?? 0
    }

    public func images(_ range: Range<Int>) throws -> [[Float]] {
        var result: [[Float]] = []
        result.reserveCapacity(range.count)
        var start = range.lowerBound
        while start < range.upperBound {
            // One reader per run of consecutive particles from the same stack.
            let path = entries[start].path
            var end = start + 1
            while end < range.upperBound && entries[end].path == path { end += 1 }
            guard FileManager.default.fileExists(atPath: path) else {
                throw RunInputError("\(path): no such image stack (named by \(tablePath))")
            }
            let reader = try MRCReader(path: path)
            let images = try reader.images(at: entries[start..<end].map(\.position))
            for (entry, image) in zip(entries[start..<end], images) {
                result.append(try checked(image, entry))
            }
            start = end
        }
        return result
    }

    private func checked(_ image: Image2D, _ entry: Entry) throws -> [Float] {
        let place = "\(tablePath), particle \(entry.particle + 1) (\(entry.name))"
        if image.size != boxSize || (entry.tableBox > 0 && image.size != entry.tableBox) {
            throw RunInputError("\(place): the image is \(image.size) px but the table says \(entry.tableBox > 0 ? entry.tableBox : boxSize) px")
        }
        // Stack headers often carry no pixel size (0) or a placeholder 1 Å; a real, different
        // value means the table and stack disagree.
        let header = image.pixelSize
        if header > 0 && abs(header - 1) > 1e-6 && abs(header - entry.tablePixelSize) > 0.01 * entry.tablePixelSize {
            throw RunInputError("\(place): the stack header says \(header) Å/px but the table says \(entry.tablePixelSize) Å/px "
                                + "(the table's, or --pixel-size for tables that give none)")
        }
        if let bad = image.pixels.firstIndex(where: { !$0.isFinite }) {
            throw RunInputError("\(place): pixel \(bad % image.size), \(bad / image.size) of the image is \(image.pixels[bad])")
        }
        return invertContrast ? image.pixels.map { -$0 } : image.pixels
    }

    /// Reads every image, `chunk` at a time, with the checks of `images(_:)` (stack present,
    /// square, the table's box and pixel size, finite values): `fovea inspect` checks a table's
    /// images with this, so it refuses what a classification would.
    public func checkAll(chunk: Int = 256) throws {
        var start = 0
        while start < count {
            let end = min(count, start + max(1, chunk))
            _ = try images(start..<end)
            start = end
        }
    }
}
