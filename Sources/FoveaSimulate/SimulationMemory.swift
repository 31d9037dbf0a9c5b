import FoveaCore

/// The memory `fovea simulate` needs at its peak, phase by phase, in bytes — so that a simulation
/// too large for the machine is refused before any work instead of being killed by the kernel.
///
/// With N the box, V = 4·N³ bytes (one map), P = `FourierProjector.transformBytes(size: N, padding: 2)`
/// (one padded projector, ≈ 8·V), S = 4·N² bytes (one image), M particles and T threads:
/// - maps: 16·V — the 11 component maps, one state map and the masks being made and softened;
/// - particles: 12·V (components, the state map being prepared) + the kept projectors (as many
///   whole P as `keptProjectorBytes` holds, at most one per state) + P (the state being prepared)
///   + M·S (the particle stack, written at the end) + 8·S per thread (an image's spectra and buffers);
/// - ceiling: 11·V + (L + 1)·V (the L = labels distinct masked maps of a side and the one being
///   compared) + 2·V (the focus mask and its C2 image) + P + the run of projections it holds
///   (`IdealObserverCeiling`, at most one P, at most M·L spectra of 8·N·(N/2 + 1) bytes) + 4·S per thread.
/// The program itself (≈ 50 MB) comes on top; benchmarks/RESULTS.md compares the estimate with the
/// measured peaks at boxes 320 and 400.
public struct SimulationMemory: Sendable, Equatable {
    /// Bytes of the maps-and-masks phase, of the particle images, and of the ideal-observer ceiling.
    public var maps: Double, particles: Double, ceiling: Double

    /// The largest of the phases, bytes.
    public var peak: Double { Swift.max(maps, particles, ceiling) }

    /// - Parameters:
    ///   - box: N, pixels; `particles`: M (nil: maps only); `labels`: state labels per side (2 or 4);
    ///   - keptProjectorBytes: `HumanoidParticleDataset.Settings.projectorMemoryBytes`.
    public init(box: Int, particles: Int?, labels: Int = 4, states: Int = 16, threads: Int,
                keptProjectorBytes: Double = HumanoidParticleDataset.Settings.defaultProjectorMemoryBytes) {
        let n = Double(box), volume = 4 * n * n * n, image = 4 * n * n
        let projector = FourierProjector.transformBytes(size: box, padding: StateSimulators.padding)
        let t = Double(Swift.max(1, threads))
        maps = 16 * volume
        guard let particles else {
            self.particles = 0
            ceiling = 0
            return
        }
        let m = Double(particles), l = Double(labels)
        let kept = Swift.min((keptProjectorBytes / projector).rounded(.down), Double(states)) * projector
        self.particles = 12 * volume + kept + projector + m * image + 8 * image * t
        let spectra = Swift.min(projector, m * l * 8 * n * (n / 2 + 1))
        ceiling = (11 + l + 1 + 2) * volume + projector + spectra + 4 * image * t
    }

    /// "about X MiB (maps A, particles B, ceiling C)".
    public var summary: String {
        let mib = 1_048_576.0
        func text(_ bytes: Double) -> String { String(Int((bytes / mib).rounded(.up))) }
        return "about \(text(peak)) MiB (maps \(text(maps)), particle images \(text(particles)), ceiling \(text(ceiling)) MiB)"
    }
}
