/// A problem with an input or output file, naming the file, where in it (line, record, image,
/// header byte) and the field, so a user can find and fix it.
public struct FormatError: Error, CustomStringConvertible, Equatable {
    /// Path as the user gave it.
    public var file: String
    /// Where in the file, e.g. "line 12", "image 7", "header word 4"; nil for the whole file.
    public var location: String?
    /// The column, field or header entry concerned, e.g. "rlnAngleRot", "mode".
    public var field: String?
    /// What is wrong and, where possible, what to do.
    public var message: String

    public init(file: String, location: String? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.location = location
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if let location { text += ", \(location)" }
        if let field { text += ", field \(field)" }
        return text + ": " + message
    }
}
