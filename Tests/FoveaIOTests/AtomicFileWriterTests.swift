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

/// Temporaries are created exclusively under unpredictable names: a symbolic link planted under
/// the old predictable name `.NAME.tmp-<pid>` (or any name) never makes a write land elsewhere.
@Suite struct AtomicFileWriterTemporaryTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-tmp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func temporaryNamesAreUnpredictableAndDistinct() {
        let names = (0..<200).map { _ in AtomicFileWriter.temporaryPath(for: "/x/out.mrc") }
        #expect(Set(names).count == 200)
        #expect(names.allSatisfy { $0.hasPrefix("/x/.out.mrc.tmp-") && !$0.hasSuffix("-\(getpid())") })
        #expect(names.allSatisfy { AtomicFileWriter.isTemporaryName(($0 as NSString).lastPathComponent) })
    }

    @Test func aPlantedSymbolicLinkIsNeverFollowed() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let victim = folder + "/victim.txt"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        for name in ["out.txt", "checkpoint.h5"] {
            try FileManager.default.createSymbolicLink(atPath: folder + "/.\(name).tmp-\(getpid())", withDestinationPath: victim)
        }
        try AtomicFileWriter.write(Data("new".utf8), to: folder + "/out.txt")
        try HDF5File.write(to: folder + "/checkpoint.h5") { file in try file.setAttribute("cycle", Int64(3)) }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: folder + "/out.txt", encoding: .utf8) == "new")
        #expect(try HDF5File.read(folder + "/checkpoint.h5") { try $0.attribute("cycle", as: Int64.self) } == 3)
    }

    @Test func aBodyMustCreateTheTemporaryItselfExclusively() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFileWriter.write(to: folder + "/a") { temporary in
            #expect(!FileManager.default.fileExists(atPath: temporary))
            try Data("a".utf8).write(to: URL(fileURLWithPath: temporary))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["a"])
    }

    @Test func systemErrorsAreNamedInWords() {
        let cases: [(Int32, String)] = [(ENOSPC, "no space left"), (EROFS, "read-only"), (EACCES, "permission denied"),
                                        (EISDIR, "folder of that name"), (ENOTDIR, "is a file, not a folder"),
                                        (EDQUOT, "quota")]
        for (code, words) in cases {
            let error = FileWriteError(path: "/d/x.mrc", errno: code, action: "cannot write")
            #expect(error.description.hasPrefix("/d/x.mrc: cannot write: ") && error.description.contains(words), "\(error)")
        }
    }

    @Test func writingIntoAFileOrAMissingFolderSaysSo() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data().write(to: URL(fileURLWithPath: folder + "/file"))
        #expect(throws: FileWriteError(path: folder + "/file/x", errno: ENOTDIR, action: "cannot write")) {
            try AtomicFileWriter.write(Data(), to: folder + "/file/x")
        }
        try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: false)
        #expect(throws: FileWriteError(path: folder + "/dir", errno: EISDIR, action: "cannot rename the finished temporary file onto it")) {
            try AtomicFileWriter.write(Data(), to: folder + "/dir")
        }
    }
}
