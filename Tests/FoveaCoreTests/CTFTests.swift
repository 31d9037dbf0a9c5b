import Foundation
import FoveaCore
import Testing

@Suite struct CTFTests {
    static let examples: [CTFParameters] = [
        CTFParameters(defocusU: 12000, defocusV: 9000, astigmatismAngle: 35, voltage: 300,
                      sphericalAberration: 2.7, amplitudeContrast: 0.1),
        CTFParameters(defocusU: 15000, defocusV: 19000, astigmatismAngle: -70, voltage: 300,
                      sphericalAberration: 2.7, amplitudeContrast: 0.07, phaseShift: 40, bFactor: 60),
        CTFParameters(defocusU: 8000, defocusV: 7900, astigmatismAngle: 130, voltage: 200,
                      sphericalAberration: 0.01, amplitudeContrast: 1.0),
    ]

    /// The formula as cisTEM writes it (docs/algorithm.md §1.4), everything in pixels and 1/pixel, with α
    /// from atan2 and the amplitude term atan(A/√(1 − A²)) (π/2 at A = 1).
    static func cisTEMStyle(_ c: CTFParameters, i: Int, j: Int, size n: Int, pixelSize p: Double) -> Double {
        let volts = c.voltage * 1000
        let lambdaPixels = 12.2639 / (volts + 0.97845e-6 * volts * volts).squareRoot() / p
        let csPixels = c.sphericalAberration * 1e7 / p
        let (fx, fy) = (Double(i) / Double(n), Double(j) / Double(n))
        let f2 = fx * fx + fy * fy
        let alpha = (i == 0 && j == 0) ? 0 : atan2(fy, fx)
        let defocusPixels = 0.5 * (c.defocusU + c.defocusV + cos(2 * (alpha - c.astigmatismAngle * .pi / 180))
                                   * (c.defocusU - c.defocusV)) / p
        let a = c.amplitudeContrast
        let amplitudePhase = a >= 1 ? Double.pi / 2 : atan(a / (1 - a * a).squareRoot())
        let chi = Double.pi * lambdaPixels * f2 * (defocusPixels - 0.5 * lambdaPixels * lambdaPixels * f2 * csPixels)
            + c.phaseShift * .pi / 180 + amplitudePhase
        let envelope = exp(-c.bFactor * f2 / (p * p) / 4)
        return -sin(chi) * envelope
    }

    @Test(arguments: [(32, 1.1), (24, 2.0), (17, 3.3)])
    func halfPlaneGridMatchesIndependentFormula(size: Int, pixelSize: Double) {
        for ctf in Self.examples {
            let grid = ctf.halfPlaneGrid(size: size, pixelSize: pixelSize)
            let columns = size / 2 + 1
            #expect(grid.count == columns * size)
            var worst = 0.0
            for j in 0..<size {
                let ky = j < (size + 1) / 2 ? j : j - size
                for i in 0..<columns {
                    let expected = Self.cisTEMStyle(ctf, i: i, j: ky, size: size, pixelSize: pixelSize)
                    worst = max(worst, abs(Double(grid[i + columns * j]) - expected))
                    let direct = ctf.value(kx: Double(i) / (Double(size) * pixelSize),
                                           ky: Double(ky) / (Double(size) * pixelSize))
                    worst = max(worst, abs(direct - expected))
                }
            }
            #expect(worst < 1e-4, "worst difference \(worst)")
        }
    }

    @Test func analyticValues() {
        // At k = 0 only the constant phase remains: CTF = −sin(asin A + φ).
        let c = Self.examples[0]
        #expect(abs(c.value(kx: 0, ky: 0) + 0.1) < 1e-12)
        #expect(abs(Self.examples[1].value(kx: 0, ky: 0) + sin(asin(0.07) + 40 * .pi / 180)) < 1e-12)
        // 300 kV: λ = 0.019687 Å (cisTEM's constants).
        #expect(abs(CTFParameters.electronWavelength(kilovolts: 300) - 0.0196875) < 1e-6)
        // Along the U axis the defocus is ΔfU: the first zero (χ = π, Cs = 0, A = 0) is at |k|² = 1/(λ·ΔfU).
        let noCs = CTFParameters(defocusU: 20000, defocusV: 10000, astigmatismAngle: 30, voltage: 300,
                                 sphericalAberration: 0, amplitudeContrast: 0)
        let k = (1 / (noCs.wavelength * 20000)).squareRoot()
        #expect(abs(noCs.value(kx: k * cos(.pi / 6), ky: k * sin(.pi / 6))) < 1e-9)
        #expect(abs(noCs.phase(kx: k * cos(.pi / 6), ky: k * sin(.pi / 6)) - .pi) < 1e-9)
    }

