import Foundation

/// A new, empty folder under the system's temporary folder, named `fovea-<tag>-<UUID>` so that
/// tests running in parallel never share one.
public func makeTestFolder(_ tag: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    return url.path
}

/// Runs the program at `path` with `arguments` in `folder` and waits for it; returns its exit
/// status and its standard output and error together.
public func runProgram(_ path: String, _ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
