import Dispatch

/// Runs work on `threads` threads over contiguous chunks of 0..<count. Each chunk is handed one
/// thread-local state made by `makeState`, so hot loops reuse buffers and FFT workspaces without
/// allocating. Results must be written to per-item slots, which keeps them independent of the
/// number of threads.
enum ParallelChunks {
    static func run<State>(count: Int, threads: Int, makeState: () -> State,
                           _ body: (inout State, Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = max(1, min(threads, count))
        if chunks == 1 {
            var state = makeState()
            body(&state, 0..<count)
            return
        }
        var states = (0..<chunks).map { _ in makeState() }
        states.withUnsafeMutableBufferPointer { stateBuffer in
            nonisolated(unsafe) let buffer = stateBuffer
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = count * chunk / chunks, upper = count * (chunk + 1) / chunks
                work(&buffer[chunk], lower..<upper)
            }
        }
    }
}

/// A fixed-size buffer that several threads write at disjoint indices. The storage is one raw
/// allocation (never a Swift array property), so concurrent writes to different slots touch no
/// shared reference count or copy-on-write check.
final class SharedSlots<Element>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Element>

    init(repeating value: Element, count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: value)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    /// Writes slot `index`; callers guarantee that no two threads write the same slot.
    func set(_ index: Int, _ value: Element) { storage[index] = value }

    /// Reads slot `index` (after the parallel section, or a slot this thread wrote).
    subscript(index: Int) -> Element { storage[index] }

    /// Moves slot `index` out, leaving `empty` in its place (so the caller holds the only reference
    /// to a copy-on-write value).
    func take(_ index: Int, leaving empty: Element) -> Element {
        let value = storage[index]
        storage[index] = empty
        return value
    }

    /// A copy of every slot, in order.
    var values: [Element] { Array(storage) }
}
