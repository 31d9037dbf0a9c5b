import Foundation
import Testing
import FoveaClassify
import FoveaIO
import FoveaRun

/// The run folder's lock and the rule that no output is one of the inputs.
@Suite struct RunFolderLockTests {
    /// The pid of a process that has ended.
    static func deadPid() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    static func writeLock(_ folder: String, pid: Int32, host: String = ProcessInfo.processInfo.hostName) throws {
        try "pid \(pid)\nhost \(host)\nstarted 2026-01-01T00:00:00Z\n"
            .write(toFile: folder + "/" + RunFolderLock.fileName, atomically: false, encoding: .utf8)
    }

    @Test func oneHolderAtATimeAndReleasedAtTheEnd() throws {
        let folder = temporaryFolder("lock")
        let lock = try RunFolderLock.acquire(folder: folder, continuing: false)
        let text = try String(contentsOfFile: lock.path, encoding: .utf8)
        #expect(text.contains("pid \(getpid())\n") && text.contains("host \(ProcessInfo.processInfo.hostName)\n")
                && text.contains("started "))
        for continuing in [false, true] {
            #expect(throws: RunFolderLockError.self) { _ = try RunFolderLock.acquire(folder: folder, continuing: continuing) }
        }
        lock.release()
        #expect(!FileManager.default.fileExists(atPath: lock.path))
        try RunFolderLock.acquire(folder: folder, continuing: false).release()
    }

    /// A run that finds the lock while another is taking it must read a complete lock (and say
    /// "in use"), never an empty file it would call "not Fovea's": one thread takes and releases
    /// the lock 2,000 times while another reads whatever lock file is there.
    @Test func aLockFileIsCompleteFromTheMomentItExists() throws {
        let folder = temporaryFolder("lock-race")
        let path = folder + "/" + RunFolderLock.fileName
        final class Observations: @unchecked Sendable {
            let guardLock = NSLock()
            var done = false, reads = 0, incomplete: [String] = []
        }
        let seen = Observations()
        let reader = Thread {
            while true {
                seen.guardLock.lock(); let done = seen.done; seen.guardLock.unlock()
                if done { break }
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
                seen.guardLock.lock()
                seen.reads += 1
                if !(text.contains("pid ") && text.contains("host ") && text.contains("started ")) { seen.incomplete.append(text) }
                seen.guardLock.unlock()
            }
        }
        reader.start()
        for _ in 0..<2000 { try RunFolderLock.acquire(folder: folder, continuing: false).release() }
        seen.guardLock.lock(); seen.done = true; seen.guardLock.unlock()
        while !reader.isFinished { usleep(1000) }
        #expect(seen.reads > 0, "the reader never saw the lock")
        #expect(seen.incomplete.count == 0, "\(seen.incomplete.count) of \(seen.reads) reads found an incomplete lock")
    }

    @Test func aDeadOwnerIsReportedToANewRunAndTakenOverOnlyByContinue() throws {
        let folder = temporaryFolder("stale")
        let pid = try Self.deadPid()
        try Self.writeLock(folder, pid: pid)
        do { _ = try RunFolderLock.acquire(folder: folder, continuing: false); Issue.record("stale lock taken") } catch let error as RunFolderLockError {
            guard case .stale(_, _, let owner) = error else { Issue.record("\(error)"); return }
            #expect(owner.pid == pid)
            #expect(error.description.contains("--continue \(folder)") && error.description.contains("remove"))
        }
        let lock = try RunFolderLock.acquire(folder: folder, continuing: true)
        #expect(lock.replaced?.pid == pid)
        #expect(try String(contentsOfFile: lock.path, encoding: .utf8).contains("pid \(getpid())\n"))
        lock.release()
    }

    @Test func anotherHostsOrAForeignLockIsOnlyReported() throws {
        let folder = temporaryFolder("remote")
        try Self.writeLock(folder, pid: try Self.deadPid(), host: "elsewhere.invalid")
        for continuing in [false, true] {
            do { _ = try RunFolderLock.acquire(folder: folder, continuing: continuing); Issue.record("taken") } catch let error as RunFolderLockError {
                guard case .heldElsewhere = error else { Issue.record("\(error)"); continue }
            }
        }
        try "not a lock".write(toFile: folder + "/" + RunFolderLock.fileName, atomically: false, encoding: .utf8)
        #expect(throws: RunFolderLockError.self) { _ = try RunFolderLock.acquire(folder: folder, continuing: true) }
        #expect(try String(contentsOfFile: folder + "/" + RunFolderLock.fileName, encoding: .utf8) == "not a lock")
    }

    @Test func sameFileComparesInodesNotSpellings() throws {
        let folder = temporaryFolder("same")
        let file = folder + "/a.star"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.star", withDestinationPath: file)
        try FileManager.default.linkItem(atPath: file, toPath: folder + "/hard.star")
        for other in [folder + "/./a.star", folder + "//a.star", folder + "/link.star", folder + "/hard.star"] {
            #expect(OutputGuard.sameFile(file, other), "\(other)")
            #expect(throws: OutputError.self) { try OutputGuard.refuseOverwritingInputs(other, option: "--out", inputs: [file]) }
        }
        try OutputGuard.refuseOverwritingInputs(folder + "/new.star", option: "--out", inputs: [file])
        #expect(!OutputGuard.sameFile(file, folder + "/new.star"))
    }

    @Test func aNewRunFolderMustBeNewOrEmpty() throws {
        let parent = temporaryFolder("rules")
        try OutputGuard.requireNewOrEmptyRunFolder(parent + "/fresh/nested")
        try Data().write(to: URL(fileURLWithPath: parent + "/fresh/nested/" + RunFolderLock.fileName))
        try OutputGuard.requireNewOrEmptyRunFolder(parent + "/fresh/nested")
        try Data().write(to: URL(fileURLWithPath: parent + "/fresh/nested/class_001.mrc"))
        #expect(throws: OutputError.notEmpty(parent + "/fresh/nested", entries: ["class_001.mrc"])) {
            try OutputGuard.requireNewOrEmptyRunFolder(parent + "/fresh/nested")
        }
        try Data().write(to: URL(fileURLWithPath: parent + "/fresh/nested/checkpoint.h5"))
        #expect(throws: OutputError.holdsARun(parent + "/fresh/nested")) { try OutputGuard.requireNewOrEmptyRunFolder(parent + "/fresh/nested") }
        #expect(throws: OutputError.notAFolder(parent + "/fresh/nested/class_001.mrc")) {
            try OutputGuard.requireNewOrEmptyRunFolder(parent + "/fresh/nested/class_001.mrc")
        }
    }

    /// A RELION job folder holds RELION's own files before the job starts: with `--relion-job` they
    /// do not count against "new or empty"; a user's file still does.
    @Test func aRelionJobFolderMayHoldRelionsOwnFiles() throws {
        let folder = temporaryFolder("relion-job") + "/External/job001"
        try OutputGuard.createFolder(folder)
        for name in ["job.star", "job_pipeline.star", "note.txt", "run.out", "run.err", "RELION_JOB_EXIT_FAILURE"] {
            try Data().write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        try OutputGuard.requireNewOrEmptyRunFolder(folder, ignoring: RelionIterationFiles.isRelionJobFile)
        #expect(throws: OutputError.self) { try OutputGuard.requireNewOrEmptyRunFolder(folder) }
        try Data().write(to: URL(fileURLWithPath: folder + "/class_001.mrc"))
        #expect(throws: OutputError.notEmpty(folder, entries: ["class_001.mrc"])) {
            try OutputGuard.requireNewOrEmptyRunFolder(folder, ignoring: RelionIterationFiles.isRelionJobFile)
        }
    }

    @Test func leftoverTemporariesAreRecognisedAndRemoved() throws {
        let folder = temporaryFolder("leftovers")
        let temporary = AtomicFileWriter.temporaryPath(for: folder + "/checkpoint.h5")
        for path in [temporary, folder + "/checkpoint.h5", folder + "/.checkpoint.h5.tmp-1234"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        }
        let removed = OutputGuard.removeLeftoverTemporaries(in: folder)
        #expect(removed == [".checkpoint.h5.tmp-1234", (temporary as NSString).lastPathComponent].sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["checkpoint.h5"])
    }

    @Test func anInvalidMemoryLimitIsRefusedAValidOneAccepted() throws {
        for text in ["0", "-5", "abc", "", "inf", "nan"] {
            #expect(throws: RunInputError.self) { try MemoryBudget.checkEnvironment(["FOVEA_MEMORY_LIMIT_MB": text]) }
        }
        for text in ["64", "4096.5", " 100 "] { try MemoryBudget.checkEnvironment(["FOVEA_MEMORY_LIMIT_MB": text]) }
        try MemoryBudget.checkEnvironment([:])
    }
}

/// Foundation's file errors are told as the path and the reason in words, never as raw
/// "NSCocoaErrorDomain" text.
@Suite struct ErrorTextTests {
    @Test func cocoaFileErrorsNameThePathAndTheReason() {
        let cases: [(CocoaError.Code, String)] = [
            (.fileWriteOutOfSpace, "no space left"), (.fileWriteVolumeReadOnly, "read-only"),
            (.fileWriteNoPermission, "permission denied"), (.fileReadNoPermission, "cannot read: permission denied"),
            (.fileNoSuchFile, "no such file"),
        ]
        for (code, words) in cases {
            let text = ErrorText.describe(CocoaError(code, userInfo: [NSFilePathErrorKey: "/data/run/x.mrc"]))
            #expect(text.hasPrefix("/data/run/x.mrc: ") && text.contains(words) && !text.contains("Cocoa"), "\(code): \(text)")
        }
        let underlying = NSError(domain: NSPOSIXErrorDomain, code: Int(EISDIR))
        let isAFolder = CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: "/d", NSUnderlyingErrorKey: underlying])
        #expect(ErrorText.describe(isAFolder).contains("a folder of that name is in the way"))
        #expect(ErrorText.describe(RunInputError("plain")) == "plain")
    }
}
