import FoveaCore
import FoveaDistributed

/// The reconstruction step of a cycle (§8): every active row is inserted into every class it
/// has weight in, into its particle's half set, at its view S_s·M (C1 for expanded data); the
/// Float64 accumulators are summed over ranks; every rank then finalises the same volumes.
///
/// Threads work on whole accumulators (one class and half each) and visit rows in order, so the
/// sums do not depend on the number of threads. Finalisation (documented simplification of
/// §8.3): half maps with a constant Wiener term of 1 (unit noise per pixel after whitening),
/// their FSC, per-class SSNR(s) = F′/((1 − F′)·⟨Σctf²⟩_s) where F′ = 2F/(1 + F) is the full-map
/// FSC of shell s, shared across classes (`sharedSSNR`), then every full map with the Wiener
/// term 1/SSNR(s) — the textbook filter for the FSC-estimated SSNR; shells with SSNR 0 are zero.
struct ClassReconstruction {
    /// Per class: the two half-set accumulators.
    var accumulators: [[ReconstructionAccumulator]]

    /// Rows with a weight at or below this are not inserted.
    static let weightThreshold: Float = 1e-3

    init(classCount: Int, size: Int, padding: Int) {
        accumulators = (0..<classCount).map { _ in
            [ReconstructionAccumulator(size: size, padding: padding), ReconstructionAccumulator(size: size, padding: padding)]
        }
    }

    /// Inserts the rows `rows` of this rank, whose particles are in `particles` (`particleOfRow`
    /// gives the index there). Called once per chunk of particles when they are streamed; the sums
    /// are the same as one call for all rows. `weights` is rows × K (all of this rank's rows);
    /// `halfOfRow` gives 0 or 1; `maxRadius` (box-N Fourier pixels) limits the inserted
    /// frequencies (nil: out to N/2, or the particles' disc).
    ///
    /// Work items are (half set, group of classes): each visits the rows of its half in order
    /// and inserts a row into every class of its group where the row's weight exceeds the
    /// threshold, computing the row's grid positions once for all of them. With one group (≤ 3
    /// threads) that is every class; more threads split the classes into up to K groups. Every
    /// accumulator still receives its rows in row order, so the sums do not depend on the number
    /// of threads (nor on the grouping). Each work item owns its accumulators while it runs (they
    /// are moved, not shared, so no copy-on-write copy of the Float64 sums is ever made).
    mutating func insert(particles: PreparedParticles, rows: Range<Int>, particleOfRow: (Int) -> Int,
                         rotations: [RotationMatrix], halfOfRow: (Int) -> Int, weights: ClassTable, threads: Int,
                         maxRadius: Double? = nil) {
        let classCount = accumulators.count
        let groups = max(1, min(classCount, threads / 2))
        func classes(of group: Int) -> Range<Int> { (classCount * group / groups)..<(classCount * (group + 1) / groups) }
        let slots = SharedSlots<[ReconstructionAccumulator]>(repeating: [], count: 2 * groups)
        for item in 0..<(2 * groups) { slots.set(item, classes(of: item / 2).map { accumulators[$0][item % 2] }) }
        accumulators = []
        let layout = particles.layout
        ParallelChunks.run(count: 2 * groups, threads: threads, makeState: { () }) { _, range in
            for item in range {
                let classes = classes(of: item / 2), half = item % 2
                var own = slots.take(item, leaving: [])
                var rowWeights = [Double](repeating: 0, count: classes.count)
                // The CTF of the particle being inserted, decoded once for its expanded copies.
                let ctf = UnsafeMutableBufferPointer<Float>.allocate(capacity: particles.stride)
                defer { ctf.deallocate() }
                var decoded = -1
                for row in rows where halfOfRow(row) == half {
                    var any = false
                    for k in classes {
                        let w = weights[row, k]
                        let use = w > Self.weightThreshold
                        rowWeights[k - classes.lowerBound] = use ? Double(w) : 0
                        any = any || use
                    }
                    guard any else { continue }
                    let particle = particleOfRow(row)
                    if particle != decoded {
                        particles.decodeCTF(particle, into: ctf)
                        decoded = particle
                    }
                    ReconstructionAccumulator.insert(particles.spectrum(particle), ctf: UnsafeBufferPointer(ctf), layout: layout,
                                                     rotation: rotations[row], weights: rowWeights, into: &own,
                                                     maxRadius: maxRadius)
                }
                slots.set(item, own)
            }
        }
        accumulators = (0..<classCount).map { _ in [] }
        for item in 0..<(2 * groups) {
            let lower = classes(of: item / 2).lowerBound
            for (offset, accumulator) in slots.take(item, leaving: []).enumerated() {
                accumulators[lower + offset].append(accumulator)
                precondition(accumulators[lower + offset].count == 1 + item % 2, "Halves out of order")
            }
        }
    }

