import Foundation
import FoveaCore

/// The two fixed-width Frealign `.par` layouts (docs/algorithm.md §10.1).
public enum FrealignParLayout: Sendable {
    /// Frealign 9.12: 16 columns, no PSHIFT; I7,3F8.2,2F10.2,I8,I6,2F9.1,2F8.2,I10,F11.4,2F8.2 (136 characters).
    case frealign16
    /// cisTEM "FrealignX": 17 columns with PSHIFT; I7,3F8.2,2F10.2,I8,I6,2F9.1,3F8.2,I10,F11.4,2F8.2 (144 characters).
    case frealignX17

    /// Field names and widths, in file order.
    var fields: [(name: String, width: Int)] {
        let head = [("NO", 7), ("PSI", 8), ("THETA", 8), ("PHI", 8), ("SHX", 10), ("SHY", 10), ("MAG", 8),
                    ("INCLUDE", 6), ("DF1", 9), ("DF2", 9), ("ANGAST", 8)]
        let tail = [("OCC", 8), ("LogP", 10), ("SIGMA", 11), ("SCORE", 8), ("CHANGE", 8)]
        return head + (self == .frealignX17 ? [("PSHIFT", 8)] : []) + tail
    }

    /// Length of a data line written with the Fortran format.
    var lineLength: Int { fields.reduce(0) { $0 + $1.width } }
}

extension ParticleTable {
    /// Names of the extra columns that keep .par values Fovea does not interpret (MAG, and the
    /// film number of Frealign's column 8), so .par → table → .par is exact.
    public static let parMagnificationColumn = "parMAG"
    public static let parFilmColumn = "parFILM"

