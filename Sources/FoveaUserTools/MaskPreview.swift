import FoveaCore

/// PNG previews of a focus mask: central sections and projections of the map with the mask over
/// it, and particle images with the mask's projected 2-D outline.
///
/// Display frame: a plane of the `Volume` frame is drawn with its first axis to the right and its
/// second axis up (the PNG's top row is the highest coordinate), nearest-neighbour enlarged by
/// `scale`. Sections through the centre voxel N/2: "z" = the (x, y) plane, "y" = (x, z), "x" = (y, z);
/// projections sum along the named axis. Grey = map (mean ± 3σ of the plane mapped to black…white);
/// the mask region (≥ 0.5) is tinted red with a yellow outline. Particle images: the 2-D footprint's
/// outline in green (pixels inside it with a 4-neighbour outside).
public enum MaskPreview {
    /// The axes a plane is named after.
    public static let axes = ["z", "y", "x"]

    /// Central section (`projection` false) or sum projection along `axis` ("x", "y", "z") as an
    /// N×N `Image2D`: pixel (i, j) = first and second remaining axes.
    public static func plane(of volume: Volume, along axis: String, projection: Bool) -> Image2D {
        let n = volume.size
        var image = Image2D(size: n, pixelSize: volume.pixelSize)
        let depthRange = projection ? 0..<n : (n / 2)..<(n / 2 + 1)
        for j in 0..<n { for i in 0..<n {
            var sum: Float = 0
            for k in depthRange {
                switch axis {
                case "x": sum += volume[k, i, j]
                case "y": sum += volume[i, k, j]
                default: sum += volume[i, j, k]
                }
            }
            image[i, j] = sum
        } }
        return image
    }

    /// The map plane in grey with the mask plane over it: region (≥ 0.5, or any voxel ≥ 0.5 along
    /// the ray for projections) tinted red, its outline yellow. A nil map draws the mask alone.
    public static func mapOverlay(map: Volume?, mask: Volume, along axis: String, projection: Bool, scale: Int) -> RasterImage {
        let n = mask.size
        let maskPlane = projection ? footprintPlane(mask, along: axis) : binarised(plane(of: mask, along: axis, projection: false))
        let grey = map.map { greyLevels(plane(of: $0, along: axis, projection: projection)) }
            ?? [UInt8](repeating: 0, count: n * n)
        var raster = RasterImage(width: n * scale, height: n * scale, channels: 3)
        for j in 0..<n { for i in 0..<n {
            let g = Double(grey[i + n * j])
            var colour = SIMD3<UInt8>(repeating: UInt8(g))
            if maskPlane[i, j] > 0 {
                colour = isOutline(maskPlane, i, j) ? SIMD3(255, 220, 0) : SIMD3(UInt8(0.6 * g + 102), UInt8(0.6 * g), UInt8(0.6 * g))
            }
            fill(&raster, i, j, n: n, scale: scale, colour)
        } }
        return raster
    }

    /// The particle image in grey with the outline of `footprint` (same size) in green.
    public static func particleOverlay(image: Image2D, footprint: Image2D, scale: Int) -> RasterImage {
        let n = image.size
        let grey = greyLevels(image)
        var raster = RasterImage(width: n * scale, height: n * scale, channels: 3)
        for j in 0..<n { for i in 0..<n {
            let colour = footprint[i, j] > 0 && isOutline(footprint, i, j)
                ? SIMD3<UInt8>(0, 255, 0) : SIMD3(repeating: grey[i + n * j])
            fill(&raster, i, j, n: n, scale: scale, colour)
        } }
        return raster
    }

