import Foundation
import FoveaIO

/// The one owner of where a command may write: no command writes over one of its own inputs,
/// and a run folder is new or empty unless its run is being continued. Files are compared by
/// device and inode (after following links), not by the text of their paths.
public enum OutputGuard {
    /// The device and inode of the file at `path`, or nil when nothing is there.
    static func identity(of path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Whether `a` and `b` name the same existing file (hard links and symbolic links included).
    public static func sameFile(_ a: String, _ b: String) -> Bool {
        guard let first = identity(of: a), let second = identity(of: b) else { return false }
        return first == second
    }

    /// Throws when `output` (given by `option`) is one of `inputs`.
    public static func refuseOverwritingInputs(_ output: String, option: String, inputs: [String]) throws {
        for input in inputs where sameFile(output, input) {
            throw OutputError.overwritesInput(output: output, option: option, input: input)
        }
    }

    /// Entries of the folder at `path` other than the run's lock, or nil when it does not exist.
    static func entries(of path: String) throws -> [String]? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        guard isFolder.boolValue else { throw OutputError.notAFolder(path) }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).filter { $0 != RunFolderLock.fileName }.sorted()
        } catch {
            throw OutputError.unreadableFolder(path)
        }
    }

    /// Creates the run folder of a new run (with its parents) and checks that it holds nothing
    /// but, possibly, this run's lock and the entries `ignoring` accepts (a RELION job folder's own files).
    public static func requireNewOrEmptyRunFolder(_ path: String, ignoring: (String) -> Bool = { _ in false }) throws {
        if try entries(of: path) == nil { try createFolder(path) }
        guard let found = try entries(of: path)?.filter({ !ignoring($0) }) else { throw OutputError.notAFolder(path) }
        if found.contains("checkpoint.h5") { throw OutputError.holdsARun(path) }
        if !found.isEmpty { throw OutputError.notEmpty(path, entries: found) }
    }

    /// A command's output folder that may be replaced by the same command: new, empty, or holding
    /// `marker` (the file that command writes, e.g. a simulation's `manifest.json`); any other
    /// non-empty folder is refused, so that a user's own files are never overwritten.
    public static func requireNewEmptyOrOwnFolder(_ path: String, marker: String) throws {
        guard let found = try entries(of: path), !found.isEmpty, !found.contains(marker) else { return }
        throw OutputError.notEmpty(path, entries: found)
    }

    /// Creates `path` and its parents, with the reason in words when that fails.
    public static func createFolder(_ path: String) throws {
        var partial = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            partial += (partial.isEmpty && !path.hasPrefix("/") ? "" : "/") + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw FileWriteError(path: partial, errno: errno, action: "cannot create the folder")
            }
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw OutputError.notAFolder(path)
        }
    }

    /// Removes the temporaries (`AtomicFileWriter`'s `.NAME.tmp-…`) that a run which died while
    /// writing left in `path`; returns their names.
    @discardableResult
    public static func removeLeftoverTemporaries(in path: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter(AtomicFileWriter.isTemporaryName).sorted().filter { unlink(path + "/" + $0) == 0 }
    }
}

/// Why a command may not write where it was asked to (exit code 2; nothing was written).
public enum OutputError: Error, CustomStringConvertible, Equatable {
    case overwritesInput(output: String, option: String, input: String)
    case notAFolder(String)
    case unreadableFolder(String)
    case holdsARun(String)
    case notEmpty(String, entries: [String])

    public var description: String {
        switch self {
        case .overwritesInput(let output, let option, let input):
            return "\(option) \(output) is the input \(input): a command never writes over its own input; choose another \(option)"
        case .notAFolder(let path):
            return "\(path) is a file, not a folder: choose another --output"
        case .unreadableFolder(let path):
            return "\(path): cannot list the folder (permission denied?)"
        case .holdsARun(let path):
            return "\(path) already holds a run (checkpoint.h5); continue it with --continue \(path) or choose another --output"
        case .notEmpty(let path, let entries):
            let shown = entries.prefix(5).joined(separator: ", ") + (entries.count > 5 ? ", …" : "")
            return "\(path) is not empty (\(shown)): the output needs a new or empty folder, so that nothing there is "
                + "overwritten; choose another --output"
        }
    }
}
