/// A cubic real-space map of `size`³ voxels, stored with x fastest, then y, then z (MRC order).
///
/// Frame: voxel (ix, iy, iz) sits at r = (ix − N/2, iy − N/2, iz − N/2) pixels from the map
/// centre (N = `size`, integer division), so the centre is voxel (N/2, N/2, N/2).
/// `pixelSize` is in Å per voxel.
public struct Volume: Sendable, Equatable {
    /// Edge length N in voxels.
    public let size: Int
    /// Å per voxel.
    public var pixelSize: Double
    /// N³ values, index = ix + N·(iy + N·iz).
    public var voxels: [Float]

    /// A map of zeros.
    public init(size: Int, pixelSize: Double) {
        precondition(size > 0, "Volume size must be positive")
        self.size = size
        self.pixelSize = pixelSize
        self.voxels = [Float](repeating: 0, count: size * size * size)
    }

    /// A map over existing values; `voxels.count` must be `size`³.
    public init(size: Int, pixelSize: Double, voxels: [Float]) {
        precondition(voxels.count == size * size * size, "Volume needs size³ voxels")
        self.size = size
        self.pixelSize = pixelSize
        self.voxels = voxels
    }

    /// Linear index of voxel (x, y, z).
    @inlinable public func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + size * (y + size * z) }

    @inlinable public subscript(x: Int, y: Int, z: Int) -> Float {
        get { voxels[index(x, y, z)] }
        set { voxels[index(x, y, z)] = newValue }
    }
}
