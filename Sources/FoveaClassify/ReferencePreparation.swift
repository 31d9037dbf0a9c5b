import FoveaCore
import FoveaDistributed

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
    ///   - communicator: the ranks share the work: projector j (class j, and for `subtract` the
    ///     outside projector as j = K) is prepared by rank `ClassReconstruction.owner(ofClass: j,
    ///     ranks:)` and broadcast from it, so every rank ends with the projectors one rank preparing
    ///     all of them makes, bit for bit (the same arithmetic on the same maps). Collective.
    static func prepare(volumes: [Volume], config: ClassificationConfig, focusMask: Volume?,
                        classWeights: [Double], croppedSize: Int,
                        communicator: any Communicator) throws -> PreparedReferences {
        let n = volumes[0].size, p = volumes[0].pixelSize, k = volumes.count
        let outerEdge = CosineEdge(radius: config.outerRadius / p, width: outerMaskFalloff / p)
        // The map projector j is made from (class j, or j = K: the density outside the focus).
        let source: (Int) -> Volume
        let count: Int
        switch config.focus {
        case .none, .twoD:
            source = { volumes[$0] }
            count = k
        case .threeD:
            let settings = config.referenceMask
            let consensus = settings.outsideSource == .consensus ? consensusVolume(volumes, classWeights) : nil
            source = {
                ReferenceMasking.apply(to: volumes[$0], mask: focusMask!, settings: settings, lowPass: lowPassFilter,
                                       outside: consensus)
            }
            count = k
        case .subtract:
            // Only a rank that prepares a projector needs the soft mask; only the outside's owner the mean.
            let owns = { (j: Int) in ClassReconstruction.owner(ofClass: j, ranks: communicator.size) == communicator.rank }
            let soft = (0...k).contains(where: owns)
                ? ReferenceMasking.softMask(focusMask!, edgeWidth: config.referenceMask.edge) : Volume(size: 1, pixelSize: p)
            let mean = owns(k) ? consensusVolume(volumes, classWeights).voxels : []
            source = { j in
                j < k ? Volume(size: n, pixelSize: p, voxels: zip(volumes[j].voxels, soft.voxels).map { $0 * $1 })
                    : Volume(size: n, pixelSize: p, voxels: zip(mean, soft.voxels).map { $0 * (1 - $1) })
            }
            count = k + 1
        }
        // Every rank prepares all of its own projectors first, so the ranks work at the same time;
        // then the broadcasts run in projector order.
        let owners = (0..<count).map { ClassReconstruction.owner(ofClass: $0, ranks: communicator.size) }
        var own = (0..<count).map { owners[$0] == communicator.rank ? projector(source($0), outerEdge: outerEdge,
                                                                                 croppedSize: croppedSize) : nil }
        let projectors = try (0..<count).map { j in
            defer { own[j] = nil }
            return try broadcast(own[j], root: owners[j], croppedSize: croppedSize,
                                 pixelSize: p * Double(n) / Double(croppedSize), communicator: communicator)
        }
        return PreparedReferences(projectors: Array(projectors[0..<k]), outsideProjector: count > k ? projectors[k] : nil)
    }

    /// The projector of `volume` under the soft outer sphere, binned to `croppedSize`.
    static func projector(_ volume: Volume, outerEdge: CosineEdge, croppedSize: Int) -> FourierProjector {
        var masked = volume
        masked.applySphericalMask(outerEdge, fill: .value(0))
        return FourierProjector(volume: masked, padding: projectorPadding).binned(to: croppedSize)
    }

    /// `projector` (non-nil on `root`) on every rank: its transform broadcast from `root`.
    static func broadcast(_ projector: FourierProjector?, root: Int, croppedSize: Int, pixelSize: Double,
                          communicator: any Communicator) throws -> FourierProjector {
        guard communicator.size > 1 else { return projector! }
        let np = projectorPadding * croppedSize
        var transform = projector?.transform ?? HalfComplexVolume(size: np)
        try transform.values.withUnsafeMutableBufferPointer { values in
            try values.withMemoryRebound(to: Float.self) { try communicator.broadcast($0, root: root) }
        }
        return FourierProjector(size: croppedSize, padding: projectorPadding, pixelSize: projector?.pixelSize ?? pixelSize,
                                transform: transform)
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
