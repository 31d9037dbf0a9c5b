import FoveaCore

/// Where a rank's raw particle images come from, in chunks: the engine reads them when it prepares
/// the particles (twice: noise spectrum, then preparation), for the full-resolution reconstruction
/// at the end of a run, and every cycle when it streams. `fovea classify` reads them from the
/// stacks on disk (FoveaRun's `StackImageSource`); tests and library users can hand them over in
/// memory (`InMemoryParticleImages`).
public protocol ParticleImageSource: Sendable {
    /// Number of local particles.
    var count: Int { get }
    /// Box N of every image, pixels.
    var boxSize: Int { get }
    /// Pixel size of every image, Å.
    var pixelSize: Double { get }
    /// The raw pixels of local particles `range`, in order: N² values each, x fastest (MRC order),
    /// contrast as the engine expects (protein dark). Throws with the file and particle on a read error.
    func images(_ range: Range<Int>) throws -> [[Float]]
}

/// Images held in memory (N² Float each).
public struct InMemoryParticleImages: ParticleImageSource {
    public let pixels: [[Float]]
    public let boxSize: Int
    public let pixelSize: Double
    public var count: Int { pixels.count }

    public init(pixels: [[Float]], boxSize: Int, pixelSize: Double) {
        precondition(pixels.allSatisfy { $0.count == boxSize * boxSize }, "Every image needs N² pixels")
        self.pixels = pixels; self.boxSize = boxSize; self.pixelSize = pixelSize
    }

    public func images(_ range: Range<Int>) throws -> [[Float]] { Array(pixels[range]) }
}
