import FoveaCore

/// A small synthetic object for tests and checks, built from Gaussian blobs (positions in Å from
/// the map centre, box 48 at 4 Å): a body, a *small* region in one of two positions (the focus
/// target) and a *large* region elsewhere in one of two positions, varying independently of the
/// small one. With `symmetricHalves`, the object is C2 about z (side A at +x, side B at −x) and
/// each half's small region varies on its own. Faster than the humanoid for engine tests.
public struct TwoRegionPhantom: Sendable {
    /// One simulated particle: image, view, shift (Å, particle centre from the box centre, the
    /// cisTEM sign), CTF.
    public struct Particle: Sendable {
        public var image: Image2D
        public var angles: EulerAngles
        public var shiftX: Double
        public var shiftY: Double
        public var ctf: CTFParameters
    }
    public var particles: [Particle]
    /// True state of the small region per particle: [small, large] (0/1); for C2 data the
    /// small region's state per half: [side A, side B].
    public var truth: [[Int]]
    /// The four state maps, index small·2 + large (or sideA·2 + sideB).
    public var maps: [Volume]

    public static let box = 48
    public static let pixel = 4.0
    /// The small region's two positions (Å, map centre origin) and the focus sphere around them.
    public static let smallA = SIMD3<Double>(42, 12, 0), smallB = SIMD3<Double>(42, -12, 0)
    /// The focus sphere around both positions of side A's small region: centre (Å, from the map
    /// centre) and radius (Å).
    public static let focusCentre = SIMD3<Double>(42, 0, 0), focusRadius = 32.0

    static func blob(_ volume: inout Volume, at centre: SIMD3<Double>, sigma: Double, height: Float) {
        let n = volume.size, p = volume.pixelSize
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r = SIMD3(Double(x - n / 2), Double(y - n / 2), Double(z - n / 2)) * p - centre
            let d2 = (r * r).sum()
            volume[x, y, z] += height * Float(Double.exp(-d2 / (2 * sigma * sigma)))
        } } }
    }

    /// The map of state (small, large) ∈ {0,1}²; with `symmetricHalves` small is (sideA, sideB).
    public static func map(small: Int, large: Int, smallB: Int? = nil) -> Volume {
        var v = Volume(size: box, pixelSize: pixel)
        blob(&v, at: .zero, sigma: 22, height: 1)
        if let smallSideB = smallB {
            // C2 about z: side A at +x, side B at −x (x, y → −x, −y).
            blob(&v, at: small == 0 ? Self.smallA : Self.smallB, sigma: 6, height: 1.5)
            let b = smallSideB == 0 ? Self.smallA : Self.smallB
            blob(&v, at: SIMD3(-b.x, -b.y, b.z), sigma: 6, height: 1.5)
        } else {
            blob(&v, at: small == 0 ? Self.smallA : Self.smallB, sigma: 6, height: 1.5)
            blob(&v, at: SIMD3(-30, large == 0 ? 25 : -25, 0), sigma: 13, height: 1)
        }
        return v
    }

    /// `count` particles with independent random small/large states (the large one fixed unless
    /// `largeVaries`), random views, shifts, defocus, white noise to `snr` (the simulator's definition).
    public static func make(count: Int, snr: Double, seed: UInt64, symmetricHalves: Bool = false,
                     largeVaries: Bool = true) -> TwoRegionPhantom {
        var random = SeededRandom(seed: seed)
        let states: [[Int]] = (0..<count).map { _ in [Int(random.next() % 2), Int(random.next() % 2) * (largeVaries ? 1 : 0)] }
        let maps = symmetricHalves
            ? [[0, 0], [0, 1], [1, 0], [1, 1]].map { map(small: $0[0], large: 0, smallB: $0[1]) }
            : [[0, 0], [0, 1], [1, 0], [1, 1]].map { map(small: $0[0], large: $0[1]) }
        let simulators = maps.map { ParticleImageSimulator(projector: FourierProjector(volume: $0, padding: 2)) }
        var particles: [Particle] = []
        var signalVariance = 0.0
        var drafts: [(RotationMatrix, EulerAngles, Double, Double, CTFParameters, Int)] = []
        for i in 0..<count {
            let angles = EulerAngles.uniformRandom(using: &random)
            let defocus = random.uniform(in: 10_000..<25_000)
            let ctf = CTFParameters(defocusU: defocus + 200, defocusV: defocus - 200, astigmatismAngle: 30,
                                    voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.07,
                                    phaseShift: 0, bFactor: 50)
            let (sx, sy) = (random.uniform(in: -6..<6), random.uniform(in: -6..<6))
            let which = states[i][0] * 2 + states[i][1]
            let rotation = RotationMatrix(angles)
            if i < 64 {
                signalVariance += ParticleImageSimulator.variance(
                    of: simulators[which].signalSpectrum(rotation: rotation, shiftX: sx, shiftY: sy, ctf: ctf)) / 64
            }
            drafts.append((rotation, angles, sx, sy, ctf, which))
        }
        for (i, d) in drafts.enumerated() {
            var noise = SeededRandom(seed: seed, stream: UInt64(i + 1))
            let (structural, shot) = ParticleImageSimulator.noiseLevels(
                snr: snr, signalVariance: signalVariance, structuralFraction: 0,
                meanCTFSquared: 1)
            let image = simulators[d.5].image(rotation: d.0, shiftX: d.2, shiftY: d.3, ctf: d.4,
                                              structuralNoise: structural, shotNoise: shot, random: &noise)
            particles.append(Particle(image: image, angles: d.1, shiftX: d.2, shiftY: d.3, ctf: d.4))
        }
        return TwoRegionPhantom(particles: particles, truth: states, maps: maps)
    }
}

