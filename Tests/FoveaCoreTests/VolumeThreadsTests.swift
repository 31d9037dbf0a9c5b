import Foundation
import FoveaCore
import Testing
import _FoveaTestSupport

/// The fixed work's map-sized loops split over `VolumeThreads` (3-D FFTs, masking, projector
/// preparation, finalisation, FSC and shell sums): the same bits for 1, 2, 3 and 7 threads, over
/// seeded random boxes and contents.
@Suite struct VolumeThreadsTests {
    /// `body` at each thread count; every result must equal the one-thread result.
    static func sameForAnyThreadCount<T: Equatable>(_ what: String, _ body: () -> T) {
        let previous = VolumeThreads.count
        defer { VolumeThreads.count = previous }
        VolumeThreads.count = 1
        let one = body()
        for threads in [2, 3, 7] {
            VolumeThreads.count = threads
            #expect(body() == one, "\(what) at \(threads) threads differs from 1 thread")
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func fixedWorkIsThreadInvariant(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let n = 2 * Int(random.uniform(5, 33)), padding = seed == 2 ? 2 : 1
        let map = Volume(size: n, pixelSize: 1.5, voxels: (0..<(n * n * n)).map { _ in Float(random.gaussian()) })
        let other = Volume(size: n, pixelSize: 1.5, voxels: (0..<(n * n * n)).map { _ in Float(random.gaussian()) })
        let edge = CosineEdge(radius: random.uniform(2, Double(n / 2)), width: random.uniform(0, 6))
        Self.sameForAnyThreadCount("spherical mask, box \(n)") { () -> Volume in
            var masked = map
            masked.applySphericalMask(edge, fill: .value(0))
            return masked
        }
        let binned = n - 2 * Int(random.uniform(0, 3))
        Self.sameForAnyThreadCount("projector, box \(n)") {
            FourierProjector(volume: map, padding: padding).binned(to: binned).transform
        }
        Self.sameForAnyThreadCount("FSC, box \(n)") { FourierShellCorrelation(map, other) }
        // Sums with random values inside a random radius, as insertion leaves them.
        var sums = ReconstructionAccumulator(size: n, padding: padding)
        let limit = random.uniform(2, Double(n / 2)) * Double(padding)
        let np = n * padding, wp = np / 2 + 1
        for l in 0..<np { for j in 0..<np { for i in 0..<wp {
            let kz = Double(l <= np / 2 ? l : l - np), ky = Double(j <= np / 2 ? j : j - np)
            guard (Double(i * i) + ky * ky + kz * kz).squareRoot() < limit else { continue }
            let index = i + wp * (j + np * l)
            sums.ctfSquared[index] = random.uniform(0, 3)
            sums.numerator[2 * index] = random.gaussian()
            sums.numerator[2 * index + 1] = random.gaussian()
        } } }
        let curve = (0...(n / 2)).map { _ in random.uniform(-0.5, 10) }
        Self.sameForAnyThreadCount("half map, box \(n)") { sums.finalised(regularisation: .constant(1)) }
        Self.sameForAnyThreadCount("Wiener map, box \(n)") {
            sums.finalised(regularisation: .ssnr(perShell: curve, wienerConstant: 1), pixelSize: 1.5)
        }
        Self.sameForAnyThreadCount("shell statistics, box \(n)") { sums.shellStatistics() }
        Self.sameForAnyThreadCount("sum of accumulators, box \(n)") { () -> [Double] in
            var total = sums
            total.add(sums)
            return total.numerator + total.ctfSquared
        }
    }

    /// The block sums equal a plain sum to rounding and do not depend on the thread count.
    @Test func blockSumsAreFixedOrderSums() {
        var random = TestRandom(seed: 11)
        for _ in 0..<20 {
            let items = Int(random.uniform(0, 500)), width = Int(random.uniform(1, 5))
            let values = (0..<(items * width)).map { _ in random.uniform(-1, 1) * pow(10, random.uniform(-3, 3)) }
            Self.sameForAnyThreadCount("block sums of \(items) × \(width)") {
                VolumeThreads.blockSums(of: items, width: width) { range, sums in
                    for item in range { for w in 0..<width { sums[w] += values[item * width + w] } }
                }
            }
            let total = VolumeThreads.blockSums(of: items, width: width) { range, sums in
                for item in range { for w in 0..<width { sums[w] += values[item * width + w] } }
            }
            for w in 0..<width {
                let plain = stride(from: w, to: values.count, by: width).reduce(0.0) { $0 + values[$1] }
                let scale = stride(from: w, to: values.count, by: width).reduce(0.0) { $0 + abs(values[$1]) }
                #expect(abs(total[w] - plain) <= 1e-12 * max(scale, 1))
            }
        }
    }
}
