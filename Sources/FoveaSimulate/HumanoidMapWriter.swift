import Foundation
import FoveaCore
import FoveaIO

/// Where the humanoid exporter puts its maps; the `fovea simulate` command supplies one.
public protocol HumanoidMapSink {
    /// Stores `volume` as the file `fileName` (a bare name such as "core.mrc").
    func write(_ volume: Volume, fileName: String) throws
}

/// Writes the humanoid maps as MRC files into `folder` with FoveaIO's `MRCWriter` (mode 2,
/// pixel size in the header, atomic writes).
public struct HumanoidMapWriter: HumanoidMapSink {
    /// The output folder (must exist).
    public let folder: String

    public init(folder: String) { self.folder = folder }

    public func write(_ volume: Volume, fileName: String) throws {
        try MRCWriter.write(volume, to: URL(fileURLWithPath: folder).appendingPathComponent(fileName).path)
    }
}
