import FoveaCore
import FoveaReport
import Testing
import _FoveaTestSupport

/// The report draws its difference panels from the classes' sections alone (one class map held at
/// a time): a section of the difference maps must equal the difference of the sections, voxel for
/// voxel, against the whole-volume computation.
@Suite struct SectionDifferenceTests {
    @Test func differencesOfSectionsAreSectionsOfDifferences() {
        var random = TestRandom(seed: 0x5EC7)
        for _ in 0..<24 {
            let n = Int(random.uniform(2, 13)), k = Int(random.uniform(2, 6))
            let volumes = (0..<k).map { _ in
                Volume(size: n, pixelSize: 1.5, voxels: (0..<(n * n * n)).map { _ in Float(random.gaussian()) })
            }
            let point = SIMD3(Int(random.uniform(-2, Double(n + 2))), Int(random.uniform(0, Double(n))),
                              Int(random.uniform(0, Double(n))))
            let sections = volumes.map { MapViews.sections($0, through: point).map(\.values) }
            let wholeDifferences = RunReportData.differencesFromMean(volumes)
            let wholeMerged = RunReportData.mergedDifference(volumes)!
            for plane in 0..<3 {
                let ofSections = RunReportData.differencesFromMean(sections.map { $0[plane] })
                for c in 0..<k {
                    #expect(ofSections[c] == MapViews.sections(wholeDifferences[c], through: point)[plane].values)
                }
                #expect(RunReportData.mergedDifference(sections.map { $0[plane] })
                        == MapViews.sections(wholeMerged, through: point)[plane].values)
            }
        }
    }
}
