import FoveaCore

/// The merged pairwise difference map of the preprint's Figure 4 (Methods, "Merging cryo-EM
/// difference maps"): a merge volume starts at 0 and, for each pairwise difference map, every voxel
/// is raised to that map's value where it is larger.
public enum DifferenceMap {
    /// How a pair of classes k < l contributes.
    public enum Mode: String, Sendable, CaseIterable {
        /// |V_k − V_l|: equivalent to taking both V_k − V_l and V_l − V_k as difference maps.
        case absolute
        /// V_k − V_l only (k < l), so the merge keeps max(0, max_{k<l} (V_k − V_l)).
        case signed
    }

    /// Scale factors s_k = M̄ / M_k with M_k = Σ mask·V_k (whole box without a mask) and M̄ the mean
    /// of the M_k, so that every scaled class holds the same mass in the mask.
    /// - Returns: nil when some M_k ≤ 0 (no common positive mass to scale to).
    public static func commonMassScales(_ volumes: [Volume], mask: Volume?) -> [Double]? {
        let masses = volumes.map { v in
            mask.map { RegionOccupancy.mass(of: v, in: $0) } ?? v.voxels.reduce(0.0) { $0 + Double($1) }
        }
        guard masses.allSatisfy({ $0 > 0 }) else { return nil }
        let mean = masses.reduce(0, +) / Double(masses.count)
        return masses.map { mean / $0 }
    }

    /// merged(v) = max(0, max over pairs k < l of d_kl(v)), d_kl = s_k V_k − s_l V_l (signed) or
    /// |s_k V_k − s_l V_l| (absolute). All volumes share one box; the pixel size is the first's.
    public static func merged(_ volumes: [Volume], scales: [Double]? = nil, mode: Mode = .absolute) -> Volume {
        precondition(!volumes.isEmpty && volumes.allSatisfy { $0.size == volumes[0].size }, "volumes must share one box")
        let s = (scales ?? Array(repeating: 1, count: volumes.count)).map { Float($0) }
        var out = Volume(size: volumes[0].size, pixelSize: volumes[0].pixelSize)
        let count = out.voxels.count
        out.voxels.withUnsafeMutableBufferPointer { merged in
            for k in volumes.indices {
                for l in volumes.indices where l > k {
                    volumes[k].voxels.withUnsafeBufferPointer { a in
                        volumes[l].voxels.withUnsafeBufferPointer { b in
                            let sa = s[k], sb = s[l]
                            for i in 0..<count {
                                let d = sa * a[i] - sb * b[i]
                                let value = mode == .absolute ? abs(d) : d
                                if value > merged[i] { merged[i] = value }
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
