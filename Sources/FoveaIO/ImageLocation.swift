import FoveaCore

/// Where one particle image lives: a stack file and a 0-based index into it.
///
/// RELION writes this as `N@file.mrcs` with N 1-based (`000003@stack.mrcs` is index 2); a bare
/// `file.mrc` means the first (only) image.
public struct ImageLocation: Sendable, Hashable, CustomStringConvertible {
    /// Path of the stack, as written in the table (relative paths are relative to the reader's
    /// working folder, as in RELION).
    public var path: String
    /// 0-based position in the stack.
    public var index: Int

    public init(path: String, index: Int) {
        self.path = path
        self.index = index
    }

    /// Parses RELION's `N@path` (N ≥ 1) or a plain `path` (index 0).
    /// - Throws: `FormatError` naming `file`, `location` and `field` of the table that held it.
    public init(relion text: String, file: String = "", location: String? = nil, field: String? = "rlnImageName") throws {
        guard let at = text.firstIndex(of: "@") else {
            guard !text.isEmpty else { throw FormatError(file: file, location: location, field: field, "empty image name") }
            self.init(path: text, index: 0)
            return
        }
        let number = text[..<at]
        let path = String(text[text.index(after: at)...])
        guard let n = Int(number), n >= 1, !path.isEmpty else {
            throw FormatError(file: file, location: location, field: field,
                              "image name '\(text)' is not of the form N@file with N ≥ 1")
        }
        self.init(path: path, index: n - 1)
    }

    /// RELION's form, `N@path` with N 1-based and zero-padded to 6 digits as RELION writes it.
    public var relionName: String {
        let number = String(index + 1)
        return String(repeating: "0", count: max(0, 6 - number.count)) + number + "@" + path
    }

    public var description: String { relionName }
}

extension MRCReader {
    /// Reads the images at `locations` (any files, any order), opening each stack once and
    /// reading each one's images in increasing file order; results come back in the order asked.
    /// Relative paths are resolved against `folder` when given.
    public static func readImages(at locations: [ImageLocation], relativeTo folder: String? = nil) throws -> [Image2D] {
        var result = [Image2D?](repeating: nil, count: locations.count)
        let byFile = Dictionary(grouping: locations.indices, by: { locations[$0].path })
        for path in byFile.keys.sorted() {
            let positions = byFile[path]!
            let resolved = (folder != nil && !path.hasPrefix("/")) ? folder! + "/" + path : path
            let reader = try MRCReader(path: resolved)
            let images = try reader.images(at: positions.map { locations[$0].index })
            for (position, image) in zip(positions, images) { result[position] = image }
        }
        return result.map { $0! }
    }
}
