import FoveaCore

extension ClassificationConfig {
    /// The command-line names of the options, used in error messages and in the `--continue`
    /// comparison.
    public enum Option: String, Sendable, CaseIterable {
        case formatVersion = "format-version"
        case classes, cycles, focus, sphere, mask
        case focusEdge = "focus-edge"
        case outerRadius = "outer-radius"
        case resolution
        case referenceLow = "reference-low"
        case referenceHigh = "reference-high"
        case mass, expand, seed, threads
        case checkpointEvery = "checkpoint-every"
        case stopClassChange = "stop-class-change"
        case stopChangedFraction = "stop-changed-fraction"
        case minCycles = "min-cycles"
        case maskEdge = "mask-edge"
        case maskOutsideWeight = "mask-outside-weight"
        case maskLowPass = "mask-lowpass"
        case maskOutside = "mask-outside"
        case regularisation, starts
        case startCycles = "start-cycles"
        case noiseGroups = "noise-groups"
        case noiseGroupMin = "noise-group-min"
        case groupScale = "group-scale"
        case whitening
        case particleScale = "particle-scale"
        case particleNoise = "particle-noise"
    }

    /// The regularisation T accepted (`regularisation`): beyond 10⁻³…10³ the filter is either the
    /// plain unregularised ratio or removes nearly every shell.
    public static let regularisationRange: ClosedRange<Double> = 0.001...1000

    /// Checks every field on its own and the combinations (focus needs a region; sphere XOR mask).
    /// Throws the first problem found, naming the option.
    public func validate() throws {
        func fail(_ option: Option, _ message: String) -> ConfigurationError {
            ConfigurationError(option: option.rawValue, message)
        }
        func requirePositive(_ value: Double, _ option: Option, _ what: String) throws {
            guard value.isFinite, value > 0 else { throw fail(option, "\(what) must be a positive number (got \(value))") }
        }
        guard classCount >= 1 else { throw fail(.classes, "the number of classes must be at least 1 (got \(classCount))") }
        guard cycles >= 1 else { throw fail(.cycles, "the number of cycles must be at least 1 (got \(cycles))") }
        if focus != .none && sphere == nil && maskPath == nil {
            throw fail(.focus, "focus mode '\(focus.rawValue)' needs a focus region: give --sphere or --mask")
        }
        if sphere != nil && maskPath != nil {
            throw fail(.sphere, "give either --sphere or --mask, not both")
        }
        if let sphere {
            guard sphere.x.isFinite, sphere.y.isFinite, sphere.z.isFinite else {
                throw fail(.sphere, "centre coordinates must be finite (got \(sphere.x), \(sphere.y), \(sphere.z))")
            }
            try requirePositive(sphere.radius, .sphere, "the sphere radius (Å)")
        }
        if let maskPath, maskPath.isEmpty { throw fail(.mask, "the mask path is empty") }
        guard focusEdge.isFinite, focusEdge >= 0 else { throw fail(.focusEdge, "the 2-D mask edge must be ≥ 0 Å (got \(focusEdge))") }
        try requirePositive(outerRadius, .outerRadius, "the outer radius (Å)")
        try requirePositive(classificationResolution, .resolution, "the classification resolution (Å)")
        try requirePositive(referenceBand.low, .referenceLow, "the low-resolution limit (Å)")
        try requirePositive(referenceBand.high, .referenceHigh, "the high-resolution limit (Å)")
        guard referenceBand.low > referenceBand.high else {
            throw fail(.referenceLow, "the low-resolution limit (\(referenceBand.low) Å) must be coarser, i.e. larger, than the high-resolution limit (\(referenceBand.high) Å)")
        }
        try requirePositive(molecularMass, .mass, "the molecular mass (kDa)")
        do { _ = try PointGroupSymbol(parsing: expansionGroup) } catch let error as PointGroupError {
            throw fail(.expand, error.description)
        }
        guard threads >= 1 else { throw fail(.threads, "the number of threads must be at least 1 (got \(threads))") }
        guard checkpointEvery >= 1 else { throw fail(.checkpointEvery, "the checkpoint interval must be at least 1 cycle (got \(checkpointEvery))") }
        guard convergence.classAverageChange.isFinite, convergence.classAverageChange >= 0 else {
            throw fail(.stopClassChange, "must be ≥ 0 percentage points (got \(convergence.classAverageChange))")
        }
        guard convergence.changedFraction.isFinite, (0...1).contains(convergence.changedFraction) else {
            throw fail(.stopChangedFraction, "must be a fraction between 0 and 1 (got \(convergence.changedFraction))")
        }
        guard convergence.minimumCycles >= 1 else { throw fail(.minCycles, "must be at least 1 (got \(convergence.minimumCycles))") }
        guard referenceMask.edge.isFinite, referenceMask.edge >= 0 else { throw fail(.maskEdge, "must be ≥ 0 Å (got \(referenceMask.edge))") }
        guard referenceMask.outsideWeight.isFinite, (0...1).contains(referenceMask.outsideWeight) else {
            throw fail(.maskOutsideWeight, "must be between 0 and 1 (got \(referenceMask.outsideWeight))")
        }
        if let lowPass = referenceMask.outsideLowPass { try requirePositive(lowPass, .maskLowPass, "the outside low-pass (Å)") }
        guard regularisation.isFinite, Self.regularisationRange.contains(regularisation) else {
            throw fail(.regularisation, "the factor T on the SSNR must lie in \(Self.regularisationRange.lowerBound)…\(Self.regularisationRange.upperBound) (got \(regularisation))")
        }
        guard (1...100_000_000).contains(noiseGroups.minimumParticles) else {
            throw fail(.noiseGroupMin, "must be between 1 and 100000000 particles (got \(noiseGroups.minimumParticles))")
        }
        guard starts >= 1 else { throw fail(.starts, "the number of starts must be at least 1 (got \(starts))") }
        guard startCycles >= 1 else { throw fail(.startCycles, "each start runs at least 1 cycle (got \(startCycles))") }
    }