    /// Reads a Frealign `.par` file of either layout (one class; values go to `classValues[0]`).
    ///
    /// Lines starting with `C` are comments; blank lines are skipped. A data line of exactly 136 or
    /// 144 characters is cut at the fixed Fortran field widths (so fields that touch still read);
    /// other lines are split on white space into 16 or 17 values. Every data line must have the
    /// layout of the first. `.par` files hold no stack name, pixel size or optics: pass them.
    public init(frealignParAt path: String, stackPath: String, pixelSize: Double, voltage: Double,
                sphericalAberration: Double, amplitudeContrast: Double) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(file: path, "cannot read the file (missing or unreadable)")
        }
        let optics: [(String, Double, PhysicalRange)] = [
            ("pixel size", pixelSize, .pixelSize), ("voltage", voltage, .voltage),
            ("spherical aberration", sphericalAberration, .sphericalAberration),
            ("amplitude contrast", amplitudeContrast, .amplitudeContrast),
        ]
        for (name, value, range) in optics where !range.contains(value) {
            throw FormatError(file: path, field: name, range.complaint(about: value) + " (a .par file takes its optics from the options)")
        }
        var particles: [ParticleRecord] = []
        var layout: FrealignParLayout?
        var lineNumber = 0
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }   // a UTF-8 byte-order mark
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = raw
            while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line = line.dropLast() }
            if line.isEmpty || line.first == UInt8(ascii: "C") || line.first == UInt8(ascii: "c") { continue }
            let location = "line \(lineNumber)"
            if let bad = line.firstIndex(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
                throw FormatError(file: path, location: location,
                                  "control character 0x\(String(line[bad], radix: 16, uppercase: true)) at byte "
                                  + "\(bad - line.startIndex + 1) of the line; a .par file is plain text (binary or damaged file?)")
            }
            let (values, lineLayout) = try Self.parFields(line, file: path, location: location)
            if let layout, layout != lineLayout {
                throw FormatError(file: path, location: location,
                                  "line has \(lineLayout == .frealignX17 ? 17 : 16) columns but earlier lines have "
                                  + "\(layout == .frealignX17 ? 17 : 16)")
            }
            layout = lineLayout
            let names = lineLayout.fields.map(\.name)
            func number(_ name: String, in range: PhysicalRange? = nil) throws -> Double {
                let text = values[names.firstIndex(of: name)!]
                guard let v = Double(text), v.isFinite else {
                    throw FormatError(file: path, location: location, field: name, "'\(text)' is not a number")
                }
                if let range, !range.contains(v) {
                    throw FormatError(file: path, location: location, field: name, range.complaint(about: v))
                }
                return v
            }
            func integer(_ name: String) throws -> Int {
                let text = values[names.firstIndex(of: name)!]
                guard let v = Int(text) else {
                    throw FormatError(file: path, location: location, field: name, "'\(text)' is not an integer")
                }
                return v
            }
            let position = try integer("NO")
            guard position >= 1 else {
                throw FormatError(file: path, location: location, field: "NO", "particle number \(position) must be ≥ 1")
            }
            let film = try integer("INCLUDE")
            let angles = ParticleTableConventions.angles(psi: try number("PSI"), theta: try number("THETA"), phi: try number("PHI"))
            particles.append(ParticleRecord(
                image: ImageLocation(path: stackPath, index: position - 1),
                angles: EulerAngles(phi: angles.phi, theta: angles.theta, psi: angles.psi),
                shiftX: ParticleTableConventions.shift(fromCisTEM: try number("SHX")),
                shiftY: ParticleTableConventions.shift(fromCisTEM: try number("SHY")),
                defocusU: try number("DF1", in: .defocus), defocusV: try number("DF2", in: .defocus),
                astigmatismAngle: try number("ANGAST", in: .angle),
                phaseShift: lineLayout == .frealignX17
                    ? ParticleTableConventions.phaseShift(fromCisTEMDegrees: try number("PSHIFT", in: .angle)) : 0,
                voltage: voltage, sphericalAberration: sphericalAberration, amplitudeContrast: amplitudeContrast,
                pixelSize: pixelSize, isActive: ParticleTableConventions.isActive(cisTEMActivity: film),
                classValues: [ClassValues(occupancy: try number("OCC"), logP: Double(try integer("LogP")),
                                          sigma: try number("SIGMA"), score: try number("SCORE"),
                                          scoreChange: try number("CHANGE"))],
                extraValues: [String(try integer("MAG")), String(film)]))
        }
        self.init(particles: particles, extraColumns: [Self.parMagnificationColumn, Self.parFilmColumn])
    }

    /// The field texts of one data line and its layout.
    private static func parFields(_ line: ArraySlice<UInt8>, file: String, location: String) throws -> ([String], FrealignParLayout) {
        func text(_ bytes: ArraySlice<UInt8>) -> String {
            String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        // Fixed-width fields are cut on bytes: the Fortran formats count bytes, and a damaged line
        // of multi-byte characters must not be cut inside a character count it does not have.
        for layout in [FrealignParLayout.frealign16, .frealignX17] where line.count == layout.lineLength {
            var fields: [String] = []
            var start = line.startIndex
            for field in layout.fields {
                fields.append(text(line[start..<(start + field.width)]))
                start += field.width
            }
            return (fields, layout)
        }
        let tokens = line.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { String(decoding: $0, as: UTF8.self) }
        switch tokens.count {
        case 16: return (tokens, .frealign16)
        case 17: return (tokens, .frealignX17)
        default:
            throw FormatError(file: file, location: location,
                              "data line has \(tokens.count) values; a .par line has 16 (Frealign 9.12) or "
                              + "17 (cisTEM FrealignX) columns")
        }
    }

    /// Writes class `classIndex` as a fixed-width `.par` file (atomically), with a `C` header
    /// line. Values are rounded to the Fortran formats (angles and shifts to 0.01, defocus to 0.1,
    /// LogP to an integer). Column 8 is the kept Frealign film number, or 1 / −1 for active /
    /// inactive particles; MAG is the kept value or 0.
    /// - Parameter comments: extra `C` lines written first (e.g. the stack and the image contrast).
    public func writeFrealignPar(to path: String, layout: FrealignParLayout, classIndex: Int = 0, comments: [String] = []) throws {
        let header = layout == .frealignX17
            ? "C           PSI   THETA     PHI       SHX       SHY     MAG  INCLUDE   DF1      DF2  ANGAST  PSHIFT     OCC      LogP      SIGMA   SCORE  CHANGE"
            : "C           PSI   THETA     PHI       SHX       SHY     MAG  FILM      DF1      DF2  ANGAST     OCC      LogP      SIGMA   SCORE  CHANGE"
        var text = comments.map { "C " + $0 + "\n" }.joined() + header + "\n"
        let magColumn = extraColumns.firstIndex(of: Self.parMagnificationColumn)
        let filmColumn = extraColumns.firstIndex(of: Self.parFilmColumn)
        for (i, p) in particles.enumerated() {
            let v = classIndex < p.classValues.count ? p.classValues[classIndex] : ClassValues()
            let mag = magColumn.flatMap { Int(p.extraValues[$0]) } ?? 0
            var film = filmColumn.flatMap { Int(p.extraValues[$0]) } ?? 1
            if ParticleTableConventions.isActive(cisTEMActivity: film) != p.isActive {
                film = ParticleTableConventions.cisTEMActivity(isActive: p.isActive)
            }
            let par = ParticleTableConventions.parAngles(phi: p.angles.phi, theta: p.angles.theta, psi: p.angles.psi)
            var line = String(format: "%7d%8.2f%8.2f%8.2f%10.2f%10.2f%8d%6d%9.1f%9.1f%8.2f",
                              p.image.index + 1, par.psi, par.theta, par.phi,
                              ParticleTableConventions.cisTEMShift(fromShift: p.shiftX),
                              ParticleTableConventions.cisTEMShift(fromShift: p.shiftY),
                              mag, film, p.defocusU, p.defocusV, p.astigmatismAngle)
            if layout == .frealignX17 {
                line += String(format: "%8.2f", ParticleTableConventions.cisTEMPhaseShiftDegrees(fromPhaseShift: p.phaseShift))
            }
            // LogP is an integer field of 10 characters: a value beyond Int cannot fit it either.
            guard abs(v.logP) < 1e15 else {
                throw FormatError(file: path, location: "particle \(i + 1)", field: "LogP",
                                  "LogP \(v.logP) does not fit the fixed-width .par field")
            }
            line += String(format: "%8.2f%10d%11.4f%8.2f%8.2f", v.occupancy, Int(v.logP.rounded()), v.sigma, v.score, v.scoreChange)
            guard line.utf8.count == layout.lineLength else {
                throw FormatError(file: path, location: "particle \(i + 1)",
                                  "a value does not fit its fixed-width .par field: \(line)")
            }
            text += line + "\n"
        }
        try AtomicFileWriter.write(Data(text.utf8), to: path)
    }
}
