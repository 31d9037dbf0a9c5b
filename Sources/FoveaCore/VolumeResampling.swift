/// The same map on another grid of the same physical box (N·p Å a side): Fourier resizing for
/// maps, nearest-voxel sampling for masks. The classification cycles work on a smaller grid that
/// holds their frequency band (`CycleBox` in FoveaClassify); these carry maps and masks between
/// that grid and the data's own.
extension Volume {
    /// This map Fourier-cropped (newSize < N) or zero-padded (newSize > N) to `newSize` voxels a
    /// side at p·N/newSize Å: every frequency both grids hold is kept, the rest is 0 (cropping
    /// then padding back keeps exactly the smaller grid's band). `newSize` even and > 0.
    public func fourierResized(to newSize: Int, planner: FFTPlanner = .shared) -> Volume {
        precondition(newSize > 0 && newSize % 2 == 0 && size % 2 == 0, "Fourier resizing needs even boxes")
        if newSize == size { return self }
        return fourierTransform(planner: planner).resized(to: newSize)
            .realSpace(pixelSize: pixelSize * Double(size) / Double(newSize), planner: planner)
    }

    /// This mask on a grid of `newSize` voxels a side spanning the same box (voxel p·N/newSize
    /// Å): each new voxel takes the value of the old voxel nearest to its centre, both grids
    /// centred at voxel N/2. Values are not blended, so a binary mask stays binary and the soft
    /// edges made from it later are made at the new voxel size.
    public func nearestResampled(to newSize: Int) -> Volume {
        precondition(newSize > 0, "Resampling needs a positive box")
        if newSize == size { return self }
        let scale = Double(size) / Double(newSize)
        let source = (0..<newSize).map { i -> Int in
            let position = Double(size / 2) + Double(i - newSize / 2) * scale
            return Swift.min(size - 1, Swift.max(0, Int(position.rounded())))
        }
        var out = Volume(size: newSize, pixelSize: pixelSize * scale)
        for z in 0..<newSize {
            for y in 0..<newSize {
                let row = size * (source[y] + size * source[z]), outRow = newSize * (y + newSize * z)
                for x in 0..<newSize { out.voxels[outRow + x] = voxels[row + source[x]] }
            }
        }
        return out
    }
}
