import FoveaCore
import FoveaDistributed

/// One particle as the engine receives it: the raw image and its fixed alignment and CTF.
///
/// Frames: `image` is N×N pixels at `image.pixelSize` Å; `angles` are the ZYZ Euler angles of
/// docs/conventions.md; (`shiftX`, `shiftY`) in Å are the position of the particle centre relative
/// to the box centre (cisTEM/Frealign sign; RELION's rlnOriginXAngst = −shiftX).
public struct ParticleInput: Sendable {
    public var image: Image2D
    public var angles: EulerAngles
    public var shiftX: Double
    public var shiftY: Double
    public var ctf: CTFParameters
    /// Half set of the particle (all its expanded copies share it).
    public var halfSet: HalfSet
    /// 0-based position of the particle in the whole input table (not this rank's shard).
    public var globalIndex: Int
    /// Inactive particles keep their occupancies and are not inserted.
    public var isActive: Bool
    /// Noise group (0-based, the same numbering on every rank): particles of one group share a
    /// whitening filter (`GroupWhitening`).
    public var noiseGroup: Int

    public init(image: Image2D, angles: EulerAngles, shiftX: Double, shiftY: Double, ctf: CTFParameters,
                halfSet: HalfSet, globalIndex: Int, isActive: Bool = true, noiseGroup: Int = 0) {
        self.image = image; self.angles = angles; self.shiftX = shiftX; self.shiftY = shiftY
        self.ctf = ctf; self.halfSet = halfSet; self.globalIndex = globalIndex; self.isActive = isActive
        self.noiseGroup = noiseGroup
    }
}

extension ParticleInput {
    /// Everything but the image.
    public var alignment: ParticleAlignment {
        ParticleAlignment(angles: angles, shiftX: shiftX, shiftY: shiftY, ctf: ctf, halfSet: halfSet,
                          globalIndex: globalIndex, isActive: isActive, noiseGroup: noiseGroup)
    }
}

/// One particle's fixed alignment, CTF and bookkeeping, without its image (the engine reads the
/// images from a `ParticleImageSource`). Frames and units as `ParticleInput`.
public struct ParticleAlignment: Sendable {
    public var angles: EulerAngles
    public var shiftX: Double
    public var shiftY: Double
    public var ctf: CTFParameters
    public var halfSet: HalfSet
    public var globalIndex: Int
    public var isActive: Bool
    public var noiseGroup: Int

    public init(angles: EulerAngles, shiftX: Double, shiftY: Double, ctf: CTFParameters, halfSet: HalfSet,
                globalIndex: Int, isActive: Bool = true, noiseGroup: Int = 0) {
        self.angles = angles; self.shiftX = shiftX; self.shiftY = shiftY; self.ctf = ctf
        self.halfSet = halfSet; self.globalIndex = globalIndex; self.isActive = isActive; self.noiseGroup = noiseGroup
    }
}

/// Where a rank keeps its prepared particles between cycles.
public enum ParticleStorage: Sendable, Equatable {
    /// In memory: each particle's whitened spectrum and CTF within the disc of frequencies the
    /// cycles read (at most the size of its raw image).
    case memory
    /// Not kept: every cycle reads the images from their source and prepares them again, `chunk`
    /// particles at a time (twice per cycle: likelihood, then reconstruction), for shards larger
    /// than memory. `chunk` 0 = about 32 MiB of images per chunk.
    case streaming(chunk: Int)
}

/// Errors found in the engine's inputs before any work (every rank sees the same values and throws
/// the same error, unless it comes wrapped in a `RankFailure` from `Communicator.agreeing`: then
/// only the rank that found it in its own particles reports it).
public struct EngineInputError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
