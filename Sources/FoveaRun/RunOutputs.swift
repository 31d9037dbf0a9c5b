import Foundation
import FoveaClassify
import FoveaCore
import FoveaIO

/// The files of a run folder (docs/formats.md "Run folder"). Paths only; writers below.
public struct RunFolder: Sendable {
    public let path: String
    public init(_ path: String) { self.path = path }

    public var checkpoint: String { path + "/checkpoint.h5" }
    public var state: String { path + "/run.h5" }
    public var manifest: String { path + "/run.json" }
    public var progressLog: String { path + "/progress.jsonl" }
    public var particles: String { path + "/particles.star" }
    public func classVolume(_ k: Int) -> String { path + String(format: "/class_%03d.mrc", k + 1) }
    public func halfMap(_ k: Int, half: Int) -> String { path + String(format: "/class_%03d_half%d.mrc", k + 1, half) }
    public func cisTEMTable(_ k: Int) -> String { path + String(format: "/class_%03d_cistem.star", k + 1) }
    public func frealignTable(_ k: Int) -> String { path + String(format: "/class_%03d.par", k + 1) }
    /// Class k's `.par` for the particles of stack `stack` (0-based, in sorted path order) of a
    /// run with several stacks: a `.par` names no stack, so each holds one.
    public func frealignTable(_ k: Int, stack: Int) -> String { path + String(format: "/class_%03d_stack%03d.par", k + 1, stack + 1) }
}

/// Writes the final outputs of a run (rank 0 only). Every file goes through a temporary name.
public enum RunOutputs {
    /// Columns Fovea adds to the particle STAR (replacing same-named input columns).
    static func addedColumns(classCount: Int) -> [String] {
        ["rlnClassNumber", "rlnMaxValueProbDistribution", "rlnFoveaParticleIndex", "rlnFoveaOperatorIndex"]
            + (1...classCount).map { "rlnFoveaOccupancy\($0)" }
    }

    /// One record per classified row (particle × operator, input order): the input record with
    /// the row's view S_s·M, resolved image path, per-class values and Fovea's columns.
    public static func classifiedTable(_ table: ParticleTable, tablePath: String, state: RunState) throws -> ParticleTable {
        let k = state.config.classCount
        let group = try PointGroup(name: state.config.expansionGroup)
        let ops = group.order
        let snapshot = state.classification
        let added = addedColumns(classCount: k)
        // Columns of an earlier Fovea run (a selection fed back in) are replaced, not kept stale.
        let kept = table.extraColumns.enumerated().filter {
            !added.contains($0.element) && !$0.element.hasPrefix("rlnFoveaOccupancy") && !$0.element.hasPrefix("rlnFoveaClassOp")
        }
        var out = ParticleTable(particles: [], extraColumns: kept.map(\.element) + added, opticsExtras: table.opticsExtras)
        out.particles.reserveCapacity(state.particleCount * ops)
        let best = snapshot.bestClass ?? snapshot.occupancy.argmaxPerRow()
        let halfSets = RankParticles.halfSets(of: table, seed: state.config.seed)
        for p in 0..<state.particleCount {
            let record = table.particles[p]
            for s in 0..<ops {
                let row = p * ops + s
                var copy = record
                copy.halfSet = halfSets.halfSets[p].rawValue
                copy.image.path = ImagePathResolver.resolve(record.image.path, tablePath: tablePath)
                copy.angles = s == 0 ? record.angles : record.angles.premultiplied(by: group.operators[s])
                copy.classValues = (0..<k).map { c in
                    ClassValues(occupancy: Double(snapshot.occupancy[row, c]), logP: Double(snapshot.logP[row, c]),
                                sigma: 1, score: 0, scoreChange: 0)
                }
                let occupancies = (0..<k).map { String(format: "%.4f", snapshot.occupancy[row, $0]) }
                let top = Double(snapshot.occupancy[row, Int(best[row])]) / 100
                copy.extraValues = kept.map { record.extraValues[$0.offset] }
                    + [String(best[row] + 1), String(format: "%.6f", top), String(p + 1), String(s + 1)] + occupancies
                out.particles.append(copy)
            }
        }
        return out
    }

    /// The half maps of class `k` (0-based; [half 1, half 2], engine units) as written
    /// (`RunState.writtenMap`): the final pass hands them over class by class, so they need not be
    /// held together with the class maps.
    public static func writeHalfMaps(_ halves: [Volume], ofClass k: Int, densityScale: MapDensityScale?,
                                     folder: RunFolder) throws {
        for (h, map) in halves.enumerated() {
            try MRCWriter.write(RunState.writtenMap(map, densityScale: densityScale), to: folder.halfMap(k, half: h + 1))
        }
    }

    /// Class volumes, half maps (when the engine has them; the final pass writes them itself), the RELION STAR, one cisTEM STAR and
    /// one Frealign .par per class, and run.h5. Maps are written on the images' density scale
    /// (`RunState.writtenMap`).
    public static func write(folder: RunFolder, state: RunState, halfMaps: [[Volume]], table: ParticleTable,
                             tablePath: String) throws {
        // One written map at a time (K maps as written would double the K held).
        for (k, volume) in state.classification.classVolumes.enumerated() {
            try MRCWriter.write(state.writtenMap(volume), to: folder.classVolume(k))
        }
        for (k, halves) in halfMaps.enumerated() {
            try writeHalfMaps(halves, ofClass: k, densityScale: state.densityScale, folder: folder)
        }
        let classified = try classifiedTable(table, tablePath: tablePath, state: state)
        try classified.writeRelionStar(to: folder.particles, version: .relion31)
        let whiteProtein = state.inputs.resolvedInvertContrast
        let contrast = ParticleTableConventions.imageContrastComment(whiteProtein: whiteProtein)
        let parTable = ParFieldLimits.fitted(classified)
        let stacks = Dictionary(grouping: parTable.particles, by: \.image.path).sorted { $0.key < $1.key }
        for k in 0..<state.config.classCount {
            try classified.writeCisTEMStar(to: folder.cisTEMTable(k), classIndex: k, writeStackNames: true, whiteProtein: whiteProtein)
            for (j, stack) in stacks.enumerated() {
                var part = parTable
                part.particles = stack.value
                try part.writeFrealignPar(to: stacks.count == 1 ? folder.frealignTable(k) : folder.frealignTable(k, stack: j),
                                          layout: .frealignX17, classIndex: k, comments: ["stack: " + stack.key, contrast])
            }
        }
        try state.write(to: folder.state)
    }
}
