import FoveaCore

/// Columns of cisTEM's text STAR file (`cis:src/core/cistem_parameters.cpp`) that Fovea interprets;
/// others (beam tilt, image shift, exposures, original positions, file names …) are kept as extras.
private enum CisTEMColumn {
    static let position = "cisTEMPositionInStack"
    static let psi = "cisTEMAnglePsi", theta = "cisTEMAngleTheta", phi = "cisTEMAnglePhi"
    static let shiftX = "cisTEMXShift", shiftY = "cisTEMYShift"
    static let defocus1 = "cisTEMDefocus1", defocus2 = "cisTEMDefocus2", defocusAngle = "cisTEMDefocusAngle"
    static let phaseShift = "cisTEMPhaseShift", activity = "cisTEMImageActivity"
    static let occupancy = "cisTEMOccupancy", logP = "cisTEMLogP", sigma = "cisTEMSigma"
    static let score = "cisTEMScore", scoreChange = "cisTEMScoreChange"
    static let pixelSize = "cisTEMPixelSize", voltage = "cisTEMMicroscopeVoltagekV", cs = "cisTEMMicroscopeCsMM"
    static let amplitudeContrast = "cisTEMAmplitudeContrast", subset = "cisTEMAssignedSubset"
    static let stack = "cisTEMStackFilename"

    static let interpreted: Set<String> = [
        position, psi, theta, phi, shiftX, shiftY, defocus1, defocus2, defocusAngle, phaseShift, activity,
        occupancy, logP, sigma, score, scoreChange, pixelSize, voltage, cs, amplitudeContrast, subset, stack,
    ]
}

extension ParticleTable {
    /// Reads a cisTEM STAR file (one class per file; its per-class values become `classValues[0]`).
    ///
    /// Required: position in stack, the three angles, X/Y shift, defocus 1/2, pixel size, voltage,
    /// Cs. Missing optional columns take cisTEM's defaults (defocus angle 0, phase shift 0,
    /// occupancy 100, LogP 100, σ 10, score 0, amplitude contrast 0.07, active, subset 0).
    /// - Parameter stackPath: the particle stack, used unless the file has `_cisTEMStackFilename`.
    public init(cisTEMStarAt path: String, stackPath: String) throws {
        try self.init(cisTEM: try StarParser.parse(contentsOf: path), file: path, stackPath: stackPath)
    }

    public init(cisTEM document: StarDocument, file: String, stackPath: String) throws {
        guard let block = document.blocks.first(where: { $0.table?.columnIndex(CisTEMColumn.position) != nil })
            ?? document.blocks.first(where: { $0.table != nil }) else {
            throw FormatError(file: file, "no loop_ table found")
        }
        let c = try StarColumnReader(file: file, block: block)
        typealias K = CisTEMColumn
        let position = try c.require(K.position)
        let psi = try c.require(K.psi), theta = try c.require(K.theta), phi = try c.require(K.phi)
        let shiftX = try c.require(K.shiftX), shiftY = try c.require(K.shiftY)
        let defocus1 = try c.require(K.defocus1), defocus2 = try c.require(K.defocus2)
        let pixelSize = try c.require(K.pixelSize), voltage = try c.require(K.voltage), cs = try c.require(K.cs)
        let defocusAngle = c.optional(K.defocusAngle), phaseShift = c.optional(K.phaseShift)
        let activity = c.optional(K.activity), subset = c.optional(K.subset), stack = c.optional(K.stack)
        let amplitude = c.optional(K.amplitudeContrast)
        let occupancy = c.optional(K.occupancy), logP = c.optional(K.logP), sigma = c.optional(K.sigma)
        let score = c.optional(K.score), scoreChange = c.optional(K.scoreChange)
        let extraIndices = c.loop.columns.indices.filter { !K.interpreted.contains(c.loop.columns[$0]) }

        var particles: [ParticleRecord] = []
        particles.reserveCapacity(c.rowCount)
        for row in 0..<c.rowCount {
            let number = try c.int(position, row)
            guard number >= 1 else { throw c.error(position, row, "position in stack \(number) must be ≥ 1") }
            let angles = ParticleTableConventions.angles(
                psi: try c.double(psi, row), theta: try c.double(theta, row), phi: try c.double(phi, row))
            let values = ClassValues(
                occupancy: try c.double(occupancy, row, default: 100), logP: try c.double(logP, row, default: 100),
                sigma: try c.double(sigma, row, default: 10), score: try c.double(score, row, default: 0),
                scoreChange: try c.double(scoreChange, row, default: 0))
            particles.append(ParticleRecord(
                image: ImageLocation(path: stack.map { c.text($0, row) } ?? stackPath, index: number - 1),
                angles: EulerAngles(phi: angles.phi, theta: angles.theta, psi: angles.psi),
                shiftX: ParticleTableConventions.shift(fromCisTEM: try c.double(shiftX, row)),
                shiftY: ParticleTableConventions.shift(fromCisTEM: try c.double(shiftY, row)),
                defocusU: try c.double(defocus1, row, in: .defocus), defocusV: try c.double(defocus2, row, in: .defocus),
                astigmatismAngle: try c.double(defocusAngle, row, default: 0, in: .angle),
                phaseShift: ParticleTableConventions.phaseShift(
                    fromCisTEMDegrees: try c.double(phaseShift, row, default: 0, in: .angle)),
                voltage: try c.double(voltage, row, in: .voltage),
                sphericalAberration: try c.double(cs, row, in: .sphericalAberration),
                amplitudeContrast: try c.double(amplitude, row, default: 0.07, in: .amplitudeContrast),
                pixelSize: try c.double(pixelSize, row, in: .pixelSize),
                halfSet: try c.halfSet(subset, row),
                isActive: ParticleTableConventions.isActive(cisTEMActivity: try c.int(activity, row, default: 1)),
                classValues: [values], extraValues: extraIndices.map { c.text($0, row) }))
        }
        self.init(particles: particles, extraColumns: extraIndices.map { c.loop.columns[$0] })
    }

