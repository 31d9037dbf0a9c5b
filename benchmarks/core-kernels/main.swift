// fovea-bench-kernels: single-thread rates of the Fourier kernels every classification cycle
// runs per particle and class: central-slice extraction, insertion into a reconstruction, and
// the 2-D r2c FFT. Prints one Markdown table row per (kernel, box, padding). Rates are per
// second of the thread's CPU time, so other processes on a shared machine disturb them less.
// Usage: fovea-bench-kernels [seconds per measurement, default 1] [boxes, default 64 80 128]
import Foundation
import FoveaCore
import Numerics

let arguments = CommandLine.arguments.dropFirst()
let secondsPerMeasurement = arguments.first.flatMap(Double.init) ?? 1
let boxes = arguments.count > 1 ? arguments.dropFirst().compactMap { Int($0) } : [64, 80, 128]

/// CPU time of the calling thread, seconds (robust to other processes sharing the cores).
func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Runs `body` repeatedly for about `secondsPerMeasurement` of thread CPU time and returns
/// calls per CPU second (= images per second per core).
func rate(_ body: () -> Void) -> Double {
    for _ in 0..<3 { body() }  // warm up
    var calls = 0
    let start = threadCPUSeconds()
    var elapsed = 0.0
    repeat {
        for _ in 0..<16 { body() }
        calls += 16
        elapsed = threadCPUSeconds() - start
    } while elapsed < secondsPerMeasurement
    return Double(calls) / elapsed
}

/// A smooth test map: Gaussian blobs off centre.
func testVolume(size n: Int) -> Volume {
    var v = Volume(size: n, pixelSize: 1)
    let centres: [SIMD3<Double>] = [SIMD3(0.12, -0.1, 0.05), SIMD3(-0.15, 0.08, -0.1), SIMD3(0.02, 0.18, -0.12)]
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let r = SIMD3(Double(x - n / 2), Double(y - n / 2), Double(z - n / 2)) / Double(n)
        v[x, y, z] = Float(centres.reduce(0.0) { s, c in let d = r - c; return s + Double.exp(-(d * d).sum() * 400) })
    } } }
    return v
}

/// Deterministic, well-spread views.
func view(_ k: Int) -> RotationMatrix {
    RotationMatrix(EulerAngles(phi: Double(k * 37 % 360), theta: Double(k * 53 % 180), psi: Double(k * 71 % 360)))
}

print("| kernel | box | padding | images/s per core | µs per image |")
print("|---|---|---|---|---|")
func report(_ kernel: String, _ box: Int, _ padding: String, _ r: Double) {
    print("| \(kernel) | \(box) | \(padding) | \(Int(r.rounded())) | \(String(format: "%.1f", 1e6 / r)) |")
}

for n in boxes {
    let volume = testVolume(size: n)
    let plan = FFTPlanner.shared.plan2D(size: n)
    let ctf = [Float](repeating: 0.7, count: (n / 2 + 1) * n)
    for padding in [1, 2] {
        let projector = FourierProjector(volume: volume, padding: padding)
        var output = HalfComplexImage(size: n)
        var k = 0
        let extraction = rate {
            k += 1
            output.values.withUnsafeMutableBufferPointer { projector.project(view(k), into: $0) }
        }
        report("slice extraction (trilinear, radius ≤ N/2)", n, "\(padding)", extraction)
        var accumulator = ReconstructionAccumulator(size: n, padding: padding)
        let spectrum = projector.projection(view(1))
        let insertion = rate {
            k += 1
            accumulator.insert(spectrum, ctf: ctf, rotation: view(k), weight: 1)
        }
        report("insertion with CTF (8-neighbour splat)", n, "\(padding)", insertion)
    }
    let workspace = FFTWorkspace(plan: plan)
    let image = (0..<(n * n)).map { Float(($0 * 7919) % 101) / 101 }
    var spectrum = [Complex<Float>](repeating: .zero, count: plan.complexCount)
    let forward = rate {
        image.withUnsafeBufferPointer { input in spectrum.withUnsafeMutableBufferPointer { workspace.forward(input, into: $0) } }
    }
    report("2-D FFT r2c, normalised + centred (FFTWorkspace)", n, "–", forward)
    var back = [Float](repeating: 0, count: n * n)
    let inverse = rate {
        spectrum.withUnsafeBufferPointer { input in back.withUnsafeMutableBufferPointer { workspace.inverse(input, into: $0) } }
    }
    report("2-D FFT c2r, centred (FFTWorkspace)", n, "–", inverse)
}
