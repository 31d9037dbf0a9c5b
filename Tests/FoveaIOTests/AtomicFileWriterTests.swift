import Foundation
import Testing
import FoveaIO

@Suite struct AtomicFileWriterTests {
    @Test func failedWriteLeavesExistingFileIntact() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("out.txt").path
        try AtomicFileWriter.write(Data("old".utf8), to: path)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try AtomicFileWriter.write(to: path) { tmp in
                try Data("partial".utf8).write(to: URL(fileURLWithPath: tmp))
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(leftovers == ["out.txt"])
    }
}