    /// Writes class `classIndex` of the table as a cisTEM STAR file (atomically). Particles with
    /// no values for that class get `ClassValues()`. `_cisTEMStackFilename` is written when the
    /// particles come from more than one stack or `writeStackNames` is set.
    /// `whiteProtein`: the images' contrast, written as a comment line that cisTEM skips and Fovea
    /// reads back (`ParticleTableConventions.imageContrastComment`); nil writes none.
    public func writeCisTEMStar(to path: String, classIndex: Int = 0, writeStackNames: Bool = false,
                                whiteProtein: Bool? = nil) throws {
        try StarWriter.write(cisTEMDocument(classIndex: classIndex, writeStackNames: writeStackNames), to: path,
                             comment: ["Written by Fovea (cisTEM STAR layout; phase shift in degrees)"]
                                + (whiteProtein.map { [ParticleTableConventions.imageContrastComment(whiteProtein: $0)] } ?? []))
    }

    /// The cisTEM STAR document of class `classIndex` (block `data_`, as cisTEM writes it).
    public func cisTEMDocument(classIndex: Int = 0, writeStackNames: Bool = false) -> StarDocument {
        typealias K = CisTEMColumn
        let n = StarNumber.text
        let stacks = Set(particles.map(\.image.path))
        let withStacks = writeStackNames || stacks.count > 1
        let columns = [K.position, K.psi, K.theta, K.phi, K.shiftX, K.shiftY, K.defocus1, K.defocus2,
                       K.defocusAngle, K.phaseShift, K.activity, K.occupancy, K.logP, K.sigma, K.score,
                       K.scoreChange, K.pixelSize, K.voltage, K.cs, K.amplitudeContrast, K.subset]
            + (withStacks ? [K.stack] : []) + extraColumns
        let rows = particles.map { p -> [String] in
            let v = classIndex < p.classValues.count ? p.classValues[classIndex] : ClassValues()
            var row = [String(p.image.index + 1), n(p.angles.psi), n(p.angles.theta), n(p.angles.phi),
                       n(ParticleTableConventions.cisTEMShift(fromShift: p.shiftX)),
                       n(ParticleTableConventions.cisTEMShift(fromShift: p.shiftY)),
                       n(p.defocusU), n(p.defocusV), n(p.astigmatismAngle),
                       n(ParticleTableConventions.cisTEMPhaseShiftDegrees(fromPhaseShift: p.phaseShift)),
                       String(ParticleTableConventions.cisTEMActivity(isActive: p.isActive)),
                       n(v.occupancy), n(v.logP), n(v.sigma), n(v.score), n(v.scoreChange),
                       n(p.pixelSize), n(p.voltage), n(p.sphericalAberration), n(p.amplitudeContrast),
                       String(p.halfSet)]
            if withStacks { row.append(p.image.path) }
            return row + p.extraValues
        }
        return StarDocument(blocks: [StarBlock(name: "", loops: [StarLoop(columns: columns, rows: rows)])])
    }
}