    /// Sums every accumulator over the ranks (in place).
    mutating func reduce(communicator: any Communicator) throws {
        for k in accumulators.indices {
            for half in 0..<2 {
                try communicator.allreduce(&accumulators[k][half].numerator, .sum)
                try communicator.allreduce(&accumulators[k][half].ctfSquared, .sum)
            }
        }
    }

    /// Class volumes and half-map FSCs from the reduced sums. `classWeights` (the class average
    /// occupancies) weight the SSNR that every class shares.
    /// Consumes the accumulators: each class's second half is added into its first in place and
    /// released (no copy of the Float64 sums is made).
    mutating func finalise(pixelSize: Double, classWeights: [Double])
        -> (volumes: [Volume], fsc: [FourierShellCorrelation], halfMaps: [[Volume]]) {
        var totals: [ReconstructionAccumulator] = [], curves: [FourierShellCorrelation] = [], ssnrs: [[Double]] = []
        var halfMaps: [[Volume]] = []
        let classCount = accumulators.count
        for k in 0..<classCount {
            var halves = accumulators[k]
            accumulators[k] = []
            let a = halves[0].finalised(regularisation: .constant(1), pixelSize: pixelSize)
            let b = halves[1].finalised(regularisation: .constant(1), pixelSize: pixelSize)
            let fsc = FourierShellCorrelation(a, b)
            halfMaps.append([a, b])
            let second = halves.removeLast()
            var total = halves.removeLast()
            total.add(second)
            let statistics = total.shellStatistics()
            ssnrs.append(fsc.values.indices.map { s -> Double in
                let f = fsc.values[s]
                guard f > 0, s < statistics.voxelCount.count, statistics.voxelCount[s] > 0 else { return 0 }
                let full = min(2 * f / (1 + f), 0.999)
                let meanCTF2 = statistics.ctfSquaredSum[s] / statistics.voxelCount[s]
                return meanCTF2 > 0 ? full / ((1 - full) * meanCTF2) : 0
            })
            totals.append(total)
            curves.append(fsc)
        }
        let shared = Self.sharedSSNR(ssnrs, weights: classWeights)
        let volumes = totals.map { $0.finalised(regularisation: .ssnr(perShell: shared, wienerConstant: 1), pixelSize: pixelSize) }
        return (volumes, curves, halfMaps)
    }

    /// Σ_k w_k·SSNR_k(s) / Σ_k w_k per shell (cisTEM's PSSNR sharing, §7.4). Fovea also filters the
    /// class volumes with it (cisTEM filters each class by its own): a class that holds more
    /// particles is then not sharper than the others, which would otherwise draw high-SNR
    /// particles to it for its resolution alone and feed back (seen as a drift of the class
    /// fractions at high SNR).
    static func sharedSSNR(_ ssnrs: [[Double]], weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        let count = ssnrs.map(\.count).max() ?? 0
        return (0..<count).map { s in
            var sum = 0.0
            for (curve, w) in zip(ssnrs, weights) where s < curve.count { sum += w * curve[s] }
            return total > 0 ? sum / total : 0
        }
    }
}
