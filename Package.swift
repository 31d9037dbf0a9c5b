// swift-tools-version:6.0
// Fovea: focused 3-D classification of cryo-EM particles with fixed alignments, over MPI.
// Module layout and ownership: docs/architecture.md.
import PackageDescription

/// Settings shared by every Swift target (one place, as the architecture guide asks).
let sharedSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Fovea",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fovea", targets: ["fovea"]),
        .library(name: "FoveaCore", targets: ["FoveaCore"]),
        .library(name: "FoveaIO", targets: ["FoveaIO"]),
        .library(name: "FoveaDistributed", targets: ["FoveaDistributed"]),
        .library(name: "FoveaClassify", targets: ["FoveaClassify"]),
        .library(name: "FoveaSimulate", targets: ["FoveaSimulate"]),
        .library(name: "FoveaAnalysis", targets: ["FoveaAnalysis"]),
        .library(name: "FoveaRun", targets: ["FoveaRun"]),
        .library(name: "FoveaReport", targets: ["FoveaReport"]),
        .library(name: "FoveaUserTools", targets: ["FoveaUserTools"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // C surfaces: module maps plus tiny shims for the macros Swift cannot import.
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CFFTW", path: "Sources/CFFTW", pkgConfig: "fftw3f",
                       providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),

        .target(name: "FoveaCore",
                dependencies: ["CFFTW", .product(name: "Numerics", package: "swift-numerics")],
                swiftSettings: sharedSwiftSettings),
        .target(name: "FoveaIO", dependencies: ["FoveaCore", "CHDF5", "CPNG"],
                swiftSettings: sharedSwiftSettings),
        .target(name: "FoveaDistributed", dependencies: ["CMPI"],
                swiftSettings: sharedSwiftSettings),
        .target(name: "FoveaClassify", dependencies: ["FoveaCore", "FoveaDistributed"],
                swiftSettings: sharedSwiftSettings),
        .target(name: "FoveaSimulate", dependencies: ["FoveaCore", "FoveaIO"],
                swiftSettings: sharedSwiftSettings),
        .target(name: "FoveaAnalysis", dependencies: ["FoveaCore", "FoveaIO"],
                swiftSettings: sharedSwiftSettings),
        // The user's particle and mask tools: select, collapse, expand, mask building and previews.
        .target(name: "FoveaUserTools", dependencies: ["FoveaCore", "FoveaIO", "FoveaAnalysis"],
                swiftSettings: sharedSwiftSettings),
        // A classification run as a job: inputs, sharding, checkpoints, outputs, progress, signals.
        .target(name: "FoveaRun", dependencies: ["FoveaClassify", "FoveaIO", "FoveaCore", "FoveaDistributed", "FoveaAnalysis"],
                swiftSettings: sharedSwiftSettings),
        // The HTML run report: SVG plots, PNG images (libpng).
        .target(name: "FoveaReport", dependencies: ["FoveaRun", "FoveaAnalysis", "FoveaClassify", "FoveaIO", "FoveaCore"],
                swiftSettings: sharedSwiftSettings),
        .executableTarget(
            name: "fovea",
            dependencies: ["FoveaCore", "FoveaIO", "FoveaDistributed", "FoveaClassify", "FoveaRun", "FoveaReport",
                           "FoveaSimulate", "FoveaAnalysis", "FoveaUserTools", "CFFTW", "CHDF5", "CMPI",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: sharedSwiftSettings),
        // The readers' fuzz harness: seeded mutations and each reader run as the program runs it
        // (Tests/FoveaFuzzingTests; libFuzzer through FoveaFuzz and scripts/fuzz.sh).
        .target(name: "FoveaFuzzing", dependencies: ["FoveaIO", "FoveaRun", "FoveaAnalysis", "FoveaUserTools", "FoveaClassify", "FoveaCore"],
                swiftSettings: sharedSwiftSettings),
        // libFuzzer entry point; a stub unless built by scripts/fuzz.sh (-DFOVEA_FUZZ); not a product.
        .executableTarget(name: "FoveaFuzz", dependencies: ["FoveaFuzzing"], swiftSettings: sharedSwiftSettings),
        // Kernel benchmark (benchmarks/core-kernels/run.sh); not a product.
        .executableTarget(name: "fovea-bench-kernels", dependencies: ["FoveaCore"],
                          path: "benchmarks/core-kernels", exclude: ["run.sh"],
                          swiftSettings: sharedSwiftSettings),

        // Helpers for the test targets only (seeded test inputs, folders, external programs).
        .target(name: "_FoveaTestSupport", path: "Tests/_FoveaTestSupport", exclude: ["README.md"], swiftSettings: sharedSwiftSettings),

        .testTarget(name: "FoveaCoreTests", dependencies: ["FoveaCore", "CFFTW", "_FoveaTestSupport"],
                    swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaIOTests", dependencies: ["FoveaIO", "FoveaCore", "_FoveaTestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaDistributedTests", dependencies: ["FoveaDistributed", "_FoveaTestSupport"],
                    swiftSettings: sharedSwiftSettings),
        // Test support only: drives `ClassificationCycle.run` for the tests (not a product).
        .target(name: "_FoveaClassifyTestSupport", dependencies: ["FoveaClassify", "FoveaCore", "FoveaDistributed"],
                path: "Tests/_FoveaClassifyTestSupport", swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaClassifyTests",
                    dependencies: ["FoveaClassify", "FoveaCore", "FoveaDistributed", "FoveaSimulate", "_FoveaTestSupport", "_FoveaClassifyTestSupport"],
                    swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaSimulateTests", dependencies: ["FoveaSimulate", "FoveaCore"],
                    swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaAnalysisTests", dependencies: ["FoveaAnalysis", "FoveaCore", "FoveaIO"],
                    swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaUserToolsTests", dependencies: ["FoveaUserTools", "FoveaAnalysis", "FoveaCore", "FoveaIO", "_FoveaTestSupport"],
                    swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaRunTests",
                    dependencies: ["FoveaRun", "FoveaClassify", "FoveaIO", "FoveaCore", "FoveaDistributed", "FoveaSimulate", "FoveaAnalysis", "FoveaUserTools"],
                    swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaReportTests",
                    dependencies: ["FoveaReport", "FoveaAnalysis", "FoveaRun", "FoveaClassify", "FoveaCore", "FoveaIO", "FoveaSimulate", "_FoveaTestSupport"],
                    swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaFuzzingTests", dependencies: ["FoveaFuzzing", "FoveaIO", "FoveaRun", "FoveaAnalysis", "FoveaCore"],
                    resources: [.copy("Regressions")], swiftSettings: sharedSwiftSettings),
        .testTarget(name: "FoveaCLITests", dependencies: ["FoveaCore"],
                    swiftSettings: sharedSwiftSettings),
    ]
)