    /// Checks the options that depend on the data: box size N (pixels) and pixel size p (Å).
    /// The sphere must lie inside the box, the outer radius within N·p/2, and resolutions must
    /// not be finer than Nyquist (2p).
    public func validate(boxSize: Int, pixelSize: Double) throws {
        func fail(_ option: Option, _ message: String) -> ConfigurationError {
            ConfigurationError(option: option.rawValue, message)
        }
        let halfWidth = Double(boxSize) * pixelSize / 2
        guard outerRadius <= halfWidth else {
            throw fail(.outerRadius, "\(outerRadius) Å is larger than half the box (\(halfWidth) Å = \(boxSize) px × \(pixelSize) Å / 2)")
        }
        let nyquist = 2 * pixelSize
        guard classificationResolution >= nyquist else {
            throw fail(.resolution, "\(classificationResolution) Å is finer than Nyquist (\(nyquist) Å)")
        }
        guard referenceBand.high >= nyquist else {
            throw fail(.referenceHigh, "\(referenceBand.high) Å is finer than Nyquist (\(nyquist) Å)")
        }
        if let sphere {
            let c = sphere.centreFromMapCentre(pixelSize: pixelSize, boxSize: boxSize)
            let r = sphere.radius / pixelSize
            let low = -Double(boxSize / 2), high = Double(boxSize - 1 - boxSize / 2)
            let inside = (c - SIMD3(repeating: r) .>= SIMD3(repeating: low)) .& (c + SIMD3(repeating: r) .<= SIMD3(repeating: high))
            guard all(inside) else {
                throw fail(.sphere, "the sphere (centre \(sphere.x), \(sphere.y), \(sphere.z) Å from the map \(sphere.origin.rawValue), radius \(sphere.radius) Å) does not fit inside the \(boxSize)-pixel box of \(pixelSize) Å pixels")
            }
        }
    }
}
