import Dispatch
import FoveaCore
import Numerics

/// The ideal-observer ceiling of a simulated humanoid dataset: for every asymmetric unit (particle ×
/// side), the expected accuracy of the Bayes-optimal classifier of that side's state label that
/// knows everything except the noise draw — the true maps restricted to the focus region, the view,
/// the CTF, the other side's state and the noise spectrum — so no method that classifies from the
/// focus region can expect to do better.
///
/// Per unit, hypothesis l is the scenario's map with the side's parts set to label l (the other side
/// as it truly is); its mean image is μ_l = CTF · P(M_S · V_l), the projection of the map under the
/// side's soft focus mask M_S (side A's mask, or its C2 image for side B). The noise is Gaussian and
/// diagonal on the image's Fourier grid with variance (σ_s²·CTF² + σ_n²)/N² per coefficient (the
/// simulator's structural noise before the CTF and shot noise after it, ÷N²-normalised spectra), so
/// with whitened differences Δ_l = μ_t − μ_l (t the truth) and G_lm = ⟨Δ_l, Δ_m⟩ the maximum-posterior
/// rule under the scenario's uniform label prior is right exactly when Δ_l·z > −G_ll/2 for every l ≠ t
/// (z standard Gaussian noise). With two labels this is Φ(d/2), d = √G (d is the unit's
/// `separation`); with more it is estimated by Monte Carlo on (Δ_l·z) ~ N(0, G), seeded per unit.
/// With the simulator's imperfections on, the particle's contrast scale and its micrograph's noise
/// factor and colour enter Δ and the variance; a junk particle's ceiling is chance (1/K); the
/// background normalisation scales signal and noise alike and changes nothing.
public struct IdealObserverCeiling: Sendable {
    /// One asymmetric unit's ceiling.
    public struct Unit: Sendable, Equatable {
        /// Expected accuracy of the ideal observer on this unit (0 … 1).
        public var accuracy: Double
        /// Smallest whitened distance d between the true state's image and another label's (noise σ units).
        public var separation: Double
    }

    /// Number of state labels per side (2 or 4).
    public let labelCount: Int
    /// `units[i][s]`: particle i (0-based), side s (0 = A, 1 = B).
    public let units: [[Unit]]

    /// Mean expected accuracy over the given units (particle 0-based, side).
    public func accuracy(of selection: [(particle: Int, side: HumanoidSide)]) -> Double {
        guard !selection.isEmpty else { return .nan }
        return selection.reduce(0.0) { $0 + units[$1.particle][$1.side == .a ? 0 : 1].accuracy } / Double(selection.count)
    }

    /// The pooled kappa (every state's one-versus-rest counts summed, as `fovea kappa` reports it)
    /// of a classifier whose accuracy over `states` labels is `accuracy`: the pooled table's
    /// marginals are fixed (TP + FP = TP + FN = N), so κ = (Po − Pe)/(1 − Pe) with
    /// Po = (K − 2 + 2a)/K and Pe = (1 + (K − 1)²)/K²; with two states κ = 2a − 1.
    public static func pooledKappa(accuracy a: Double, states k: Int) -> Double {
        let kk = Double(max(k, 2))
        let observed = (kk - 2 + 2 * a) / kk, chance = (1 + (kk - 1) * (kk - 1)) / (kk * kk)
        return (observed - chance) / (1 - chance)
    }

