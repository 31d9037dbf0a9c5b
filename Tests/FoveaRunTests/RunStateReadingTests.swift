import Foundation
import Testing
import FoveaClassify
import FoveaIO
import FoveaRun

/// A damaged or foreign checkpoint is an error naming the file and the field, never a trap: sizes
/// read from the file are checked before any arithmetic or allocation with them.
@Suite(.serialized) struct RunStateReadingTests {
    static let checkpoint: String = {
        let data = temporaryFolder("state"), out = temporaryFolder("state-run") + "/run"
        let star = try! writePhantom(to: data, count: 40, snr: 1, seed: 3)
        let request = RunRequest(config: try! phantomConfig(cycles: 1), inputs: RunInputPaths(particles: star),
                                 output: out, continuing: false, commandLine: ["test"])
        _ = try! runJob(request)
        return RunFolder(out).checkpoint
    }()

    /// A copy of the checkpoint with `edit` applied.
    func damaged(_ edit: (HDF5File) throws -> Void) throws -> String {
        let copy = temporaryFolder("damaged") + "/checkpoint.h5"
        try FileManager.default.copyItem(atPath: Self.checkpoint, toPath: copy)
        let file = try HDF5File(openingAt: copy, mode: .readWrite)
        try edit(file)
        try file.closeChecked()
        return copy
    }

    @Test func theUndamagedCheckpointReads() throws {
        let state = try RunState.read(from: Self.checkpoint)
        #expect(state.particleCount == 40 && state.classification.cycle == 1)
    }

    @Test func sizesThatOverflowOrDoNotMatchAreErrors() throws {
        var generator = SystemRandomNumberGenerator()
        let huge: [Int64] = [Int64.max, Int64.max / 3, 1 << 40, 1 << 31, -1, 0, Int64.min] + (0..<5).map { _ in
            Int64.random(in: 1...(Int64.max), using: &generator)
        }
        for field in ["particle_count", "box_size"] {
            for value in huge {
                let path = try damaged { try $0.setAttribute(field, value) }
                do { _ = try RunState.read(from: path); Issue.record("\(field) = \(value) accepted") } catch {
                    #expect("\(error)".contains(path), "\(field) = \(value): \(error)")
                }
            }
        }
        // Runs have even boxes; an odd box_size (above the stored volume box, so the volumes still
        // read) would reach the even-box Fourier resizing of the report and the RELION files.
        let volumeBox = try RunState.read(from: Self.checkpoint).classification.classVolumes[0].size
        for _ in 0..<6 {
            let odd = Int64(2 * Int.random(in: (volumeBox / 2)...1000, using: &generator) + 1)
            let path = try damaged { try $0.setAttribute("box_size", odd) }
            #expect(throws: RunInputError.self, "box_size \(odd)") { _ = try RunState.read(from: path) }
        }
        for cycle: Int64 in [-1, 2, 1 << 50] {
            let path = try damaged { try $0.setAttribute("cycle", cycle) }
            #expect(throws: RunInputError.self, "cycle \(cycle)") { _ = try RunState.read(from: path) }
        }
        for pixel in [0.0, -6.55, .nan, .infinity] {
            let path = try damaged { try $0.setAttribute("pixel_size", pixel) }
            #expect(throws: RunInputError.self, "pixel size \(pixel)") { _ = try RunState.read(from: path) }
        }
    }
}
