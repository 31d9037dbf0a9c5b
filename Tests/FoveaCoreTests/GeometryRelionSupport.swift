import Foundation

/// Runs RELION command-line programs for the geometry tests (RELION is installed by
/// scripts/install-deps.sh) and reads their STAR output with a minimal loop reader.
enum GeometryRelion {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// A fresh, unique temporary folder.
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("fovea-geometry-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `/usr/bin/<program> arguments…` in `folder`; throws with its output if it fails.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(program)")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let log = folder.appendingPathComponent("\(program).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) exited with "
                          + "\(process.terminationStatus):\n\(output)")
        }
        return output
    }

    /// The rows of the (last) loop in the data block named `block` ("data_<block>"), as
    /// dictionaries from column name (without the leading underscore) to text.
    static func readLoop(_ url: URL, block: String = "") throws -> [[String: String]] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var inBlock = false, inLoop = false
        var columns: [String] = []
        var rows: [[String: String]] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("data_") {
                inBlock = line == "data_\(block)"
                inLoop = false
                continue
            }
            guard inBlock, !line.hasPrefix("#") else { continue }
            if line.hasPrefix("loop_") {
                inLoop = true
                columns = []
                rows = []
            } else if inLoop && line.hasPrefix("_") {
                columns.append(String(line.dropFirst().split(separator: " ")[0]))
            } else if inLoop && !line.isEmpty {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard fields.count == columns.count else {
                    throw Failure(description: "\(url.path): row has \(fields.count) fields, expected \(columns.count)")
                }
                rows.append(Dictionary(uniqueKeysWithValues: zip(columns, fields)))
            }
        }
        return rows
    }
}
