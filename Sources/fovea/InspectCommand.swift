import ArgumentParser
import Foundation
import FoveaCore
import FoveaIO
import FoveaRun

/// `fovea inspect`: read files strictly and summarise them — the quickest way to find out
/// whether an input is what Fovea (and RELION/cisTEM) will think it is.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Check and summarise MRC/MRCS maps and stacks, STAR and Frealign .par files.",
        discussion: """
            Every file is read and checked as `fovea classify` reads and checks it; the first problem
            is reported with the file, line or image, and field, and the exit code is 2.

            MRC/MRCS: mode, size, pixel size (Å), min/max/mean/rms over all values.
            N@stack.mrcs: the same for image N (1-based, as RELION writes it).
            STAR (RELION 3.0/3.1 or cisTEM): particle count, optics groups, pixel size, stacks; the
            last image of every stack is read and checked (square, the table's box and pixel size,
            finite values); with --check-images every image is. Image paths are found as classify
            finds them: relative to the working folder (as RELION), then to the table's folder.
            .par (Frealign 16/17 columns): needs --stack, --pixel-size and the optics options.

            Examples:
              fovea inspect run_data.star --check-images
              fovea inspect class_001.mrc 12@particles.mrcs
              fovea inspect data.par --stack particles.mrcs --pixel-size 1.31
            """
    )

    @Argument(help: "Files to check: .mrc/.mrcs/.map, N@stack.mrcs, .star, .par.")
    var files: [String]

    @Flag(help: "For STAR/.par files, read and check every referenced image (not only the last of each stack).")
    var checkImages = false

    @Option(help: "Image stack for .par files (and cisTEM STAR files without file names).")
    var stack: String?

    @Option(parsing: .unconditional, help: "Pixel size in Å for .par files (and tables that give none).")
    var pixelSize: Double?

    @Option(parsing: .unconditional, help: "Voltage in kV for .par files.")
    var voltage: Double = 300

    @Option(parsing: .unconditional, help: "Spherical aberration in mm for .par files.")
    var cs: Double = 2.7

    @Option(parsing: .unconditional, help: "Amplitude contrast for .par files (fraction, 0–1).")
    var amplitudeContrast: Double = 0.07

    func validate() throws {
        if let pixelSize { try OptionCheck.pixelSize(pixelSize, "--pixel-size") }
        try OptionCheck.positive(voltage, "--voltage", maximum: 3000, unit: " kV")
        try OptionCheck.nonNegative(cs, "--cs", maximum: 100, unit: " mm")
        try OptionCheck.within(amplitudeContrast, 0...1, "--amplitude-contrast")
    }

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
            let summary = ValueSummary(image.pixels)
            print("\(file): image \(location.index + 1) of \(reader.imageCount), \(image.size)×\(image.size) px, "
                  + "\(format(reader.pixelSize)) Å/px, \(summary)")
            try summary.requireFinite(file)
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
            try summary.requireFinite(file)
        case "star", "par":
            // The table and its images are loaded and checked by classify's own functions.
            let table = try ParticleTableLoading.load(RunInputPaths(
                particles: file, stack: stack, pixelSize: pixelSize ?? 0, voltage: voltage, sphericalAberration: cs,
                amplitudeContrast: amplitudeContrast))
            describe(table, file: file)
            try checkImages(of: table, file: file)
        default:
            throw UserError("\(file): unknown file type; expected .mrc, .mrcs, .map, .star, .par or N@stack.mrcs.")
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
    }

    /// Reads the last image of every stack (all images with --check-images) through classify's
    /// `StackImageSource`, which checks each one as a classification would.
    private func checkImages(of table: ParticleTable, file: String) throws {
        let box = try ParticleTableLoading.boxSize(of: table, tablePath: file)
        var indices = Array(table.particles.indices)
        if !checkImages {
            var last: [String: Int] = [:]
            for (row, particle) in table.particles.enumerated()
            where last[particle.image.path].map({ table.particles[$0].image.index < particle.image.index }) ?? true {
                last[particle.image.path] = row
            }
            indices = last.values.sorted()
        }
        try StackImageSource(indices, of: table, tablePath: file, box: box, invertContrast: false).checkAll()
        let stacks = Set(table.particles.map(\.image.path)).count
        print(checkImages ? "  all \(table.count) images read and checked in \(stacks) stack(s)"
              : "  the last image of each of \(stacks) stack(s) read and checked (--check-images reads every image)")
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

    /// Throws when a value was NaN or infinite: classify refuses such images and maps.
    func requireFinite(_ file: String) throws {
        if nonFinite > 0 {
            throw UserError("\(file): \(nonFinite) NaN or infinite values; fovea classify refuses such images and maps")
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
