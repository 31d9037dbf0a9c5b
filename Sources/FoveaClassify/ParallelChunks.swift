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

/// A mutable array that several threads write at disjoint indices.
final class SharedSlots<Element>: @unchecked Sendable {
    var values: [Element]
    init(repeating value: Element, count: Int) { values = [Element](repeating: value, count: count) }
    /// Writes slot `index`; callers guarantee that no two threads write the same slot.
    func set(_ index: Int, _ value: Element) {
        values.withUnsafeMutableBufferPointer { $0[index] = value }
    }
}
