import FoveaCore

/// Classes that did not become distinct in a cycle: pairs of class maps that are the same map
/// (correlation above `correlationLimit` over the comparison region) and classes that no active
/// row chose as its best. A run whose classes are indistinct has not classified anything, so it is
/// never reported as converged (`ConvergenceCriteria.stopReason(after:cycleLimit:)`), and the
/// progress output and the run's history say which classes they are.
public struct IndistinctClasses: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Pairs [i, j] (1-based class numbers, i < j) whose maps correlate above `correlationLimit`.
    public let identicalPairs: [[Int]]
    /// Classes (1-based) that are no active row's best class.
    public let emptyClasses: [Int]

    /// Two class maps that correlate above this over the comparison region are the same map.
    public static let correlationLimit = 0.999

    public init(identicalPairs: [[Int]], emptyClasses: [Int]) {
        self.identicalPairs = identicalPairs
        self.emptyClasses = emptyClasses
    }

    public var description: String {
        var parts: [String] = []
        if !identicalPairs.isEmpty {
            parts.append("identical class maps " + identicalPairs.map { "\($0[0]) = \($0[1])" }.joined(separator: ", ")
                         + " (correlation > \(Self.correlationLimit))")
        }
        if !emptyClasses.isEmpty {
            parts.append("empty class" + (emptyClasses.count > 1 ? "es " : " ") + emptyClasses.map(String.init).joined(separator: ", "))
        }
        return parts.joined(separator: "; ")
    }

    /// The indistinct classes of a cycle, or nil when every class is distinct (always for K = 1).
    /// - Parameters:
    ///   - volumes: the K class maps (the same on every rank, so every rank finds the same).
    ///   - hardFractions: per class, the share of active rows whose best class it is.
    ///   - region: the voxel indices the maps are compared over (`comparisonRegion`).
    public static func find(volumes: [Volume], hardFractions: [Double], region: [Int]) -> IndistinctClasses? {
        guard volumes.count > 1 else { return nil }
        var pairs: [[Int]] = []
        for i in volumes.indices {
            for j in volumes.indices where j > i
                && correlation(volumes[i], volumes[j], over: region) > correlationLimit {
                pairs.append([i + 1, j + 1])
            }
        }
        let empty = hardFractions.indices.filter { hardFractions[$0] == 0 }.map { $0 + 1 }
        return pairs.isEmpty && empty.isEmpty ? nil : IndistinctClasses(identicalPairs: pairs, emptyClasses: empty)
    }

    /// Pearson correlation of two maps over `region` (voxel indices). Two maps constant over the
    /// region are the same map (1); one constant and one not are unrelated (0).
    public static func correlation(_ a: Volume, _ b: Volume, over region: [Int]) -> Double {
        guard !region.isEmpty else { return 1 }
        var sa = 0.0, sb = 0.0
        for i in region { sa += Double(a.voxels[i]); sb += Double(b.voxels[i]) }
        let ma = sa / Double(region.count), mb = sb / Double(region.count)
        var ab = 0.0, aa = 0.0, bb = 0.0
        for i in region {
            let x = Double(a.voxels[i]) - ma, y = Double(b.voxels[i]) - mb
            ab += x * y; aa += x * x; bb += y * y
        }
        if aa == 0 || bb == 0 { return aa == bb ? 1 : 0 }
        return ab / (aa * bb).squareRoot()
    }

    /// The voxels where the classes are meant to differ, at most about 2^20 of them (an even
    /// sample): the focus region (mask voxels > 0.5, or the sphere) when there is one, else the
    /// particle's outer sphere (the whole map when the region holds no voxel). Box N, pixel p Å.
    static func comparisonRegion(config: ClassificationConfig, focusMask: Volume?, size n: Int, pixelSize p: Double) -> [Int] {
        let region: Volume
        if let focusMask {
            region = focusMask
        } else if let sphere = config.sphere {
            region = sphere.volume(size: n, pixelSize: p)
        } else {
            region = FocusSphere(centre: .zero, radius: config.outerRadius, origin: .centre).volume(size: n, pixelSize: p)
        }
        var inside = region.voxels.indices.filter { region.voxels[$0] > 0.5 }
        if inside.isEmpty { inside = Array(region.voxels.indices) }   // a region smaller than a voxel: the whole map
        let step = max(1, inside.count >> 20)
        return stride(from: 0, to: inside.count, by: step).map { inside[$0] }
    }
}
