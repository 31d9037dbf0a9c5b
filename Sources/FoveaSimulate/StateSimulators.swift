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
/// only on its map, so which are kept never changes an image. `forEachState` prepares one state's
/// projector at a time (its 3-D transform on `VolumeThreads`), so a pass holds the kept projectors
/// and one more.
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
    var projectorBytes: Double { FourierProjector.transformBytes(size: components.grid.size, padding: Self.padding) }

    /// The simulator of `state` (catalogue `number`).
    func simulator(number: Int, state: HumanoidState) -> ParticleImageSimulator {
        if let simulator = lock.withLock({ kept[number] }) { return simulator }
        let simulator = ParticleImageSimulator(projector: FourierProjector(volume: components.map(of: state), padding: Self.padding))
        lock.withLock {
            if kept[number] == nil && keptBytes + projectorBytes <= budgetBytes {
                kept[number] = simulator
                keptBytes += projectorBytes
            }
        }
        return simulator
    }

    /// Drops the kept projectors (the next request of any state prepares its projector again).
    func releaseKept() {
        lock.withLock {
            kept = [:]
            keptBytes = 0
        }
    }

    /// Runs `body(simulator, indices)` for every state among `indices` (draw indices into `draws`),
    /// one state at a time: its projector is prepared (or taken from the kept ones), then the
    /// state's indices, in increasing order, are split into up to `threads` contiguous runs handed
    /// to `body` concurrently. States are taken in `order` (`.lastFirst` serves first the projectors
    /// a previous pass made last).
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
        for group in groups {
            let simulator = self.simulator(number: group.number, state: group.state)
            let members = group.indices, count = members.count
            let runs = max(1, min(threads, count))
            DispatchQueue.concurrentPerform(iterations: runs) { run in
                body(simulator, Array(members[(count * run / runs)..<(count * (run + 1) / runs)]))
            }
        }
    }

    /// The order in which `forEachState` takes the states.
    enum StateOrder { case firstFirst, lastFirst }
}

/// A total several threads add to.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    /// Adds `amount` and calls `body` with the new total, both under the lock (so totals are
    /// reported in increasing order).
    func add(_ amount: Int, _ body: (Int) -> Void) {
        lock.withLock {
            value += amount
            body(value)
        }
    }
}
