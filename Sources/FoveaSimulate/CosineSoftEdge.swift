import Foundation
import FoveaCore

/// Softens a binary mask with a raised-cosine edge in real space.
public enum CosineSoftEdge {
    /// A mask that is 1 on the voxels of `binary` that are > 0.5, ½·(1 + cos(π·d/width)) at a
    /// Euclidean distance of d pixels (0 < d < width) from the nearest such voxel, 0 beyond.
    ///
    /// Cost: one ball of radius `width` stamped around every boundary voxel of the mask.
    public static func apply(to binary: Volume, width: Double) -> Volume {
        precondition(width >= 0, "soft edge width must be non-negative")
        let n = binary.size
        var result = Volume(size: n, pixelSize: binary.pixelSize)
        let reach = Int(width.rounded(.up))
        let widthSquared = width * width
        var nearestSquared = [Double](repeating: .infinity, count: n * n * n)
        binary.voxels.withUnsafeBufferPointer { inside in
            func isInside(_ i: Int, _ j: Int, _ k: Int) -> Bool {
                i >= 0 && j >= 0 && k >= 0 && i < n && j < n && k < n && inside[i + n * (j + n * k)] > 0.5
            }
            nearestSquared.withUnsafeMutableBufferPointer { nearest in
                for k in 0..<n {
                    for j in 0..<n {
                        for i in 0..<n where isInside(i, j, k) {
                            nearest[i + n * (j + n * k)] = 0
                            let onBoundary = !isInside(i - 1, j, k) || !isInside(i + 1, j, k)
                                || !isInside(i, j - 1, k) || !isInside(i, j + 1, k)
                                || !isInside(i, j, k - 1) || !isInside(i, j, k + 1)
                            guard onBoundary, reach > 0 else { continue }
                            for dk in -reach...reach where k + dk >= 0 && k + dk < n {
                                for dj in -reach...reach where j + dj >= 0 && j + dj < n {
                                    for di in -reach...reach where i + di >= 0 && i + di < n {
                                        let s = Double(di * di + dj * dj + dk * dk)
                                        let index = (i + di) + n * ((j + dj) + n * (k + dk))
                                        if s < nearest[index] { nearest[index] = s }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        result.voxels.withUnsafeMutableBufferPointer { out in
            nearestSquared.withUnsafeBufferPointer { nearest in
                for index in 0..<out.count {
                    let s = nearest[index]
                    if s == 0 {
                        out[index] = 1
                    } else if s < widthSquared {
                        out[index] = Float(0.5 * (1 + cos(Double.pi * s.squareRoot() / width)))
                    }
                }
            }
        }
        return result
    }
}
