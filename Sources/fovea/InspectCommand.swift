import ArgumentParser
import Foundation
import FoveaCore
import FoveaIO

/// `fovea inspect`: read files strictly and summarise them — the quickest way to find out
/// whether an input is what Fovea (and RELION/cisTEM) will think it is.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Check and summarise MRC/MRCS maps and stacks, STAR, cryoSPARC .cs and Frealign .par files.",
        discussion: """
            Every file is read with the same strict readers `fovea classify` uses; the first problem \
            is reported with the file, line or image, and field, and the exit status is 1.

            MRC/MRCS: mode, size, pixel size (Å), min/max/mean/rms over all values.
            N@stack.mrcs: the same for image N (1-based, as RELION writes it).
            STAR (RELION 3.0/3.1 or cisTEM): particle count, optics groups, pixel size, stacks; \
            with --check-images every referenced image is checked to exist in its stack.
            .cs (cryoSPARC): the same summary; stacks are looked for from the .cs file's folder up.
            .par (Frealign 16/17 columns): needs --stack and the optics options.

            Examples:
              fovea inspect run_data.star --check-images
              fovea inspect class_001.mrc 12@particles.mrcs
              fovea inspect data.par --stack particles.mrcs --pixel-size 1.31
            """
    )

    @Argument(help: "Files to check: .mrc/.mrcs/.map, N@stack.mrcs, .star, .cs, .par.")
    var files: [String]

    @Flag(help: "For STAR/.par files, check that every referenced image exists in its stack.")
    var checkImages = false

    @Option(help: "Image stack for .par files (and cisTEM STAR files without file names).")
    var stack: String?

    @Option(help: "Pixel size in Å for .par files.")
    var pixelSize: Double = 1

    @Option(help: "Voltage in kV for .par files.")
    var voltage: Double = 300

    @Option(help: "Spherical aberration in mm for .par files.")
    var cs: Double = 2.7

    @Option(help: "Amplitude contrast for .par files.")
    var amplitudeContrast: Double = 0.07

    func run() throws {
        for file in files {
            do {
                try inspect(file)
            } catch let error as FormatError {
                throw UserError(error.description)
            }
        }
    }

    private func inspect(_ file: String) throws {
        if file.contains("@"), let location = try? ImageLocation(relion: file, file: file, field: nil) {
            let reader = try MRCReader(path: location.path)
            let image = try reader.image(at: location.index)
            print("\(file): image \(location.index + 1) of \(reader.imageCount), \(image.size)×\(image.size) px, "
                  + "\(format(reader.pixelSize)) Å/px, \(ValueSummary(image.pixels))")
            return
        }
        switch URL(fileURLWithPath: file).pathExtension.lowercased() {
        case "mrc", "mrcs", "map", "st":
            let reader = try MRCReader(path: file)
            let h = reader.header
            var summary = ValueSummary()
            for index in 0..<h.nz { summary.add(try reader.sectionValues(at: index)) }
            print("\(file): MRC mode \(h.mode), \(h.nx)×\(h.ny)×\(h.nz), \(format(reader.pixelSize)) Å/px, "
                  + "\(h.isBigEndian ? "big" : "little")-endian, \(summary)")
        case "star":
            let table = try ParticleTable(starAt: file, stackPath: stack)
            describe(table, file: file)
            if checkImages { try checkImageLocations(table, file: file) }
        case "cs":
            let table = try ParticleTable(cryoSPARCAt: file, requiringAlignments: false)
            describe(table, file: file)
            if try NumpyStructuredArray(contentsOf: file).field("alignments3D/pose") == nil {
                print("  no 3-D alignments (alignments3D/pose): fovea classify needs the particles of a refinement job")
            }
            if checkImages { try checkImageLocations(table, file: file) }
        case "par":
            guard let stack else { throw UserError("\(file): a .par file names no images; give --stack <particles.mrcs>.") }
            let table = try ParticleTable(frealignParAt: file, stackPath: stack, pixelSize: pixelSize, voltage: voltage,
                                          sphericalAberration: cs, amplitudeContrast: amplitudeContrast)
            describe(table, file: file)
            if checkImages { try checkImageLocations(table, file: file) }
        default:
            throw UserError("\(file): unknown file type; expected .mrc, .mrcs, .map, .star, .cs, .par or N@stack.mrcs.")
        }
    }

    private func describe(_ table: ParticleTable, file: String) {
        let stacks = Set(table.particles.map(\.image.path))
        let groups = Set(table.particles.map(\.opticsGroup))
        let pixelSizes = Set(table.particles.map(\.pixelSize)).sorted().map(format)
        let halves = Dictionary(grouping: table.particles, by: \.halfSet).mapValues(\.count)
        print("\(file): \(table.count) particles, \(groups.count) optics group(s), pixel size \(pixelSizes.joined(separator: ", ")) Å, "
              + "\(stacks.count) stack file(s), half sets \(halves.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " "))")
        if !table.extraColumns.isEmpty { print("  other columns kept: \(table.extraColumns.joined(separator: " "))") }
        if let notice = table.unmodelledOpticsNotice(file: file) { print("  " + notice) }
    }

    private func checkImageLocations(_ table: ParticleTable, file: String) throws {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        var readers: [String: MRCReader] = [:]
        for (row, particle) in table.particles.enumerated() {
            let path = particle.image.path.hasPrefix("/") || FileManager.default.fileExists(atPath: particle.image.path)
                ? particle.image.path : folder + "/" + particle.image.path
            let reader: MRCReader
            if let cached = readers[path] { reader = cached } else {
                reader = try MRCReader(path: path)
                readers[path] = reader
            }
            if particle.image.index >= reader.imageCount {
                throw UserError("\(file), particle \(row + 1): image \(particle.image.relionName) is beyond the "
                                + "\(reader.imageCount) images of \(path).")
            }
        }
        print("  all \(table.count) images found in \(readers.count) stack(s)")
    }

    private func format(_ value: Double) -> String { String(format: "%.4g", value) }
}

/// Minimum, maximum, mean and RMS deviation of many values, accumulated in Double.
struct ValueSummary: CustomStringConvertible {
    private var count = 0
    private var sum = 0.0, sumOfSquares = 0.0
    private var minimum = Float.infinity, maximum = -Float.infinity
    private var nonFinite = 0

    init() {}
    init(_ values: [Float]) { add(values) }

    mutating func add(_ values: [Float]) {
        for v in values {
            guard v.isFinite else { nonFinite += 1; continue }
            count += 1
            sum += Double(v)
            sumOfSquares += Double(v) * Double(v)
            minimum = min(minimum, v)
            maximum = max(maximum, v)
        }
    }

    var description: String {
        guard count > 0 else { return "no finite values" }
        let mean = sum / Double(count)
        let rms = (max(0, sumOfSquares / Double(count) - mean * mean)).squareRoot()
        var text = String(format: "min %.6g max %.6g mean %.6g rms %.6g", minimum, maximum, mean, rms)
        if nonFinite > 0 { text += " (\(nonFinite) NaN or infinite values!)" }
        return text
    }
}

/// An error for the user: printed as is, exit status 1.
struct UserError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
