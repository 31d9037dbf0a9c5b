import Dispatch
import Foundation
import FoveaCore

/// The particle simulators of a dataset's states (one padded Fourier projector per humanoid map),
/// made when first needed rather than all at once.
///
/// Memory: a projector of an N box at padding P holds (P·N)²·(P·N/2 + 1) complex values — 1 GiB
/// at N = 320, P = 2 — so a scenario's 16 states cannot all be held at large boxes. Projectors are
/// kept while their total stays within `budgetBytes` (by default 2 GiB: every one at the small boxes
/// of the tests and benchmarks); beyond it a state's projector is made again when asked. A projector depends
/// only on its map, so which are kept never changes an image.
final class StateSimulators: @unchecked Sendable {
    /// Bytes of projectors kept for reuse.
    let budgetBytes: Double
    /// Padding factor of the simulators' projectors.
    static let padding = 2

    let components: HumanoidComponentMaps
    private let lock = NSLock()
    private var kept: [Int: ParticleImageSimulator] = [:]
    private var keptBytes = 0.0

    init(components: HumanoidComponentMaps, budgetBytes: Double) {
        self.components = components
        self.budgetBytes = budgetBytes
    }

    /// Bytes of one projector on the components' grid.
    var projectorBytes: Double {
        let np = Double(Self.padding * components.grid.size)
        return np * np * (np / 2 + 1) * 8
    }

    /// The simulator of `state` (catalogue `number`); `workspace`, if given, is an FFT workspace of
    /// the padded box to prepare a new projector in (one per thread).
    func simulator(number: Int, state: HumanoidState, workspace: FFTWorkspace? = nil) -> ParticleImageSimulator {
        if let simulator = lock.withLock({ kept[number] }) { return simulator }
        let simulator = ParticleImageSimulator(projector: FourierProjector(volume: components.map(of: state),
                                                                           padding: Self.padding, workspace: workspace))
        lock.withLock {
            if kept[number] == nil && keptBytes + projectorBytes <= budgetBytes {
                kept[number] = simulator
                keptBytes += projectorBytes
            }
        }
        return simulator
    }

    /// An FFT workspace of the projectors' padded box.
    func makeWorkspace() -> FFTWorkspace {
        FFTWorkspace(plan: FFTPlanner.shared.plan3D(size: Self.padding * components.grid.size))
    }

    /// Runs `body(simulator, indices)` for every state among `indices` (draw indices into `draws`),
    /// with that state's indices in increasing order, on up to `threads` threads: each thread takes
    /// whole states, so at most `threads` projectors beyond the kept ones exist at once. States are
    /// taken in `order` (`.lastFirst` serves first the projectors a previous pass made last, the
    /// ones most likely kept). `body` is called concurrently for different states.
    func forEachState(of indices: [Int], draws: [HumanoidParticleDataset.Draw], threads: Int, order: StateOrder,
                      _ body: @Sendable (ParticleImageSimulator, [Int]) -> Void) {
        var groups: [(number: Int, state: HumanoidState, indices: [Int])] = []
        var position: [Int: Int] = [:]
        for index in indices {
            let truth = draws[index].truth
            if let at = position[truth.catalogNumber] {
                groups[at].indices.append(index)
            } else {
                position[truth.catalogNumber] = groups.count
                groups.append((truth.catalogNumber, truth.state, [index]))
            }
        }
        if order == .lastFirst { groups.reverse() }
        let queue = groups, next = LockedCounter()
        let workers = max(1, min(threads, queue.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var workspace: FFTWorkspace?
            while let g = next.take(below: queue.count) {
                if workspace == nil && lock.withLock({ kept[queue[g].number] }) == nil { workspace = makeWorkspace() }
                body(simulator(number: queue[g].number, state: queue[g].state, workspace: workspace), queue[g].indices)
            }
        }
    }

    /// The order in which `forEachState` takes the states.
    enum StateOrder { case firstFirst, lastFirst }
}

/// A counter several threads take consecutive values from.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// The next value if it is below `limit`, else nil.
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }

    /// Adds `amount` and calls `body` with the new total, both under the lock (so totals are
    /// reported in increasing order).
    func add(_ amount: Int, _ body: (Int) -> Void) {
        lock.withLock {
            value += amount
            body(value)
        }
    }
}