    /// RELION's CTF, extracted by projecting a random map with and without `relion_project --ctf`
    /// and dividing the two 2-D transforms where the plain projection is not tiny. RELION applies
    /// +sin χ (the negative of our CTF) and its own wavelength constants.
    @Test func matchesRelionProjectCTF() throws {
        let folder = try GeometryRelion.temporaryFolder("ctf")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (n, pixelSize) = (20, 2.0)
        var random = SeededRandom(seed: 11)
        var map = [Float](repeating: 0, count: n * n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r2 = (x - n / 2) * (x - n / 2) + (y - n / 2) * (y - n / 2) + (z - n / 2) * (z - n / 2)
            if r2 < (n / 2 - 2) * (n / 2 - 2) { map[x + n * (y + n * z)] = Float(random.gaussian()) }
        } } }
        try GeometryMRC.write(map, nx: n, ny: n, nz: n, pixelSize: pixelSize, to: folder.appendingPathComponent("map.mrc"))
        var star = "\ndata_\n\nloop_\n_rlnAngleRot #1\n_rlnAngleTilt #2\n_rlnAnglePsi #3\n_rlnOriginX #4\n_rlnOriginY #5\n"
            + "_rlnDefocusU #6\n_rlnDefocusV #7\n_rlnDefocusAngle #8\n_rlnVoltage #9\n_rlnSphericalAberration #10\n"
            + "_rlnAmplitudeContrast #11\n_rlnPhaseShift #12\n_rlnCtfBfactor #13\n_rlnImageName #14\n"
            + "_rlnMagnification #15\n_rlnDetectorPixelSize #16\n"
        for (s, c) in Self.examples.enumerated() {
            star += "10 20 30 0 0 \(c.defocusU) \(c.defocusV) \(c.astigmatismAngle) \(c.voltage) \(c.sphericalAberration) "
                + "\(c.amplitudeContrast) \(c.phaseShift) \(c.bFactor) \(s + 1)@x.mrcs 10000 \(pixelSize)\n"
        }
        try star.write(to: folder.appendingPathComponent("angles.star"), atomically: true, encoding: .utf8)
        for (output, extra) in [("plain", [String]()), ("withctf", ["--ctf"])] {
            try GeometryRelion.run("relion_project", ["--i", "map.mrc", "--o", output, "--ang", "angles.star",
                                                      "--angpix", "\(pixelSize)"] + extra, in: folder)
        }
        let plain = try GeometryMRC.read(folder.appendingPathComponent("plain.mrcs"))
        let withCTF = try GeometryMRC.read(folder.appendingPathComponent("withctf.mrcs"))
        #expect(plain.nx == n && plain.nz == Self.examples.count && withCTF.nz == Self.examples.count)
        let columns = n / 2 + 1
        for (s, ctf) in Self.examples.enumerated() {
            let slice = { (values: [Float]) in Array(values[(s * n * n)..<((s + 1) * n * n)]) }
            let a = naiveHalfPlaneDFT(slice(plain.values), size: n)
            let b = naiveHalfPlaneDFT(slice(withCTF.values), size: n)
            let largest = a.map { ($0.re * $0.re + $0.im * $0.im).squareRoot() }.max()!
            var relionCTF = ctf
            relionCTF.wavelength = CTFParameters.relionElectronWavelength(kilovolts: ctf.voltage)
            let ours = relionCTF.halfPlaneGrid(size: n, pixelSize: pixelSize)
            let cisTEMWavelength = ctf.halfPlaneGrid(size: n, pixelSize: pixelSize)
            var (compared, worst, worstCisTEM) = (0, 0.0, 0.0)
            for index in 0..<(columns * n) {
                let (ar, ai) = a[index], (br, bi) = b[index]
                let power = ar * ar + ai * ai
                guard power.squareRoot() > 1e-3 * largest else { continue }  // outside RELION's Nyquist disc
                let ratioRe = (br * ar + bi * ai) / power
                let ratioIm = (bi * ar - br * ai) / power
                #expect(abs(ratioIm) < 1e-4)
                worst = max(worst, abs(ratioRe + Double(ours[index])))  // RELION = −ours
                worstCisTEM = max(worstCisTEM, abs(ratioRe + Double(cisTEMWavelength[index])))
                compared += 1
            }
            #expect(compared > columns * n / 2)
            #expect(worst < 1e-4, "example \(s): worst |RELION + ours| = \(worst) over \(compared) samples")
            #expect(worstCisTEM < 5e-3, "example \(s): with cisTEM's wavelength \(worstCisTEM)")
            print("CTF example \(s): \(compared) samples, max |RELION + CTF| = \(worst) (RELION λ), \(worstCisTEM) (cisTEM λ)")
        }
    }
}
