import Foundation
import FoveaCore
import FoveaIO

/// Reads maps that must share one box (and pixel size within 0.1 %).
public enum MatchedVolumes {
    /// - Throws: `FormatError` naming the first file whose box or pixel size differs from the first's.
    public static func load(_ paths: [String]) throws -> [Volume] {
        var volumes: [Volume] = []
        for path in paths {
            let volume = try MRCReader(path: path).volume()
            if let first = volumes.first {
                if volume.size != first.size {
                    throw FormatError(file: path, field: "nx", "box \(volume.size) differs from \(first.size) of \(paths[0])")
                }
                if abs(volume.pixelSize - first.pixelSize) > 1e-3 * first.pixelSize {
                    throw FormatError(file: path, field: "pixel size",
                                      "\(DecimalText.text(volume.pixelSize, digits: 7)) Å differs from \(DecimalText.text(first.pixelSize, digits: 7)) Å of \(paths[0])")
                }
            }
            volumes.append(volume)
        }
        return volumes
    }

    /// Class volumes of a run folder: `RUN/class_001.mrc`, `class_002.mrc`, … (half maps excluded), sorted.
    public static func classPaths(inRun run: String) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run)) ?? []
        let classes = names.filter { $0.hasPrefix("class_") && $0.hasSuffix(".mrc") && !$0.contains("_half") }.sorted()
        guard !classes.isEmpty else { throw FormatError(file: run, "no class_NNN.mrc volumes in the run folder") }
        return classes.map { (run as NSString).appendingPathComponent($0) }
    }
}

/// ROI density occupancy (preprint Methods, "Covariance analysis of separate regions"): the mass of
/// a class volume inside an ROI mask, divided by the mass of the full-occupancy map in the same ROI.
public enum RegionOccupancy {
    /// Σ_v mask(v) · map(v) over voxels (mask weights in [0, 1]; density units × voxels).
    public static func mass(of map: Volume, in mask: Volume) -> Double {
        precondition(map.size == mask.size, "map and mask boxes differ")
        var sum = 0.0
        map.voxels.withUnsafeBufferPointer { v in
            mask.voxels.withUnsafeBufferPointer { m in
                for i in 0..<v.count where m[i] != 0 { sum += Double(m[i]) * Double(v[i]) }
            }
        }
        return sum
    }

    /// occupancy[class][roi] = mass(class, roi) / mass(full[roi], roi).
    /// - Precondition: every full-occupancy mass is nonzero (checked by the caller with file names).
    public static func occupancies(classes: [Volume], masks: [Volume], full: [Volume]) -> [[Double]] {
        let reference = zip(full, masks).map { mass(of: $0, in: $1) }
        return classes.map { volume in masks.indices.map { mass(of: volume, in: masks[$0]) / reference[$0] } }
    }

    /// The factor that brings `volume` to `reference`'s mass inside `mask` (a region that does
    /// not change between classes, e.g. the humanoid's leg): class volumes reconstructed from
    /// normalised particles are on an arbitrary scale, and a class-to-class scale difference
    /// would otherwise correlate every ROI with every other.
    public static func scale(of volume: Volume, toMassOf reference: Volume, in mask: Volume) -> Double {
        let own = mass(of: volume, in: mask)
        return own != 0 ? mass(of: reference, in: mask) / own : 1
    }

    /// Every class multiplied by its `scale(of:toMassOf:in:)`.
    public static func scaled(_ classes: [Volume], toMassOf reference: Volume, in mask: Volume) -> [Volume] {
        classes.map { volume in
            let factor = Float(scale(of: volume, toMassOf: reference, in: mask))
            return Volume(size: volume.size, pixelSize: volume.pixelSize, voxels: volume.voxels.map { $0 * factor })
        }
    }
}

/// Covariance and normalised covariance (correlation) of variables observed across classes.
public struct CovarianceMatrix: Sendable {
    /// C_ij = Σ_k w_k (x_ki − x̄_i)(x_kj − x̄_j), x̄_i = Σ_k w_k x_ki, weights normalised to sum 1
    /// (population covariance; equal weights 1/K when no weights are given).
    public var covariance: [[Double]]
    /// R_ij = C_ij / √(C_ii C_jj); NaN where a variable does not vary (SD ≤ 1e-6 of its largest |value|).
    public var correlation: [[Double]]
    /// Weighted means x̄_i.
    public var means: [Double]

    /// - Parameters:
    ///   - observations: observations[k][i], K observations (classes) × variables (ROIs).
    ///   - weights: K non-negative weights (class fractions) or nil for equal weights.
    public init(observations: [[Double]], weights: [Double]? = nil) {
        let k = observations.count
        let variables = observations.first?.count ?? 0
        let raw = weights ?? Array(repeating: 1, count: k)
        precondition(raw.count == k, "one weight per observation")
        let total = raw.reduce(0, +)
        let w = raw.map { $0 / total }
        means = (0..<variables).map { i in (0..<k).reduce(0) { $0 + w[$1] * observations[$1][i] } }
        var c = Array(repeating: Array(repeating: 0.0, count: variables), count: variables)
        for i in 0..<variables {
            for j in 0..<variables {
                var sum = 0.0
                for n in 0..<k { sum += w[n] * (observations[n][i] - means[i]) * (observations[n][j] - means[j]) }
                c[i][j] = sum
            }
        }
        covariance = c
        // A variable varies when its standard deviation exceeds 1e-6 of its largest magnitude
        // (occupancies come from float32 maps: smaller spreads are rounding, not signal).
        let varies = (0..<variables).map { i in
            let magnitude = observations.map { abs($0[i]) }.max() ?? 0
            return c[i][i].squareRoot() > 1e-6 * magnitude && c[i][i] > 0
        }
        correlation = (0..<variables).map { i in
            (0..<variables).map { j in
                varies[i] && varies[j] ? c[i][j] / (c[i][i] * c[j][j]).squareRoot() : .nan
            }
        }
    }
}
