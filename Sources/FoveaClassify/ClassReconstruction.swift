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
    /// Per class of `classes`: the two half-set accumulators.
    var accumulators: [[ReconstructionAccumulator]]
    /// The classes (0-based, of the run's K) these accumulators belong to: all K in a cycle; a
    /// group of them at a time when the full-resolution maps are made (`ParticleShard.reconstruct`).
    let classes: Range<Int>

    /// Rows with a weight at or below this are not inserted.
    static let weightThreshold: Float = 1e-3

    /// Empty sums for `classes` on a grid of `size` voxels (the cycle box N_r, or the data's N).
    init(classes: Range<Int>, size: Int, padding: Int) {
        self.classes = classes
        accumulators = classes.map { _ in
            [ReconstructionAccumulator(size: size, padding: padding), ReconstructionAccumulator(size: size, padding: padding)]
        }
    }

    /// The two half-set sums of class `k` alone (moved in, not copied).
    init(moving halves: [ReconstructionAccumulator], ofClass k: Int) {
        classes = k..<(k + 1)
        accumulators = [halves]
    }

    /// Voxels a side of the grid (0 once the accumulators are consumed).
    var accumulatorSize: Int { accumulators.first(where: { !$0.isEmpty })?.first?.size ?? 0 }

    /// Bytes of the Float64 sums of one class (two half sets) on a grid of `size` voxels.
    static func bytesPerClass(size: Int, padding: Int) -> Int {
        let np = size * padding
        return 2 * 3 * (np / 2 + 1) * np * np * MemoryLayout<Double>.size
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
        let classCount = accumulators.count, firstClass = self.classes.lowerBound
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
                        let w = weights[row, firstClass + k]
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

    /// What the half sets of each class give before the classes' SSNRs are shared: the half
    /// maps, their FSC, the class's SSNR per shell and the summed accumulator (both halves).
    struct Halves {
        var halfMaps: [[Volume]] = []
        var fsc: [FourierShellCorrelation] = []
        var ssnr: [[Double]] = []
        var totals: [ReconstructionAccumulator] = []
    }

    /// The half maps, FSC, SSNR and total of every class here.
    /// Consumes the accumulators: each class's second half is added into its first in place and
    /// released (no copy of the Float64 sums is made) before the FSC transforms the half maps, so
    /// that only one class's two half sums, its first half map and the second's buffer are held at once.
    mutating func finaliseHalves(pixelSize: Double) -> Halves {
        var result = Halves()
        for k in accumulators.indices {
            var halves = accumulators[k]
            accumulators[k] = []
            let a = halves[0].finalised(regularisation: .constant(1), pixelSize: pixelSize)
            let b = halves[1].finalised(regularisation: .constant(1), pixelSize: pixelSize)
            var total = halves.removeFirst()
            total.add(halves.removeFirst())
            let fsc = FourierShellCorrelation(a, b)
            result.halfMaps.append([a, b])
            let statistics = total.shellStatistics()
            result.ssnr.append(fsc.values.indices.map { s -> Double in
                let f = fsc.values[s]
                guard f > 0, s < statistics.voxelCount.count, statistics.voxelCount[s] > 0 else { return 0 }
                let full = min(2 * f / (1 + f), 0.999)
                let meanCTF2 = statistics.ctfSquaredSum[s] / statistics.voxelCount[s]
                return meanCTF2 > 0 ? full / ((1 - full) * meanCTF2) : 0
            })
            result.totals.append(total)
            result.fsc.append(fsc)
        }
        return result
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
