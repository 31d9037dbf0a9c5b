import ArgumentParser
import FoveaSimulate

/// `fovea selftest dataset`: writes the small two-region phantom dataset the multi-rank checks
/// classify (box 48, 4 Å; see `TwoRegionPhantom`).
struct DatasetSelfTest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Write the two-region test dataset (particles.star/.mrcs, truth.star, maps, focus mask).",
        discussion: """
            Example:
              fovea selftest dataset --count 600 --snr 0.1 --output /tmp/two-region
            """
    )

    @Option(parsing: .unconditional, help: "Number of particles, 1–1,000,000.") var count = 600
    @Option(parsing: .unconditional, help: "Signal-to-noise ratio (FoveaSimulate's definition).") var snr = 0.1
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Flag(help: "A C2 object whose two small regions vary independently.") var c2 = false
    @Option(help: "Output folder (created).") var output: String

    func validate() throws {
        try OptionCheck.count(count, 1...1_000_000, "--count")
        try OptionCheck.positive(snr, "--snr", maximum: 1e6)
    }

    func run() throws {
        let phantom = TwoRegionPhantom.make(count: count, snr: snr, seed: seed, symmetricHalves: c2)
        try phantom.write(to: output, symmetricHalves: c2)
        print("wrote \(count) particles to \(output)/particles.star; focus: --sphere \(TwoRegionPhantom.sphereSpec)")
    }
}
