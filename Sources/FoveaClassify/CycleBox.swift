import FoveaCore

/// The grid the classification cycles keep their class volumes on: the data's box (N·p Å a side)
/// sampled with N_r ≤ N voxels, enough to hold every frequency a cycle inserts and the likelihood
/// reads. Fourier pixels of this grid have the data's spacing 1/(N·p), so a particle's
/// frequency (kx, ky) lands on the same grid points as at box N and the accumulator values within
/// the band are the same sums; everything outside the band, which a cycle never fills, is not
/// stored. Accumulators, their Allreduce, the finalisation (half maps, FSC, SSNR) and the
/// reference preparation (outer mask, 3-D masking, subtraction) then cost ∝ N_r³ instead of N³.
/// Only the maps a finished run writes are made at N (`ParticleShard.reconstructAtFullResolution`).
public struct CycleBox: Sendable, Equatable {
    /// N_r, voxels a side (even, ≤ the data's box).
    public let size: Int
    /// The data's box N, pixels.
    public let fullSize: Int
    /// The data's pixel size p, Å.
    public let fullPixelSize: Double

    /// Å per voxel of this grid, p·N/N_r.
    public var pixelSize: Double { fullPixelSize * Double(fullSize) / Double(size) }

    /// The smallest FFT-friendly grid (even, factors 2, 3, 5, 7) that holds the trilinear splat of
    /// every frequency out to `insertionRadius` (box-N Fourier pixels: N_r/2 ≥ ⌊radius⌋ + 2) and is at
    /// least the likelihood box `croppedSize`; the data's box when that is no larger.
    public init(fullSize n: Int, pixelSize p: Double, insertionRadius: Double, croppedSize: Int) {
        let needed = max(croppedSize, 2 * (Int(insertionRadius.rounded(.down)) + 2))
        var size = needed + needed % 2
        while size < n && !Self.isFFTFriendly(size) { size += 2 }
        self.size = min(n, size)
        fullSize = n
        fullPixelSize = p
    }

    /// Whether `n` has no prime factor above 7.
    static func isFFTFriendly(_ n: Int) -> Bool {
        var m = n
        for factor in [2, 3, 5, 7] { while m % factor == 0 { m /= factor } }
        return m == 1
    }

    /// A class map of the data's box (a given reference, a stored full-resolution map) on this
    /// grid, by Fourier cropping; maps already on this grid are returned as they are.
    public func map(_ volume: Volume) -> Volume {
        volume.size == size ? volume : volume.fourierResized(to: size)
    }

    /// A mask of the data's box on this grid (nearest voxel; see `Volume.nearestResampled`).
    public func mask(_ volume: Volume) -> Volume {
        volume.size == size ? volume : volume.nearestResampled(to: size)
    }
}
