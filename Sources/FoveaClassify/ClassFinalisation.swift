import FoveaCore
import FoveaDistributed

extension ClassReconstruction {
    /// The rank that finalises class `k` (0-based) among `ranks`: classes are dealt round-robin.
    static func owner(ofClass k: Int, ranks: Int) -> Int { k % ranks }

    /// `finaliseHalves(pixelSize:)` with the classes divided over the ranks (the sums must already
    /// be reduced, so every rank holds the same accumulators): each rank finalises the half maps,
    /// FSC and SSNR of its own classes (`owner(ofClass:ranks:)`) and drops the others' sums; the
    /// FSC and SSNR curves (and, with `keepingHalfMaps`, the half maps) are broadcast from their
    /// owners. The owners keep their classes' totals; `classMaps(_:ssnrs:classWeights:…)` makes
    /// and broadcasts the maps once every class's SSNR is known. Every rank ends with the values one
    /// rank finalising every class gets, bit for bit: the same arithmetic on the same sums, only
    /// done elsewhere. With `handingOver`, each class's two half maps go to it, on every rank, as
    /// soon as they are broadcast, instead of being kept in the result (so one pair exists at a
    /// time). Consumes the accumulators. Collective.
    mutating func finaliseHalves(pixelSize: Double, communicator: any Communicator, keepingHalfMaps: Bool,
                                 handingOver: ((Int, [Volume]) -> Void)? = nil) throws -> DistributedHalves {
        let ranks = communicator.size, rank = communicator.rank
        let size = accumulatorSize, shells = size / 2 + 1
        var result = DistributedHalves(classes: classes)
        var curves = classes.map { _ in [Double](repeating: 0, count: 2 * shells) }
        var ownHalves = classes.map { _ in [Volume]() }
        /// Finalises class `offset` of `classes` if this rank owns it (its curves, total and halves).
        func finaliseOwn(_ offset: Int) {
            guard Self.owner(ofClass: classes.lowerBound + offset, ranks: ranks) == rank else { return }
            var own = ClassReconstruction(moving: accumulators[offset], ofClass: classes.lowerBound + offset)
            accumulators[offset] = []
            let finalised = own.finaliseHalves(pixelSize: pixelSize)
            for s in 0..<min(shells, finalised.fsc[0].values.count) { curves[offset][s] = finalised.fsc[0].values[s] }
            for s in 0..<min(shells, finalised.ssnr[0].count) { curves[offset][shells + s] = finalised.ssnr[0][s] }
            result.totals[offset] = finalised.totals[0]
            if keepingHalfMaps { ownHalves[offset] = finalised.halfMaps[0] }
        }
        // Without half maps to hand over, every rank finalises all of its classes first, so the
        // ranks work at the same time; with them, one class at a time (one pair held at once).
        if !keepingHalfMaps { for offset in 0..<classes.count { finaliseOwn(offset) } }
        for (offset, k) in classes.enumerated() {
            let owner = Self.owner(ofClass: k, ranks: ranks)
            if keepingHalfMaps { finaliseOwn(offset) }
            var halves = ownHalves[offset]
            ownHalves[offset] = []
            accumulators[offset] = []
            if ranks > 1 { try communicator.broadcast(&curves[offset], root: owner) }
            let curves = curves[offset]
            result.fsc[offset] = Array(curves[0..<shells])
            result.ssnr[offset] = Array(curves[shells...])
            if keepingHalfMaps {
                let pair = try (0..<2).map { _ in
                    // Moved out of `halves`, so that the broadcast fills the owner's map without a copy.
                    var own = owner == rank ? halves.removeFirst() : nil
                    return try Self.broadcast(&own, root: owner, size: size, pixelSize: pixelSize, communicator: communicator)
                }
                if let handingOver { handingOver(k, pair) } else { result.halfMaps[offset] = pair }
            }
        }
        return result
    }

    /// Every class's map from its total (held by its owner in `totals`, in memory or spilled) with
    /// the Wiener term 1/(T·SSNR(s)), the SSNR shared over all K classes (`sharedSSNR` of `ssnrs`
    /// weighted by `classWeights`) and T the `regularisation` (`ClassMapRegularisation`), broadcast
    /// from the owners: the maps on every rank. Takes one total at a time out of `totals` (a spilled
    /// one is read back a slab of planes at a time into its map's spectrum, never whole), so no
    /// total is resident beyond those kept in memory. A total that cannot be read back fails the
    /// pass on every rank. Collective.
    static func classMaps(_ totals: ClassTotals, ssnrs: [[Double]], classWeights: [Double],
                          regularisation: Double = 1, size: Int,
                          pixelSize: Double, communicator: any Communicator) throws -> [Volume] {
        let wiener = ClassMapRegularisation.wienerTerm(ssnr: sharedSSNR(ssnrs, weights: classWeights), factor: regularisation)
        func map(_ k: Int) throws -> Volume? {
            try ClassTotals.agreeing(communicator) { try totals.map(ofClass: k, regularisation: wiener, pixelSize: pixelSize) }
        }
        // A cycle's totals (in memory, on the cycle grid): every rank makes all of its own maps
        // first, so the ranks work at the same time, then the broadcasts run in class order. A
        // final pass that may spill (box-N maps): one map at a time, made and broadcast.
        var made: [Volume?] = totals.mayUseFiles ? [] : try ssnrs.indices.map(map)
        return try ssnrs.indices.map { k in
            var own = made.isEmpty ? try map(k) : made[k]
            if !made.isEmpty { made[k] = nil }
            return try broadcast(&own, root: owner(ofClass: k, ranks: communicator.size), size: size, pixelSize: pixelSize,
                                 communicator: communicator)
        }
    }

    /// Volumes of box `size` owned by `root`, on every rank (`volume` non-nil on the root; taken
    /// from it, so that the broadcast writes into the root's only reference instead of a copy).
    static func broadcast(_ volume: inout Volume?, root: Int, size: Int, pixelSize: Double,
                          communicator: any Communicator) throws -> Volume {
        var voxels = volume?.voxels ?? [Float](repeating: 0, count: size * size * size)
        volume = nil
        if communicator.size > 1 { try communicator.broadcast(&voxels, root: root) }
        return Volume(size: size, pixelSize: pixelSize, voxels: voxels)
    }
}

/// What the distributed finalisation of a group of classes gives every rank (see
/// `ClassReconstruction.finaliseHalves(pixelSize:communicator:keepingHalfMaps:)`).
struct DistributedHalves {
    let classes: Range<Int>
    /// Per class: the FSC and the SSNR per shell (on every rank).
    var fsc: [[Double]], ssnr: [[Double]]
    /// Per class: the two half maps (on every rank when kept, else empty).
    var halfMaps: [[Volume]]
    /// Per class: the summed halves, on the class's owner only.
    var totals: [ReconstructionAccumulator?]

    init(classes: Range<Int>) {
        self.classes = classes
        fsc = classes.map { _ in [] }; ssnr = fsc
        halfMaps = classes.map { _ in [] }
        totals = classes.map { _ in nil }
    }
}
