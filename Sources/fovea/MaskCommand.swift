import ArgumentParser
import Foundation
import FoveaAnalysis
import FoveaCore
import FoveaUserTools
import FoveaIO

/// `fovea mask`: makes a focus mask, says where it is, and draws previews.
struct MaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mask",
        abstract: "Make a focus mask (sphere, map region or existing mask), print where it is, draw previews.",
        discussion: """
            Sources (one): --sphere x,y,z,r (Å; centre from the map corner or centre, --origin), \
            --from-map map.mrc --threshold t [--dilate Å], or --from-mask mask.mrc. The grid is \
            --box/--pixel-size, or that of --like map.mrc, or that of the source map. Prints the \
            region's centre of mass (Å, from both origins), an enclosing radius, the volume and a \
            --sphere spec for fovea classify. Coordinates: docs/masks.md.

            --preview DIR writes PNGs: central sections and projections of the mask over the map \
            (--like or --from-map), and with --particles STAR a few particle images with the mask's \
            projected outline (along each particle's view, moved by its shift).

            Examples:
              fovea mask --sphere 210,160,250,45 --origin corner \\
                  --like consensus.mrc --soft-edge 10 --out focus.mrc \\
                  --preview focus_preview --particles run_data.star
              fovea mask --from-map region.mrc --threshold 0.02 \\
                  --dilate 6 --soft-edge 8 --out focus.mrc
            """)

    @Option(parsing: .unconditional, help: ArgumentHelp("Sphere centre and radius, Å.", valueName: "x,y,z,r"))
    var sphere: String?

    @Option(name: [.customLong("origin"), .customLong("sphere-origin")],
            help: "Where --sphere's centre is measured from: corner (voxel 0 at 0 Å, as cisTEM/Frealign) or centre (voxel N/2).")
    var origin: String = "corner"

    @Option(name: .customLong("from-map"), help: ArgumentHelp("Map whose region above --threshold becomes the mask.", valueName: "map.mrc"))
    var fromMap: String?

    @Option(parsing: .unconditional, help: "Density threshold for --from-map.")
    var threshold: Float?

    @Option(parsing: .unconditional, help: ArgumentHelp("Grow the --from-map/--from-mask region by this distance, Å (at most the box edge).", valueName: "Å"))
    var dilate: Double = 0

    @Option(name: .customLong("from-mask"), help: ArgumentHelp("An existing mask (region = values ≥ 0.5).", valueName: "mask.mrc"))
    var fromMask: String?

    @Option(name: .customLong("soft-edge"), parsing: .unconditional, help: ArgumentHelp("Cosine edge width, Å (sphere: centred on r; regions: outward).", valueName: "Å"))
    var softEdge: Double = 0

    @Option(parsing: .unconditional, help: "Box edge, voxels, even, 8–2048 (for --sphere without --like).")
    var box: Int?

    @Option(name: .customLong("pixel-size"), parsing: .unconditional, help: "Pixel size, Å (for --sphere without --like).")
    var pixelSize: Double?

    @Option(help: ArgumentHelp("Take box and pixel size from this map (and draw it under the mask in previews).", valueName: "map.mrc"))
    var like: String?

    @Option(name: [.customLong("output"), .customLong("out"), .customLong("o")], help: ArgumentHelp("Output mask (MRC).", valueName: "mask.mrc"))
    var out: String

    @Option(help: ArgumentHelp("Folder for PNG previews.", valueName: "DIR"))
    var preview: String?

    @Option(help: ArgumentHelp("Particle STAR or cryoSPARC .cs whose first images get the projected outline in the previews.", valueName: "particles.star"))
    var particles: String?

    @Option(name: .customLong("preview-particles"), parsing: .unconditional, help: "How many particles to draw (spread over the table), 0–1000.")
    var previewParticles: Int = 4

    func validate() throws {
        let sources = [sphere != nil, fromMap != nil, fromMask != nil].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of --sphere, --from-map, --from-mask") }
        if fromMap != nil && threshold == nil { throw ValidationError("--from-map needs --threshold") }
        guard ["corner", "centre", "center"].contains(origin) else {
            throw ValidationError("--origin must be corner or centre (got '\(origin)')")
        }
        if sphere != nil, like == nil, box == nil || pixelSize == nil {
            throw ValidationError("--sphere needs the grid: --box and --pixel-size, or --like map.mrc")
        }
        try OptionCheck.nonNegative(softEdge, "--soft-edge", unit: " Å")
        try OptionCheck.nonNegative(dilate, "--dilate", unit: " Å")
        if let threshold { try OptionCheck.finite(Double(threshold), "--threshold") }
        if let box { try OptionCheck.box(box, "--box", bytesPerVoxel: Self.bytesPerVoxel) }
        if let pixelSize { try OptionCheck.pixelSize(pixelSize, "--pixel-size") }
        try OptionCheck.count(previewParticles, 0...1000, "--preview-particles")
        if sphere != nil { _ = try parsedSphere() }
        if particles != nil && preview == nil { throw ValidationError("--particles is drawn in the previews: give --preview DIR") }
    }

    var maskOrigin: CoordinateOrigin { origin == "corner" ? .corner : .centre }

    func parsedSphere() throws -> FocusSphere {
        let values = (sphere ?? "").split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        let numbers = values.compactMap { $0 }
        guard numbers.count == 4, values.count == 4, numbers.allSatisfy(\.isFinite), numbers[3] > 0 else {
            throw ValidationError("--sphere must be four finite numbers x,y,z,r in Å with r > 0 (got '\(sphere ?? "")')")
        }
        return FocusSphere(centre: SIMD3(numbers[0], numbers[1], numbers[2]), radius: numbers[3], origin: maskOrigin)
    }

    func run() throws {
        try OutputChecks.refuseOverwritingInputs(out, option: "--out", inputs: [fromMap, fromMask, like])
        let likeMap = try like.map { try MRCReader(path: $0).volume() }
        var mask: Volume
        var underlay = likeMap
        if sphere != nil {
            let grid = try resolvedGrid(likeMap)
            mask = try FocusMaskBuilder.sphere(try parsedSphere(), boxSize: grid.box, pixelSize: grid.pixelSize, softEdge: softEdge)
        } else if let fromMap {
            let map = try MRCReader(path: fromMap).volume()
            try checkGrid(of: map, file: fromMap, like: likeMap)
            try checkGrowth(within: map, file: fromMap)
            mask = try FocusMaskBuilder.region(of: map, threshold: threshold ?? 0, dilation: dilate, softEdge: softEdge)
            underlay = underlay ?? map
        } else if let fromMask {
            let source = try MRCReader(path: fromMask).volume()
            try checkGrid(of: source, file: fromMask, like: likeMap)
            try checkGrowth(within: source, file: fromMask)
            mask = try FocusMaskBuilder.fromMask(source, dilation: dilate, softEdge: softEdge)
        } else {
            throw ValidationError("give exactly one of --sphere, --from-map, --from-mask")
        }
        try MRCWriter.write(mask, to: out)
        let summary = try MaskRegionSummary(mask: mask)
        print(report(summary, mask: mask))
        if let preview { try writePreviews(mask: mask, underlay: underlay, folder: preview) }
    }

    /// Bytes per voxel that making a mask holds at once (the source map, the region, the distances
    /// in Float64 and the mask), for the memory check of --box.
    static let bytesPerVoxel = 24.0

    /// --dilate and --soft-edge grow a region within the box: neither may exceed the box edge (Å).
    func checkGrowth(within map: Volume, file: String) throws {
        let edge = Double(map.size) * map.pixelSize
        for (option, value) in [("--dilate", dilate), ("--soft-edge", softEdge)] where value > edge {
            throw ValidationError(String(format: "%@ %g Å is more than the edge of %@'s box (%d voxels × %g Å = %g Å)",
                                         option, value, file, map.size, map.pixelSize, edge))
        }
    }

    /// Box and pixel size from --box/--pixel-size and/or --like (which must agree).
    func resolvedGrid(_ likeMap: Volume?) throws -> (box: Int, pixelSize: Double) {
        guard let likeMap, let like else {
            guard let box, let pixelSize else { throw ValidationError("--sphere needs --box and --pixel-size, or --like map.mrc") }
            return (box, pixelSize)
        }
        if let box, box != likeMap.size {
            throw UserError("--box \(box) differs from \(like) (\(likeMap.size) voxels); drop --box or fix it")
        }
        if let pixelSize, abs(pixelSize - likeMap.pixelSize) > 1e-3 * pixelSize {
            throw UserError("--pixel-size \(pixelSize) differs from \(like) (\(likeMap.pixelSize) Å); drop --pixel-size or fix it")
        }
        return (likeMap.size, likeMap.pixelSize)
    }

    /// The source map must match --like and --box/--pixel-size when given.
    func checkGrid(of map: Volume, file: String, like likeMap: Volume?) throws {
        let reference = likeMap.map { ($0.size, $0.pixelSize, like ?? "--like") }
            ?? box.map { ($0, pixelSize ?? map.pixelSize, "--box/--pixel-size") }
        guard let (size, pixel, name) = reference else { return }
        if size != map.size || abs(pixel - map.pixelSize) > 1e-3 * pixel {
            throw UserError("\(file) is \(map.size) voxels of \(map.pixelSize) Å but \(name) is \(size) voxels of \(pixel) Å; "
                                  + "resample one of them (e.g. relion_image_handler --rescale_angpix/--new_box)")
        }
        _ = try resolvedGrid(likeMap)
    }

    func report(_ s: MaskRegionSummary, mask: Volume) -> String {
        func triple(_ v: SIMD3<Double>) -> String { String(format: "%.2f, %.2f, %.2f", v.x, v.y, v.z) }
        return """
            wrote \(out): box \(mask.size), pixel size \(String(format: "%.3f", mask.pixelSize)) Å
            centre of mass, Å from the map corner: \(triple(s.centreFromCorner))
            centre of mass, Å from the map centre: \(triple(s.centreFromMapCentre))
            enclosing radius: \(String(format: "%.2f", s.enclosingRadius)) Å
            volume: \(String(format: "%.0f", s.regionVolume)) Å³ (\(s.regionVoxels) voxels ≥ 0.5); weighted by the mask: \(String(format: "%.0f", s.weightedVolume)) Å³
            for fovea classify: --sphere \(s.sphereSpec(origin: .corner)) --sphere-origin corner
                            or: --sphere \(s.sphereSpec(origin: .centre)) --sphere-origin centre
            """
    }

    func writePreviews(mask: Volume, underlay: Volume?, folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let scale = MaskPreview.scale(forSize: mask.size)
        var written: [String] = []
        for axis in MaskPreview.axes {
            for projection in [false, true] {
                let name = "\(folder)/\(projection ? "projection" : "section")_\(axis).png"
                try PNGWriter.write(MaskPreview.mapOverlay(map: underlay, mask: mask, along: axis, projection: projection, scale: scale), to: name)
                written.append(name)
            }
        }
        if let particles { written += try writeParticlePreviews(mask: mask, star: particles, folder: folder) }
        print("previews: \(written.count) PNG files in \(folder) (x right, y up; docs/masks.md)")
    }

    func writeParticlePreviews(mask: Volume, star: String, folder: String) throws -> [String] {
        let table = try ParticleTable(particleFileAt: star)
        if let notice = table.unmodelledOpticsNotice(file: star) { print(notice) }
        guard table.count > 0 else { return [] }
        let count = min(previewParticles, table.count)
        let rows = (0..<count).map { $0 * table.count / count }
        let images = try MRCReader.readImages(at: rows.map { ImagePathResolver.resolve(table.particles[$0].image, tablePath: star) })
        let sphereMask = sphere != nil ? try parsedSphere() : nil
        var names: [String] = []
        for (k, row) in rows.enumerated() {
            let particle = table.particles[row]
            guard images[k].size == mask.size else {
                throw FormatError(file: star, location: "particle \(row + 1)", field: "rlnImageName",
                                  "image is \(images[k].size) pixels but the mask box is \(mask.size); make the mask on the particles' grid (--like)")
            }
            let view = RotationMatrix(particle.angles)
            let footprint = sphereMask.map {
                MaskPreview.particleFootprint(sphere: $0, view: view, shiftX: particle.shiftX, shiftY: particle.shiftY,
                                              boxSize: mask.size, pixelSize: mask.pixelSize)
            } ?? MaskPreview.particleFootprint(mask: mask, view: view, shiftX: particle.shiftX, shiftY: particle.shiftY)
            let name = String(format: "%@/particle_%06d.png", folder, row + 1)
            try PNGWriter.write(MaskPreview.particleOverlay(image: images[k], footprint: footprint,
                                                            scale: MaskPreview.scale(forSize: mask.size)), to: name)
            names.append(name)
        }
        return names
    }
}