    /// Where the mask falls in a particle image: the footprint along `view` (`Volume.projectedFootprint`,
    /// threshold 0.5), moved by the particle's shift (shiftX, shiftY Å, the particle centre relative
    /// to the box centre, so map point r lands at (Mᵀ·r)_xy + shift/p), rounded to whole pixels.
    public static func particleFootprint(mask: Volume, view: RotationMatrix, shiftX: Double, shiftY: Double) -> Image2D {
        let footprint = mask.projectedFootprint(along: view, threshold: 0.5)
        let n = mask.size
        var moved = Image2D(size: n, pixelSize: mask.pixelSize)
        // A shift of a box or more (or not finite) moves the footprint out of the image.
        let shift = SIMD2(shiftX, shiftY) / mask.pixelSize
        guard shift.x.isFinite, shift.y.isFinite, abs(shift.x) < Double(n), abs(shift.y) < Double(n) else { return moved }
        let dx = Int(shift.x.rounded()), dy = Int(shift.y.rounded())
        for j in 0..<n { for i in 0..<n where footprint[i, j] > 0 {
            let x = i + dx, y = j + dy
            if x >= 0, y >= 0, x < n, y < n { moved[x, y] = 1 }
        } }
        return moved
    }

    /// The exact footprint of a sphere: the hard disc at (Mᵀ·c)_xy + shift/p pixels, radius r/p.
    public static func particleFootprint(sphere: FocusSphere, view: RotationMatrix, shiftX: Double, shiftY: Double,
                                         boxSize: Int, pixelSize: Double) -> Image2D {
        var disc = sphere.projected(along: view, boxSize: boxSize, pixelSize: pixelSize)
        disc.centre += SIMD2(shiftX, shiftY) / pixelSize
        return disc.mask(imageSize: boxSize, pixelSize: pixelSize)
    }

    /// The enlargement that makes an N-pixel plane at least 256 pixels wide (at most 16).
    public static func scale(forSize n: Int) -> Int { max(1, min(16, (256 + n - 1) / n)) }

    // MARK: - helpers

    private static func footprintPlane(_ mask: Volume, along axis: String) -> Image2D {
        binarised(plane(of: binarisedVolume(mask), along: axis, projection: true))
    }

    private static func binarisedVolume(_ v: Volume) -> Volume {
        Volume(size: v.size, pixelSize: v.pixelSize, voxels: v.voxels.map { $0 >= 0.5 ? 1 : 0 })
    }

    private static func binarised(_ image: Image2D) -> Image2D {
        Image2D(size: image.size, pixelSize: image.pixelSize, pixels: image.pixels.map { $0 >= 0.5 ? 1 : 0 })
    }

    /// Inside pixel with a 4-neighbour outside (or on the image border).
    private static func isOutline(_ image: Image2D, _ i: Int, _ j: Int) -> Bool {
        let n = image.size
        if i == 0 || j == 0 || i == n - 1 || j == n - 1 { return true }
        return image[i - 1, j] <= 0 || image[i + 1, j] <= 0 || image[i, j - 1] <= 0 || image[i, j + 1] <= 0
    }

    /// Values mapped linearly from mean − 3σ … mean + 3σ to 0 … 255 (clamped); flat images are mid-grey.
    private static func greyLevels(_ image: Image2D) -> [UInt8] {
        let count = Double(image.pixels.count)
        let mean = image.pixels.reduce(0.0) { $0 + Double($1) } / count
        let variance = image.pixels.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / count
        let sigma = variance.squareRoot()
        guard sigma > 0 else { return [UInt8](repeating: 128, count: image.pixels.count) }
        return image.pixels.map { v in UInt8(max(0, min(255, ((Double(v) - mean) / (6 * sigma) + 0.5) * 255))) }
    }

    /// Paints plane pixel (i, j) as a scale×scale block, second axis up.
    private static func fill(_ raster: inout RasterImage, _ i: Int, _ j: Int, n: Int, scale: Int, _ colour: SIMD3<UInt8>) {
        let top = (n - 1 - j) * scale
        for y in top..<(top + scale) { for x in (i * scale)..<((i + 1) * scale) { raster.setPixel(x: x, y: y, colour) } }
    }
}
