import FoveaCore

/// The class references of one cycle, ready for slicing at the classification box N_c
/// (docs/algorithm.md §4): per class a Fourier projector of the (optionally 3-D-masked) volume
/// under a soft outer sphere, and for signal subtraction the projector of the density outside
/// the focus region.
struct PreparedReferences: Sendable {
    /// One projector per class, binned to N_c.
    let projectors: [FourierProjector]
    /// `subtract` only: the occupancy-weighted mean class volume times (1 − soft focus mask).
    let outsideProjector: FourierProjector?

    /// Soft edge of the outer spherical mask on references, Å (cisTEM's refine3d falloff).
    static let outerMaskFalloff = 20.0

    /// Padding of the reference projectors: 1, as cisTEM's refine3d (trilinear slices of the
    /// sinc²-corrected N³ transform). Padding 2 halves the interpolation error but made slicing
    /// 2.7× slower at N_c = 64; the two gave the same kappa to 0.001 on the demo data.
    static let projectorPadding = 1

    /// - Parameters:
    ///   - volumes: the K class volumes (box N, pixel p).
    ///   - focusMask: the 3-D focus region (binary or soft, box N), needed for `3d` and `subtract`.
    ///   - classWeights: class priors, used for the consensus (mean) volume of `subtract` and of
    ///     `3d` with `--mask-outside consensus`.
    static func prepare(volumes: [Volume], config: ClassificationConfig, focusMask: Volume?,
                        classWeights: [Double], croppedSize: Int) -> PreparedReferences {
        let n = volumes[0].size, p = volumes[0].pixelSize
        let outerEdge = CosineEdge(radius: config.outerRadius / p, width: outerMaskFalloff / p)
        func projector(_ volume: Volume) -> FourierProjector {
            var masked = volume
            masked.applySphericalMask(outerEdge, fill: .value(0))
            return FourierProjector(volume: masked, padding: projectorPadding).binned(to: croppedSize)
        }
        switch config.focus {
        case .none, .twoD:
            return PreparedReferences(projectors: volumes.map(projector), outsideProjector: nil)
        case .threeD:
            let settings = config.referenceMask
            let consensus = settings.outsideSource == .consensus ? consensusVolume(volumes, classWeights) : nil
            let masked = volumes.map {
                ReferenceMasking.apply(to: $0, mask: focusMask!, settings: settings, lowPass: lowPassFilter,
                                       outside: consensus)
            }
            return PreparedReferences(projectors: masked.map(projector), outsideProjector: nil)
        case .subtract:
            let soft = ReferenceMasking.softMask(focusMask!, edgeWidth: config.referenceMask.edge)
            let inside = volumes.map { volume in
                Volume(size: n, pixelSize: p, voxels: zip(volume.voxels, soft.voxels).map { $0 * $1 })
            }
            let mean = consensusVolume(volumes, classWeights).voxels
            let outside = Volume(size: n, pixelSize: p, voxels: zip(mean, soft.voxels).map { $0 * (1 - $1) })
            return PreparedReferences(projectors: inside.map(projector), outsideProjector: projector(outside))
        }
    }

    /// The consensus map: the class volumes weighted by their occupancies `classWeights` (summed
    /// in class order, so every rank gets the same bits).
    static func consensusVolume(_ volumes: [Volume], _ classWeights: [Double]) -> Volume {
        let n = volumes[0].size
        let total = classWeights.reduce(0, +)
        var mean = [Float](repeating: 0, count: n * n * n)
        for (volume, weight) in zip(volumes, classWeights) where weight > 0 {
            let w = Float(weight / total)
            for i in mean.indices { mean[i] += w * volume.voxels[i] }
        }
        return Volume(size: n, pixelSize: volumes[0].pixelSize, voxels: mean)
    }

    /// The Fourier low-pass the §4.2 construction calls (radius and edge in cycles per pixel).
    static func lowPassFilter(_ map: Volume, _ radius: Double, _ edgeWidth: Double) -> Volume {
        map.filtered { FourierFilter.cosineLowPass(frequency: $0, radius: radius, edgeWidth: edgeWidth) }
    }
}
