extension Volume {
    /// The 2-D footprint of a 3-D mask seen along a view: an N×N image (N = `size`, same pixel
    /// size) that is 1 where the ray through the pixel centre passes through any voxel of the mask
    /// whose value exceeds `threshold`, else 0.
    ///
    /// Geometry (docs/algorithm.md §1.2): image pixel (ix, iy) at u = (ix − N/2, iy − N/2) sees the map
    /// points M·(u_x, u_y, t), t ∈ ℝ; a voxel is the unit cube around its centre
    /// (ix − N/2, iy − N/2, iz − N/2). A voxel centre r lands at (Mᵀ·r)_xy.
    ///
    /// Method: instead of sampling each voxel at sub-voxel points (which leaves holes or
    /// over-marks, depending on the sampling), each in-mask voxel is rotated with Mᵀ, the pixels
    /// within √3/2 of its projected centre are listed, and each is marked if the ray through its
    /// centre really intersects the voxel's cube (an exact slab test). The footprint is therefore
    /// exactly "a pixel is in if any in-mask voxel lies along its ray", with no holes (a ray that
    /// only grazes an edge or corner of a cube, chord ≤ 10⁻⁶ pixel, does not count). Only voxels
    /// with an outside neighbour (26-connected) or on the box border are visited: a ray through an
    /// interior voxel always passes through one of those too.
    public func projectedFootprint(along view: RotationMatrix, threshold: Float = 0) -> Image2D {
        MaskSurface(self, threshold: threshold).footprint(along: view)
    }
}

/// The voxels of a mask that decide its footprints (above the threshold, with a 26-neighbour at
/// or below it or on the box border), listed once so that footprints along many views cost
/// O(surface) each instead of O(N³). `footprint(along:)` gives exactly
/// `Volume.projectedFootprint(along:threshold:)`.
public struct MaskSurface: Sendable {
    /// Box N and pixel size (Å) of the mask.
    public let size: Int
    public let pixelSize: Double
    /// Centres of the surface voxels relative to the box centre (pixels), in z, y, x order.
    public let centres: [SIMD3<Double>]

    public init(_ mask: Volume, threshold: Float = 0) {
        let n = mask.size, half = Double(n / 2)
        var list: [SIMD3<Double>] = []
        mask.voxels.withUnsafeBufferPointer { values in
            for iz in 0..<n { for iy in 0..<n { for ix in 0..<n {
                guard values[ix + n * (iy + n * iz)] > threshold,
                      isSurfaceVoxel(values, ix, iy, iz, n: n, threshold: threshold) else { continue }
                list.append(SIMD3(Double(ix) - half, Double(iy) - half, Double(iz) - half))
            } } }
        }
        size = n
        pixelSize = mask.pixelSize
        centres = list
    }

    /// The N×N footprint along `view` (1 inside, 0 outside); see `Volume.projectedFootprint`.
    public func footprint(along view: RotationMatrix) -> Image2D {
        let n = size
        let half = Double(n / 2)
        var image = Image2D(size: n, pixelSize: pixelSize)
        // Ray direction d = M·ẑ and, for a pixel at u, origin o = M·(u_x, u_y, 0); in the voxel
        // frame the ray is o + t·d. The slab test needs 1/d per axis.
        let direction = view.apply(SIMD3(0, 0, 1))
        let xAxis = view.apply(SIMD3(1, 0, 0)), yAxis = view.apply(SIMD3(0, 1, 0))
        let reach = 3.0.squareRoot() / 2
        image.pixels.withUnsafeMutableBufferPointer { output in
            for r in centres {
                let p = view.applyTransposed(r)
                let xLow = max(0, Int((p.x - reach + half).rounded(.up)))
                let xHigh = min(n - 1, Int((p.x + reach + half).rounded(.down)))
                let yLow = max(0, Int((p.y - reach + half).rounded(.up)))
                let yHigh = min(n - 1, Int((p.y + reach + half).rounded(.down)))
                guard xLow <= xHigh, yLow <= yHigh else { continue }
                for py in yLow...yHigh { for px in xLow...xHigh where output[px + n * py] == 0 {
                    let u = (Double(px) - half, Double(py) - half)
                    let origin = xAxis * u.0 + yAxis * u.1
                    if rayHitsUnitCube(origin: origin - r, direction: direction) { output[px + n * py] = 1 }
                } }
            }
        }
        return image
    }
}

/// Whether a voxel above threshold has a 26-neighbour at or below it, or lies on the box border.
private func isSurfaceVoxel(_ values: UnsafeBufferPointer<Float>, _ ix: Int, _ iy: Int, _ iz: Int,
                            n: Int, threshold: Float) -> Bool {
    if ix == 0 || iy == 0 || iz == 0 || ix == n - 1 || iy == n - 1 || iz == n - 1 { return true }
    for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
        if values[(ix + dx) + n * ((iy + dy) + n * (iz + dz))] <= threshold { return true }
    } } }
    return false
}

/// Slab test: does the line origin + t·direction (t ∈ ℝ) pass through the cube [−½, ½]³ with a
/// chord longer than 10⁻⁶ (a line that only touches an edge or corner does not count)?
private func rayHitsUnitCube(origin: SIMD3<Double>, direction: SIMD3<Double>) -> Bool {
    var tLow = -Double.infinity, tHigh = Double.infinity
    for axis in 0..<3 {
        let o = origin[axis], d = direction[axis]
        if abs(d) < 1e-12 {
            if o <= -0.5 || o >= 0.5 { return false }
            continue
        }
        let t1 = (-0.5 - o) / d, t2 = (0.5 - o) / d
        tLow = max(tLow, min(t1, t2))
        tHigh = min(tHigh, max(t1, t2))
        if tHigh - tLow <= 1e-6 { return false }
    }
    return true
}