    /// Computes the ceiling of every unit of `dataset`.
    ///
    /// Memory: one side at a time, the units are taken in runs whose hypotheses' projections (N×N
    /// spectra, 8·N·(N/2 + 1) bytes each) fit in `projectionMemoryBytes` (at least one unit per run);
    /// for a run, the distinct masked maps' projectors are made one at a time, each projecting the
    /// run's views of it, and then the run's units are scored. So at most one projector exists at
    /// once, besides the run's projections; the units' values do not depend on the runs.
    /// - Parameters:
    ///   - components: the dataset's component maps (the simulator's, same grid).
    ///   - focusMask: side A's focus region (0 … 1) on the dataset's grid; side B uses its C2 image.
    ///   - samples: Monte Carlo draws per unit when a side has more than two labels.
    ///   - projectionMemoryBytes: bytes of projections held at once (default: one projector's).
    public init(dataset: HumanoidParticleDataset, components: HumanoidComponentMaps, focusMask: Volume,
                samples: Int = 1024, padding: Int = 2, projectionMemoryBytes: Double? = nil) {
        let settings = dataset.settings, scenario = settings.scenario
        let n = settings.grid.size, p = settings.grid.pixelSize
        labelCount = scenario.labelCount
        let count = dataset.draws.count, threads = max(1, settings.threads)
        var units = [[Unit]](repeating: [Unit(accuracy: .nan, separation: .nan), Unit(accuracy: .nan, separation: .nan)],
                             count: count)
        let noise = (structural: dataset.noise.structural * dataset.noise.structural, shot: dataset.noise.shot * dataset.noise.shot)
        let spectrumBytes = Double(n * (n / 2 + 1) * 8)
        let budget = projectionMemoryBytes ?? FourierProjector.transformBytes(size: n, padding: padding)
        for side in HumanoidSide.allCases {
            let mask = side == .a ? focusMask : Self.c2Image(of: focusMask)
            let projectors = MaskedStateProjectors(scenario: scenario, components: components, mask: mask, padding: padding)
            let sideIndex = side == .a ? 0 : 1
            let slots = UnsafeMutableBufferPointer<Unit>.allocate(capacity: count)
            slots.initialize(repeating: Unit(accuracy: .nan, separation: .nan))
            defer { slots.deinitialize(); slots.deallocate() }
            nonisolated(unsafe) let output = slots
            // Each unit's hypotheses and their distinct masked maps (none for a junk particle).
            let hypotheses = dataset.draws.indices.map { i in
                Self.hypotheses(truth: dataset.draws[i].truth.state, side: side, scenario: scenario)
            }
            let distinct: [[Int]] = dataset.draws.indices.map { i in
                dataset.isJunk(i) ? [] : hypotheses[i].states.map { projectors.distinctIndex(of: $0)! }
            }
            var held: (index: Int, projector: FourierProjector)?
            for run in Self.runs(of: distinct.map { Double($0.count) * spectrumBytes }, budget: budget) {
                // The run's projections: unit `run.lowerBound + u`'s hypothesis l at `first[u] + l`.
                var offsets = [Int](), total = 0
                for i in run { offsets.append(total); total += distinct[i].count }
                let first = offsets
                let means = UnsafeMutableBufferPointer<HalfComplexImage>.allocate(capacity: total)
                var made = 0
                defer { means.baseAddress!.deinitialize(count: made); means.deallocate() }
                nonisolated(unsafe) let store = means
                let needed = Set(run.flatMap { distinct[$0] })
                let order = needed.sorted { a, b in (a == held?.index ? 0 : 1, a) < (b == held?.index ? 0 : 1, b) }
                for d in order {
                    if held?.index != d {
                        held = nil
                        held = (d, projectors.projector(d))
                    }
                    let projector = held!.projector
                    let tasks = run.flatMap { i in distinct[i].indices.filter { distinct[i][$0] == d }.map { (i, first[i - run.lowerBound] + $0) } }
                    Self.inRuns(tasks.count, threads: threads) { range in
                        for (i, slot) in tasks[range] {
                            (store.baseAddress! + slot).initialize(to: projector.projection(RotationMatrix(dataset.draws[i].angles)))
                        }
                    }
                    made += tasks.count
                }
                Self.inRuns(run.count, threads: threads) { range in
                    for u in range {
                        let i = run.lowerBound + u
                        let draw = dataset.draws[i]
                        let conditions = dataset.conditions(of: i)
                        if conditions.isJunk {
                            output[i] = Unit(accuracy: 1 / Double(scenario.labelCount), separation: 0)
                            continue
                        }
                        let ctf = draw.ctf.halfPlaneGrid(size: n, pixelSize: p)
                        let unitMeans = Array(store[first[u]..<(first[u] + distinct[i].count)])
                        let factor = conditions.noiseFactor * conditions.noiseFactor
                        let gram = Self.whitenedGram(means: unitMeans, truth: hypotheses[i].truthIndex, ctf: ctf,
                                                     structuralVariance: noise.structural * factor, shotVariance: noise.shot * factor,
                                                     signalScale: conditions.signalScale, shotFilter: conditions.shotNoiseFilter)
                        var random = SeededRandom(seed: settings.seed ^ 0x1DEA_1C01, stream: UInt64(2 * i + sideIndex))
                        output[i] = Self.unit(gram: gram, samples: samples, random: &random)
                    }
                }
            }
            held = nil
            for i in 0..<count { units[i][sideIndex] = slots[i] }
        }
        self.units = units
    }

    /// Consecutive runs of units whose `bytes` sum to at most `budget` (a unit alone may exceed it).
    static func runs(of bytes: [Double], budget: Double) -> [Range<Int>] {
        var runs: [Range<Int>] = [], start = 0, sum = 0.0
        for (i, b) in bytes.enumerated() {
            if i > start && sum + b > budget {
                runs.append(start..<i)
                start = i
                sum = 0
            }
            sum += b
        }
        if start < bytes.count { runs.append(start..<bytes.count) }
        return runs
    }

    /// Calls `body` on up to `threads` contiguous ranges covering 0..<count, concurrently.
    static func inRuns(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let runs = max(1, min(threads, count))
        DispatchQueue.concurrentPerform(iterations: runs) { r in body((count * r / runs)..<(count * (r + 1) / runs)) }
    }

    /// The scenario's maps that differ from `truth` only in `side`'s parts, one per label present
    /// (label order), and which of them is the truth.
    static func hypotheses(truth: HumanoidState, side: HumanoidSide, scenario: HumanoidScenario)
        -> (states: [HumanoidState], truthIndex: Int) {
        let other: HumanoidSide = side == .a ? .b : .a
        var states: [HumanoidState] = []
        for label in 0..<scenario.labelCount {
            if let state = scenario.maps.first(where: { $0[other] == truth[other] && scenario.label(of: $0[side]) == label }) {
                states.append(state)
            }
        }
        return (states, states.firstIndex(of: truth) ?? 0)
    }

