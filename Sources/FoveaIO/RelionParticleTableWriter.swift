extension ParticleTable {
    /// Writes the table as a RELION STAR file (atomically). RELION has no active flag nor
    /// per-class columns: every particle is written, `classValues` are not.
    public func writeRelionStar(to path: String, version: RelionStarVersion = .relion31) throws {
        let comment = version == .relion31 ? ["version 30001"] : []
        try StarWriter.write(try relionDocument(version: version, file: path), to: path, comment: comment)
    }

    /// The RELION STAR document of this table.
    /// - 3.1+: `data_optics` (one row per optics group; all particles of a group must agree on
    ///   voltage, Cs, amplitude contrast, pixel size and image size) and `data_particles` with
    ///   rlnOriginXAngst/YAngst.
    /// - 3.0: one `data_images` table with optics columns per particle, rlnOriginX/Y in pixels,
    ///   pixel size as rlnDetectorPixelSize/rlnMagnification (3.0 has no rlnImagePixelSize).
    /// - Throws: `FormatError` when a group's optics disagree, or a 3.0 file needs a pixel size
    ///   that is unknown.
    public func relionDocument(version: RelionStarVersion, file: String = "") throws -> StarDocument {
        let n = StarNumber.text
        let writeSubset = particles.contains { $0.halfSet != 0 }
        var columns = ["rlnImageName", "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi"]
        columns += version == .relion31 ? ["rlnOriginXAngst", "rlnOriginYAngst"] : ["rlnOriginX", "rlnOriginY"]
        columns += ["rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle", "rlnPhaseShift"]
        if version == .relion30 {
            columns += ["rlnVoltage", "rlnSphericalAberration", "rlnAmplitudeContrast",
                        "rlnDetectorPixelSize", "rlnMagnification"]
        }
        columns += ["rlnOpticsGroup"] + (writeSubset ? ["rlnRandomSubset"] : []) + extraColumns

        var rows: [[String]] = []
        rows.reserveCapacity(particles.count)
        for (i, p) in particles.enumerated() {
            var row = [p.image.relionName, n(p.angles.phi), n(p.angles.theta), n(p.angles.psi)]
            if version == .relion31 {
                row += [n(ParticleTableConventions.relionOriginAngst(fromShift: p.shiftX)),
                        n(ParticleTableConventions.relionOriginAngst(fromShift: p.shiftY))]
            } else {
                guard p.pixelSize > 0 else {
                    throw FormatError(file: file, location: "particle \(i + 1)", field: "rlnOriginX",
                                      "RELION 3.0 origins are in pixels but the pixel size is unknown")
                }
                row += [n(ParticleTableConventions.relionOriginPixels(fromShift: p.shiftX, pixelSize: p.pixelSize)),
                        n(ParticleTableConventions.relionOriginPixels(fromShift: p.shiftY, pixelSize: p.pixelSize))]
            }
            row += [n(p.defocusU), n(p.defocusV), n(p.astigmatismAngle), n(p.phaseShift)]
            if version == .relion30 {
                let (detector, magnification) = ParticleTableConventions.relionDetectorAndMagnification(pixelSize: p.pixelSize)
                row += [n(p.voltage), n(p.sphericalAberration), n(p.amplitudeContrast),
                        n(detector), n(magnification)]
            }
            row.append(String(p.opticsGroup))
            if writeSubset { row.append(String(p.halfSet)) }
            rows.append(row + p.extraValues)
        }
        let particleLoop = StarLoop(columns: columns, rows: rows)
        switch version {
        case .relion30:
            return StarDocument(blocks: [StarBlock(name: "images", loops: [particleLoop])])
        case .relion31:
            return StarDocument(blocks: [StarBlock(name: "optics", loops: [try opticsLoop(file: file)]),
                                         StarBlock(name: "particles", loops: [particleLoop])])
        }
    }

    /// The `data_optics` table: one row per optics group, from the group's first particle.
    private func opticsLoop(file: String) throws -> StarLoop {
        var firstOfGroup: [Int: Int] = [:]
        for (i, p) in particles.enumerated() {
            guard let j = firstOfGroup[p.opticsGroup] else { firstOfGroup[p.opticsGroup] = i; continue }
            let q = particles[j]
            let checks: [(String, Bool)] = [
                ("rlnVoltage", p.voltage == q.voltage), ("rlnSphericalAberration", p.sphericalAberration == q.sphericalAberration),
                ("rlnAmplitudeContrast", p.amplitudeContrast == q.amplitudeContrast),
                ("rlnImagePixelSize", p.pixelSize == q.pixelSize), ("rlnImageSize", p.imageSize == q.imageSize),
            ]
            if let bad = checks.first(where: { !$0.1 }) {
                throw FormatError(file: file, location: "particle \(i + 1)", field: bad.0,
                                  "differs from particle \(j + 1) of the same optics group \(p.opticsGroup); "
                                  + "give them different optics groups")
            }
        }
        let groups = firstOfGroup.keys.sorted()
        var extraKeys: [String] = []
        for g in groups { for pair in opticsExtras[g] ?? [] where !extraKeys.contains(pair.key) { extraKeys.append(pair.key) } }
        if !extraKeys.contains("rlnOpticsGroupName") { extraKeys.insert("rlnOpticsGroupName", at: 0) }
        if !extraKeys.contains("rlnImageDimensionality") { extraKeys.append("rlnImageDimensionality") }
        let writeSize = groups.allSatisfy { particles[firstOfGroup[$0]!].imageSize > 0 }
        let n = StarNumber.text
        var columns = ["rlnOpticsGroup", "rlnVoltage", "rlnSphericalAberration", "rlnAmplitudeContrast", "rlnImagePixelSize"]
        if writeSize { columns.append("rlnImageSize") }
        let rows = groups.map { g -> [String] in
            let p = particles[firstOfGroup[g]!]
            var row = [String(g), n(p.voltage), n(p.sphericalAberration), n(p.amplitudeContrast), n(p.pixelSize)]
            if writeSize { row.append(String(p.imageSize)) }
            let extras = opticsExtras[g] ?? []
            for key in extraKeys {
                if let value = extras.first(where: { $0.key == key })?.value { row.append(value) }
                else if key == "rlnOpticsGroupName" { row.append("opticsGroup\(g)") }
                else if key == "rlnImageDimensionality" { row.append("2") }
                else { row.append("") }
            }
            return row
        }
        return StarLoop(columns: columns + extraKeys, rows: rows)
    }
}
