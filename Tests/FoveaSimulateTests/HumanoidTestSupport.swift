import FoveaCore
import FoveaSimulate

/// A coarse grid covering the humanoid (40 × 10.48 Å = 419 Å, like the default 80 × 5.24 Å).
let coarseGrid = HumanoidGrid(size: 40, pixelSize: 10.48)

/// The default geometry's component maps on the coarse grid, rendered once for all tests.
let coarseMaps = HumanoidComponentMaps(grid: coarseGrid)

/// The value at the C2 image (2c − i, 2c − j, k) of voxel (i, j, k), or nil when outside the box.
func c2Partner(_ volume: Volume, _ i: Int, _ j: Int, _ k: Int) -> Float? {
    let c = volume.size / 2
    let (i2, j2) = (2 * c - i, 2 * c - j)
    guard i2 >= 0, j2 >= 0, i2 < volume.size, j2 < volume.size else { return nil }
    return volume[i2, j2, k]
}

/// Number of voxels where `a` and the C2 image of `b` differ (voxels whose image leaves the box
/// must be 0 in both), i.e. 0 when b = C2(a) exactly.
func c2Mismatches(_ a: Volume, _ b: Volume) -> Int {
    var mismatches = 0
    let n = a.size
    for k in 0..<n {
        for j in 0..<n {
            for i in 0..<n {
                if let partner = c2Partner(b, i, j, k) {
                    if a[i, j, k] != partner { mismatches += 1 }
                } else if a[i, j, k] != 0 {
                    mismatches += 1
                }
            }
        }
    }
    return mismatches
}

/// Linear indices of the voxels of `volume` with value ≥ `threshold`.
func indices(_ volume: Volume, atLeast threshold: Float) -> [Int] {
    volume.voxels.indices.filter { volume.voxels[$0] >= threshold }
}
