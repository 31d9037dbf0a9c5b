import Dispatch
import Foundation

/// The threads that work on whole maps use: 3-D FFTs (`PlaneColumnTransform`) and the per-voxel
/// loops of a cycle's fixed work (masking, projector preparation, finalisation, FSC). Process-wide,
/// set from `--threads` by the classification before its fixed work. Every user splits its work
/// into items whose results do not depend on which thread computes them or how many there are
/// (whole planes, whole columns, fixed blocks summed in block order), so this number changes the
/// time, never the bits.
public enum VolumeThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var value = 1

    /// Threads for map-sized work (≥ 1; default 1).
    public static var count: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = max(1, newValue) } }
    }

    /// Calls `body` on contiguous chunks of 0..<items on up to `count` threads (one chunk per
    /// thread; one thread when `items` is small). `body` must write disjoint results for disjoint
    /// items, so the outcome is that of one `body(0..<items)` call.
    public static func forEachChunk(of items: Int, _ body: (Range<Int>) -> Void) {
        guard items > 0 else { return }
        let chunks = min(count, items)
        if chunks <= 1 {
            body(0..<items)
            return
        }
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            work((items * chunk / chunks)..<(items * (chunk + 1) / chunks))
        }
    }

    /// Number of fixed blocks a reduction over `items` is cut into: partial sums per block, added
    /// in block order, give the same bits for any thread count (the blocks never depend on it).
    public static func reductionBlocks(of items: Int) -> Int { max(1, min(items, 64)) }

    /// Sums `partial(block range)` (a vector of `width` values per block) over the fixed blocks of
    /// 0..<items (`reductionBlocks(of:)`), computed in parallel and added in block order: the
    /// same bits whatever `count` is.
    public static func blockSums(of items: Int, width: Int, _ partial: (Range<Int>, inout [Double]) -> Void) -> [Double] {
        let blocks = reductionBlocks(of: items)
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks * width)
        sums.initialize(repeating: 0)
        defer { sums.deallocate() }
        nonisolated(unsafe) let slots = sums
        forEachChunk(of: blocks) { range in
            var local = [Double](repeating: 0, count: width)
            for block in range {
                for i in local.indices { local[i] = 0 }
                partial((items * block / blocks)..<(items * (block + 1) / blocks), &local)
                for i in 0..<width { slots[block * width + i] = local[i] }
            }
        }
        var total = [Double](repeating: 0, count: width)
        for block in 0..<blocks {
            for i in 0..<width { total[i] += sums[block * width + i] }
        }
        return total
    }
}