    /// G_lm = Σ_k mult_k · Re[Δ_l(k)·conj(Δ_m(k))] / v_k over the hypotheses l, m ≠ truth, with
    /// Δ_l = s·CTF·(P_truth − P_l) (s the particle's contrast scale), v_k = (σ_s²·CTF_k² + σ_n²·F_k²)/N²
    /// (F the shot-noise colour filter, 1 for white noise; σ's times the micrograph's factor) and mult_k the half-plane weight
    /// (columns 0 and N/2 once, the others twice, as the full plane counts them).
    static func whitenedGram(means: [HalfComplexImage], truth: Int, ctf: [Float],
                             structuralVariance: Double, shotVariance: Double,
                             signalScale: Double = 1, shotFilter: [Float]? = nil) -> [[Double]] {
        let others = means.indices.filter { $0 != truth }
        guard let first = means.first else { return [] }
        let n = first.size, w = first.width, scale = Double(n * n)
        var gram = [[Double]](repeating: [Double](repeating: 0, count: others.count), count: others.count)
        var differences = [(re: Double, im: Double)](repeating: (0, 0), count: others.count)
        for j in 0..<n {
            for i in 0..<w {
                let index = i + w * j
                let c = Double(ctf[index])
                let colour = shotFilter.map { Double($0[index]) } ?? 1
                let variance = (structuralVariance * c * c + shotVariance * colour * colour) / scale
                guard variance > 0 else { continue }
                let weight = ((i == 0 || i == n / 2) ? 1.0 : 2.0) / variance
                let t = means[truth].values[index]
                for (a, l) in others.enumerated() {
                    let v = means[l].values[index]
                    differences[a] = (signalScale * c * Double(t.real - v.real), signalScale * c * Double(t.imaginary - v.imaginary))
                }
                for a in others.indices {
                    for b in a..<others.count {
                        gram[a][b] += weight * (differences[a].re * differences[b].re + differences[a].im * differences[b].im)
                    }
                }
            }
        }
        for a in others.indices { for b in 0..<a { gram[a][b] = gram[b][a] } }
        return gram
    }

    /// Expected accuracy from the whitened Gram matrix of the differences to the truth (equal priors).
    static func unit(gram: [[Double]], samples: Int, random: inout SeededRandom) -> Unit {
        let separation = gram.indices.map { gram[$0][$0].squareRoot() }.min() ?? .infinity
        switch gram.count {
        case 0: return Unit(accuracy: 1, separation: .infinity)
        case 1:
            let d = gram[0][0].squareRoot()
            return Unit(accuracy: d > 0 ? normalCDF(d / 2) : 0.5, separation: d)
        default:
            let factor = choleskyFactor(gram)
            let m = gram.count
            var credit = 0.0
            var u = [Double](repeating: 0, count: m), z = [Double](repeating: 0, count: m)
            for _ in 0..<max(samples, 1) {
                for a in 0..<m { z[a] = random.gaussian() }
                for a in 0..<m {
                    var s = 0.0
                    for b in 0...a { s += factor[a][b] * z[b] }
                    u[a] = s
                }
                // Hypothesis a beats the truth when its margin u_a + G_aa/2 is negative; ties share.
                var lost = false, ties = 0
                for a in 0..<m {
                    let margin = u[a] + gram[a][a] / 2
                    let tolerance = 1e-12 * max(gram[a][a], 1e-300)
                    if margin < -tolerance { lost = true; break }
                    if margin <= tolerance { ties += 1 }
                }
                if !lost { credit += 1 / Double(ties + 1) }
            }
            return Unit(accuracy: credit / Double(max(samples, 1)), separation: separation)
        }
    }

    /// Lower-triangular L with L·Lᵀ = G for a positive semi-definite G (a zero column where G is singular).
    static func choleskyFactor(_ gram: [[Double]]) -> [[Double]] {
        let m = gram.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        let scale = gram.indices.map { gram[$0][$0] }.max() ?? 0
        for j in 0..<m {
            var d = gram[j][j]
            for k in 0..<j { d -= l[j][k] * l[j][k] }
            guard d > 1e-12 * scale else { continue }
            l[j][j] = d.squareRoot()
            for i in (j + 1)..<m {
                var s = gram[i][j]
                for k in 0..<j { s -= l[i][k] * l[j][k] }
                l[i][j] = s / l[j][j]
            }
        }
        return l
    }

    /// Φ(x), the standard normal cumulative distribution.
    public static func normalCDF(_ x: Double) -> Double { 0.5 * Double.erfc(-x / 2.0.squareRoot()) }

    /// The C2 image about z through the box centre: voxel (i, j, k) ← (N − i, N − j, k); the
    /// first row and column, which have no partner, are 0.
    static func c2Image(of volume: Volume) -> Volume {
        let n = volume.size
        var out = Volume(size: n, pixelSize: volume.pixelSize)
        for k in 0..<n {
            for j in 1..<n {
                for i in 1..<n { out.voxels[volume.index(i, j, k)] = volume.voxels[volume.index(n - i, n - j, k)] }
            }
        }
        return out
    }
}
