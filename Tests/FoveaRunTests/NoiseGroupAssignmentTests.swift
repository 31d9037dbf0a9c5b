import Foundation
import Testing
import FoveaClassify
import FoveaCore
import FoveaIO
import FoveaRun

/// Noise groups from a table: micrographs (or optics groups) pooled in sorted order to at least the
/// minimum, every micrograph whole in one group, independent of the table's row order.
@Suite struct NoiseGroupAssignmentTests {
    struct Draw {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static func table(micrographs: [String]?, optics: [Int]) -> ParticleTable {
        let records = optics.indices.map { i in
            ParticleRecord(image: ImageLocation(path: "s.mrcs", index: i), angles: EulerAngles(phi: 0, theta: 0, psi: 0),
                           defocusU: 10_000, defocusV: 10_000, voltage: 300, sphericalAberration: 2.7, amplitudeContrast: 0.1,
                           pixelSize: 2, opticsGroup: optics[i], extraValues: micrographs.map { [$0[i]] } ?? [])
        }
        return ParticleTable(particles: records, extraColumns: micrographs == nil ? [] : ["rlnMicrographName"])
    }

    @Test(arguments: 0..<40)
    func micrographsArePooledToTheMinimumInNameOrder(seed: Int) throws {
        var draw = Draw(state: UInt64(seed))
        let micrographCount = 1 + draw.next(30), minimum = 1 + draw.next(120)
        let names = (0..<micrographCount).map { "mics/m\(String(format: "%03d", $0 * 7 % 101)).mrc" }
        var micrographs: [String] = []
        for name in names { micrographs += Array(repeating: name, count: 1 + draw.next(60)) }
        // Shuffled rows: the grouping may not depend on the row order.
        for i in stride(from: micrographs.count - 1, to: 0, by: -1) { micrographs.swapAt(i, draw.next(i + 1)) }
        let table = Self.table(micrographs: micrographs, optics: micrographs.map { _ in 1 })
        let groups = NoiseGroupAssignment(table: table, settings: NoiseGroupSettings(mode: .micrograph, minimumParticles: minimum))
        #expect(groups.notice == nil)
        #expect(groups.groupOfParticle.count == table.count)
        var groupOfName: [String: Int] = [:]
        for (name, group) in zip(micrographs, groups.groupOfParticle) {
            #expect(groupOfName[name, default: group] == group, "micrograph \(name) split")
            groupOfName[name] = group
        }
        // Groups 0 … G−1 in name order, each at least the minimum unless there is only one.
        let sortedGroups = groupOfName.keys.sorted().map { groupOfName[$0]! }
        #expect(sortedGroups == sortedGroups.sorted())
        #expect(Set(sortedGroups) == Set(0..<groups.groupCount))
        let sizes = (0..<groups.groupCount).map { g in groups.groupOfParticle.filter { $0 == g }.count }
        if groups.groupCount > 1 { #expect(sizes.allSatisfy { $0 >= minimum }, "\(sizes) minimum \(minimum)") }
        // Maximal pooling: a group closes as soon as it reaches the minimum, so removing its last
        // micrograph leaves it under the minimum (the last group may have absorbed a remainder).
        var counts: [String: Int] = [:]
        for name in micrographs { counts[name, default: 0] += 1 }
        for g in 0..<max(0, groups.groupCount - 1) {
            let members = groupOfName.keys.filter { groupOfName[$0] == g }.sorted()
            #expect(sizes[g] - counts[members.last!]! < minimum)
        }
        if micrographs.count < 2 * minimum { #expect(groups.groupCount == 1) }
    }

    @Test func opticsGroupsAndMissingMicrographNames() throws {
        let optics = (0..<300).map { $0 < 20 ? 3 : $0 < 200 ? 1 : 2 }
        let byOptics = NoiseGroupAssignment(table: Self.table(micrographs: nil, optics: optics),
                                            settings: NoiseGroupSettings(mode: .optics, minimumParticles: 50))
        // Optics 1 (180) is a group; 2 (100) and 3 (20): 2 reaches 50 alone, 3 is too small and joins it.
        #expect(byOptics.groupCount == 2)
        #expect(zip(optics, byOptics.groupOfParticle).allSatisfy { $0.0 == 1 ? $0.1 == 0 : $0.1 == 1 })
        let none = NoiseGroupAssignment(table: Self.table(micrographs: nil, optics: optics),
                                        settings: NoiseGroupSettings(mode: .micrograph, minimumParticles: 1))
        #expect(none.groupCount == 1 && none.groupOfParticle.allSatisfy { $0 == 0 })
        #expect(none.notice?.contains("rlnMicrographName") == true)
        let off = NoiseGroupAssignment(table: Self.table(micrographs: optics.map { "m\($0)" }, optics: optics),
                                       settings: NoiseGroupSettings(mode: .none, minimumParticles: 1))
        #expect(off.groupCount == 1 && off.notice == nil)
    }

    @Test func olderConfigurationsReadAsOneSpectrumAndAChangeIsRefusedOnContinue() throws {
        let config = try ClassificationConfig(classCount: 2, cycles: 3, outerRadius: 50, classificationResolution: 10,
                                              referenceBand: ReferenceBand(low: 100, high: 10), molecularMass: 100,
                                              noiseGroups: NoiseGroupSettings(mode: .micrograph, minimumParticles: 40))
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any])
        #expect(json["noiseGroups"] != nil)
        json.removeValue(forKey: "noiseGroups")
        let older = try JSONDecoder().decode(ClassificationConfig.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(older.noiseGroups == .single)
        #expect(try JSONDecoder().decode(ClassificationConfig.self, from: JSONEncoder().encode(config)) == config)
        #expect(throws: ConfigurationError.self) { try older.checkContinuation(with: config) }
        #expect(config.differingOptions(from: older) == [.noiseGroups, .noiseGroupMin])
        #expect(throws: ConfigurationError.self) {
            _ = try ClassificationConfig(classCount: 2, cycles: 3, outerRadius: 50, classificationResolution: 10,
                                         referenceBand: ReferenceBand(low: 100, high: 10), molecularMass: 100,
                                         noiseGroups: NoiseGroupSettings(mode: .optics, minimumParticles: 0))
        }
    }
}
