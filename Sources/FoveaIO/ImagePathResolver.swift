import Foundation

/// Where an image stack named in a particle table is on disk: the one rule every command that
/// reads particle images uses (`classify`, `inspect`, `mask --particles`, `report`).
///
/// RELION writes image names relative to its project folder, where its programs run, so a relative
/// path is looked for first in the working folder; then in the table's own folder, where Fovea's
/// simulator writes its stacks and where a table moved together with its stacks keeps them.
/// Absolute paths are used as they are. A path found in neither place is returned as written, so
/// the error that follows names the path the table gave.
public enum ImagePathResolver {
    /// The path to open for the image stack `path` named in the table at `tablePath`.
    public static func resolve(_ path: String, tablePath: String) -> String {
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        let folder = (tablePath as NSString).deletingLastPathComponent
        let beside = (folder.isEmpty ? "." : folder) + "/" + path
        return FileManager.default.fileExists(atPath: beside) ? beside : path
    }

    /// `location` with its stack path resolved by `resolve(_:tablePath:)`.
    public static func resolve(_ location: ImageLocation, tablePath: String) -> ImageLocation {
        ImageLocation(path: resolve(location.path, tablePath: tablePath), index: location.index)
    }
}
