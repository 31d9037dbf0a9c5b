import FoveaCore

/// One file written by `HumanoidExport`.
public struct HumanoidManifestEntry: Sendable, Codable, Equatable {
    /// File name inside the output folder.
    public var file: String
    /// "component", "state", "mask" (binary) or "soft_mask".
    public var kind: String
    /// Component, state code or region name.
    public var name: String
    /// What it is, in words.
    public var description: String
    /// Catalog number 1–28 (states only).
    public var catalogNumber: Int?
    /// The preprint's names of the map, e.g. ["A2", "B2", "C2"] (states only).
    public var preprintNames: [String]?
    /// The state (states only).
    public var state: HumanoidState?
}

/// What `HumanoidExport` wrote: the grid, the settings, the focus sphere and every file.
public struct HumanoidManifest: Sendable, Codable, Equatable {
    public var boxSize: Int
    public var pixelSize: Double
    public var edgeSigma: Double
    public var scenarios: [Int]
    public var maskSettings: HumanoidMaskSettings
    public var armHandSphere: FocusSphere
    public var entries: [HumanoidManifestEntry]

    /// Tab-separated table: file, kind, name, catalog number, preprint names, description.
    public var tsv: String {
        var lines = ["file\tkind\tname\tcatalog_number\tpreprint_names\tdescription"]
        for e in entries {
            lines.append([e.file, e.kind, e.name, e.catalogNumber.map(String.init) ?? "",
                          (e.preprintNames ?? []).joined(separator: ","), e.description].joined(separator: "\t"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Writes the humanoid's component maps, the full maps of the chosen scenarios' states, and the
/// region masks (binary and soft) through a `HumanoidMapSink`.
public enum HumanoidExport {
    /// Writes everything and returns the manifest. `scenarios` selects the state maps: the union
    /// of their maps in catalog order (all three scenarios give the 28 maps). `components`, if
    /// given, must be `geometry`'s rendered on `grid` (e.g. kept for simulating particles next).
    public static func write(to sink: any HumanoidMapSink, grid: HumanoidGrid,
                             geometry: HumanoidGeometry = HumanoidGeometry(),
                             scenarios: [HumanoidScenario] = HumanoidScenario.allCases,
                             maskSettings: HumanoidMaskSettings = HumanoidMaskSettings(),
                             components: HumanoidComponentMaps? = nil) throws -> HumanoidManifest {
        let components = components ?? HumanoidComponentMaps(geometry: geometry, grid: grid)
        precondition(components.grid == grid, "The component maps must be on the export's grid")
        var entries: [HumanoidManifestEntry] = []
        for component in HumanoidComponent.all {
            let file = "component_\(component).mrc"
            try sink.write(components[component], fileName: file)
            entries.append(HumanoidManifestEntry(file: file, kind: "component", name: "\(component)",
                                                 description: describe(component)))
        }
        let wanted = Set(scenarios.flatMap { $0.maps })
        for (offset, state) in HumanoidCatalog.states.enumerated() where wanted.contains(state) {
            let number = offset + 1
            let file = "state_H\(number < 10 ? "0" : "")\(number)_\(state).mrc"
            try sink.write(components.map(of: state), fileName: file)
            entries.append(HumanoidManifestEntry(
                file: file, kind: "state", name: "\(state)", description: describe(state),
                catalogNumber: number, preprintNames: HumanoidCatalog.names(of: state), state: state))
        }
        for region in HumanoidRegion.allCases {
            let binary = geometry.binaryMask(region, on: grid, settings: maskSettings)
            try sink.write(binary, fileName: "mask_\(region.rawValue).mrc")
            entries.append(HumanoidManifestEntry(file: "mask_\(region.rawValue).mrc", kind: "mask",
                                                 name: region.rawValue, description: region.summary))
            let soft = RegionSoftEdge.soften(binary, edgePixels: maskSettings.softEdgeWidth)
            try sink.write(soft, fileName: "softmask_\(region.rawValue).mrc")
            entries.append(HumanoidManifestEntry(
                file: "softmask_\(region.rawValue).mrc", kind: "soft_mask", name: region.rawValue,
                description: region.summary + "; cosine edge \(maskSettings.softEdgeWidth) px"))
        }
        return HumanoidManifest(boxSize: grid.size, pixelSize: grid.pixelSize, edgeSigma: geometry.edgeSigma,
                                scenarios: scenarios.map(\.rawValue), maskSettings: maskSettings,
                                armHandSphere: geometry.armHandSphere(on: grid), entries: entries)
    }

    static func describe(_ component: HumanoidComponent) -> String {
        switch component {
        case .core: return "constant core: legs, body, neck, head (exactly two-fold symmetric about z)"
        case let .arm(side, conformation): return "arm of side \(side) (\(side == .a ? "+x" : "-x")), \(conformation)"
        case let .hand(side, conformation): return "hand of side \(side) at the end of the \(conformation) arm"
        case let .foot(side): return "foot of side \(side)"
        }
    }

    static func describe(_ state: HumanoidState) -> String {
        func side(_ s: HumanoidSide) -> String {
            let parts = state[s]
            return "side \(s): arm \(parts.arm), hand \(parts.handPresent ? "present" : "absent"), "
                + "foot \(parts.footPresent ? "present" : "absent")"
        }
        return side(.a) + "; " + side(.b)
    }
}
