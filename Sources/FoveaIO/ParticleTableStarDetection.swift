extension ParticleTable {
    /// Reads a particle STAR file of either family, telling them apart by their column names:
    /// `_cisTEM…` columns mean a cisTEM STAR file, otherwise it is read as RELION (3.0 or 3.1+).
    /// - Parameters:
    ///   - stackPath: the particle stack of a cisTEM file without `_cisTEMStackFilename`.
    ///   - pixelSize: Å, for RELION 3.0 files that give none (0: unknown).
    public init(starAt path: String, stackPath: String? = nil, pixelSize: Double = 0) throws {
        let document = try StarParser.parse(contentsOf: path)
        let isCisTEM = document.blocks.contains { block in
            block.loops.contains { loop in loop.columns.contains { $0.hasPrefix("cisTEM") } }
        }
        guard isCisTEM else {
            try self.init(relion: document, file: path, pixelSize: pixelSize)
            return
        }
        let hasStackNames = document.blocks.contains { $0.table?.columnIndex("cisTEMStackFilename") != nil }
        guard stackPath != nil || hasStackNames else {
            throw FormatError(file: path, field: "cisTEMStackFilename",
                              "cisTEM STAR file names no particle stack; give the stack path")
        }
        try self.init(cisTEM: document, file: path, stackPath: stackPath ?? "")
    }
}
