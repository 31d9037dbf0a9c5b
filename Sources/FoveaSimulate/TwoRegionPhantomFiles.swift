import Foundation
import FoveaCore
import FoveaIO

extension TwoRegionPhantom {
    /// Writes the dataset into `folder` (created): `particles.mrcs`, `particles.star` (RELION 3.1;
    /// image names relative to the folder; half sets alternate 1, 2), `truth.star` (`data_truth`:
    /// `_foveaParticleIndex`, `_foveaSmall`, `_foveaLarge` — for C2 data `_foveaSideA`,
    /// `_foveaSideB` — states 0/1), the four state maps `map_<a><b>.mrc` and the focus sphere as a
    /// binary mask `focus_mask.mrc`. Every file is written atomically. The images are written as
    /// RELION's particles are, with white protein (the negative of Fovea's −sin χ convention), so
    /// RELION reconstructs positive density from them and Fovea negates them on reading.
    public func write(to folder: String, symmetricHalves: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let white = particles.map { particle in
            Image2D(size: particle.image.size, pixelSize: particle.image.pixelSize, pixels: particle.image.pixels.map { -$0 })
        }
        try MRCWriter.write(stack: white, to: folder + "/particles.mrcs")
        let records = particles.enumerated().map { i, p in
            ParticleRecord(image: ImageLocation(path: "particles.mrcs", index: i), angles: p.angles, shiftX: p.shiftX,
                           shiftY: p.shiftY, defocusU: p.ctf.defocusU, defocusV: p.ctf.defocusV,
                           astigmatismAngle: p.ctf.astigmatismAngle, voltage: p.ctf.voltage,
                           sphericalAberration: p.ctf.sphericalAberration, amplitudeContrast: p.ctf.amplitudeContrast,
                           pixelSize: p.image.pixelSize, imageSize: p.image.size, halfSet: i % 2 + 1)
        }
        try ParticleTable(particles: records).writeRelionStar(to: folder + "/particles.star", version: .relion31)
        let names = symmetricHalves ? ["foveaSideA", "foveaSideB"] : ["foveaSmall", "foveaLarge"]
        let loop = StarLoop(columns: ["foveaParticleIndex"] + names,
                            rows: truth.enumerated().map { i, t in [String(i + 1), String(t[0]), String(t[1])] })
        try StarWriter.write(StarDocument(blocks: [StarBlock(name: "truth", loops: [loop])]), to: folder + "/truth.star")
        for (index, map) in maps.enumerated() {
            try MRCWriter.write(map, to: folder + "/map_\(index / 2)\(index % 2).mrc")
        }
        let sphere = FocusSphere(centre: Self.focusCentre, radius: Self.focusRadius, origin: .centre)
        try MRCWriter.write(sphere.volume(size: Self.box, pixelSize: Self.pixel), to: folder + "/focus_mask.mrc")
    }

    /// The focus sphere as `fovea classify --sphere` takes it, centre from the map centre.
    public static var sphereSpec: String {
        "\(focusCentre.x),\(focusCentre.y),\(focusCentre.z),\(focusRadius) --sphere-origin centre"
    }
}
