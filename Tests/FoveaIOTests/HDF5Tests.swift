import Foundation
import Testing
import FoveaIO

/// A fresh folder per test (tests run in parallel), removed at the end.
private func withTemporaryFolder<R>(_ body: (String) throws -> R) throws -> R {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fovea-hdf5-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder.path)
}

/// Distinct values 0, 1, 2, … converted to T, offset so negatives and fractions appear where T allows.
private func ramp<T: HDF5Scalar & Numeric>(_ count: Int, _ make: (Int) -> T) -> [T] { (0..<count).map(make) }

private let shapes: [[Int]] = [[], [1], [7], [3, 4], [2, 3, 5], [2, 1, 3, 2], [0], [4, 0]]

@Suite struct HDF5Tests {
    @Test func everyTypeAndShapeRoundTrips() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/types.h5"
            try HDF5File.write(to: path) { file in
                for (index, shape) in shapes.enumerated() {
                    let count = shape.reduce(1, *)
                    try file.writeDataset("f32/\(index)", ramp(count) { Float($0) * 1.25 - 3 }, shape: shape)
                    try file.writeDataset("f64/\(index)", ramp(count) { Double($0) / 3 - 1e10 }, shape: shape)
                    try file.writeDataset("i32/\(index)", ramp(count) { Int32($0) * -7 + Int32.max - 100 }, shape: shape)
                    try file.writeDataset("i64/\(index)", ramp(count) { Int64($0) * 3 - (1 << 40) }, shape: shape)
                    try file.writeDataset("int/\(index)", ramp(count) { $0 - 5 }, shape: shape)
                    try file.writeDataset("u8/\(index)", ramp(count) { UInt8(truncatingIfNeeded: $0 * 37) }, shape: shape)
                }
            }
            try HDF5File.read(path) { file in
                for (index, shape) in shapes.enumerated() {
                    let count = shape.reduce(1, *)
                    let dataset = try file.openDataset("f32/\(index)")
                    #expect(try dataset.shape() == shape)
                    #expect(try dataset.elementKind() == .float32)
                    #expect(try dataset.read(as: Float.self) == ramp(count) { Float($0) * 1.25 - 3 })
                    #expect(try file.readDataset("f64/\(index)", as: Double.self) == ramp(count) { Double($0) / 3 - 1e10 })
                    #expect(try file.readDataset("i32/\(index)", as: Int32.self) == ramp(count) { Int32($0) * -7 + Int32.max - 100 })
                    #expect(try file.readDataset("i64/\(index)", as: Int64.self) == ramp(count) { Int64($0) * 3 - (1 << 40) })
                    #expect(try file.readDataset("int/\(index)", as: Int.self) == ramp(count) { $0 - 5 })
                    #expect(try file.openDataset("int/\(index)").elementKind() == .int64)
                    #expect(try file.readDataset("u8/\(index)", as: UInt8.self) == ramp(count) { UInt8(truncatingIfNeeded: $0 * 37) })
                    #expect(try file.openDataset("u8/\(index)").elementKind() == .uint8)
                }
            }
        }
    }

    @Test func readingAsTheWrongTypeOrCountFails() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/mismatch.h5"
            try HDF5File.write(to: path) { file in
                try file.writeDataset("values", [1.0, 2.0, 3.0])
                let dataset = try file.createDataset("box", of: Float.self, shape: [2, 2])
                let error = #expect(throws: FormatError.self) { try dataset.write([Float](repeating: 1, count: 3)) }
                #expect(error?.description.contains("/box") == true)
            }
            try HDF5File.read(path) { file in
                let error = #expect(throws: FormatError.self) { try file.readDataset("values", as: Float.self) }
                #expect(error?.message.contains("float64") == true)
                #expect(throws: FormatError.self) { try file.readDataset("values", as: Int64.self) }
            }
        }
    }

    @Test func hyperslabRowsMatchTheWholeArray() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/rows.h5"
            let shape = [6, 3, 2]
            let values = ramp(36) { Float($0) + 0.5 }
            try HDF5File.write(to: path) { file in
                try file.writeDataset("stack", values, shape: shape)
                let partial = try file.createDataset("partial", of: Int32.self, shape: [4, 3])
                try partial.writeRows([Int32]([10, 11, 12, 20, 21, 22]), startingAt: 1)
            }
            try HDF5File.read(path) { file in
                let stack = try file.openDataset("stack")
                for rows in [0..<6, 1..<4, 5..<6, 2..<2] {
                    #expect(try stack.readRows(rows, as: Float.self) == Array(values[rows.lowerBound * 6 ..< rows.upperBound * 6]))
                }
                #expect(throws: FormatError.self) { try stack.readRows(4..<7, as: Float.self) }
                #expect(try file.readDataset("partial", as: Int32.self) == [0, 0, 0, 10, 11, 12, 20, 21, 22, 0, 0, 0])
                var buffer = [Float](repeating: 0, count: 36)
                try buffer.withUnsafeMutableBufferPointer { try stack.read(into: $0) }
                #expect(buffer == values)
            }
        }
    }

    @Test func nestedGroupsAreCreatedListedAndOpened() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/groups.h5"
            try HDF5File.write(to: path) { file in
                let deep = try file.createGroup("a/b/c")
                #expect(deep.path == "/a/b/c")
                try deep.writeDataset("x", [Int32(1), 2])
                try file.writeDataset("a/d/y", [Double.pi])
                #expect(throws: FormatError.self) { try file.createGroup("a/b") }
                #expect(try file.openOrCreateGroup("a/b").path == "/a/b")
            }
            try HDF5File.read(path) { file in
                #expect(file.contains("a/b/c/x") && file.contains("/a/d/y"))
                #expect(!file.contains("a/q/x") && !file.contains("nothing"))
                #expect(try file.childNames() == ["a"])
                let a = try file.openGroup("a")
                #expect(try a.childNames() == ["b", "d"])
                #expect(try a.readDataset("b/c/x", as: Int32.self) == [1, 2])
                #expect(try a.openGroup("/a/b/c").readDataset("x", as: Int32.self) == [1, 2])
                #expect(try file.readDataset("/a/d/y", as: Double.self) == [Double.pi])
                let error = #expect(throws: FormatError.self) { try file.openGroup("a/d/y") }
                #expect(error?.message.contains("not a group") == true)
            }
        }
    }

    @Test func variableAndFixedLengthStringsRoundTrip() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/strings.h5"
            let names = ["particles.star", "", "Å résolution", "a much longer string than the others"]
            try HDF5File.write(to: path) { file in
                try file.writeStrings("variable", names)
                try file.writeStrings("fixed", names, fixedLength: 40)
                try file.writeStrings("grid", ["a", "bb", "ccc", "dddd", "e", "f"], shape: [2, 3], fixedLength: 4)
                let error = #expect(throws: FormatError.self) { try file.writeStrings("short", names, fixedLength: 8) }
                #expect(error?.message.contains("string 0 is 14 bytes") == true)
            }
            do {
                let file = try HDF5File(openingAt: path)
                #expect(try file.readStrings("variable") == names)
                #expect(try file.readStrings("fixed") == names)
                #expect(try file.openDataset("variable").elementKind() == .string(fixedLength: nil))
                #expect(try file.openDataset("fixed").elementKind() == .string(fixedLength: 40))
                #expect(try file.readStrings("grid") == ["a", "bb", "ccc", "dddd", "e", "f"])
                #expect(try file.openDataset("grid").shape() == [2, 3])
                #expect(throws: FormatError.self) { try file.readDataset("fixed", as: Float.self) }
            }
        }
    }

    @Test func attributesOnFileGroupAndDataset() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/attributes.h5"
            try HDF5File.write(to: path) { file in
                try file.setAttribute("program", "fovea")
                try file.setAttribute("cycle", 12)
                let group = try file.createGroup("classes/1")
                try group.setAttribute("occupancy", 0.25)
                try group.setAttribute("resolution", Float(4.5))
                try group.setAttribute("box", [Int32(48), 48, 48])
                try group.setAttribute("seeds", [Int64(-1), 1 << 40])
                try group.setAttribute("label", "first")
                try group.setAttribute("label", "replaced")
                try file.writeDataset("classes/1/volume", [Float](repeating: 1, count: 8), shape: [2, 2, 2])
                try file.openDataset("classes/1/volume").setAttribute("pixel size (Å)", 1.5)
            }
            try HDF5File.read(path) { file in
                #expect(try file.stringAttribute("program") == "fovea")
                #expect(try file.attribute("cycle", as: Int.self) == 12)
                #expect(try file.attributeNames() == ["cycle", "program"])
                let group = try file.openGroup("classes/1")
                #expect(try group.attribute("occupancy", as: Double.self) == 0.25)
                #expect(try group.attribute("resolution", as: Float.self) == 4.5)
                #expect(try group.arrayAttribute("box", as: Int32.self) == [48, 48, 48])
                #expect(try group.arrayAttribute("seeds", as: Int64.self) == [-1, 1 << 40])
                #expect(try group.stringAttribute("label") == "replaced")
                #expect(try group.attributeNames() == ["box", "label", "occupancy", "resolution", "seeds"])
                #expect(try file.openDataset("classes/1/volume").attribute("pixel size (Å)", as: Double.self) == 1.5)
                #expect(group.hasAttribute("box") && !group.hasAttribute("nope"))

                let missing = #expect(throws: FormatError.self) { try group.stringAttribute("nope") }
                #expect(missing?.field == "nope" && missing?.location == "object /classes/1")
                let wrongType = #expect(throws: FormatError.self) { try group.attribute("occupancy", as: Float.self) }
                #expect(wrongType?.message.contains("float64") == true)
                #expect(throws: FormatError.self) { try group.attribute("box", as: Int32.self) }
                #expect(throws: FormatError.self) { try group.stringAttribute("box") }
            }
        }
    }

    @Test func missingDatasetErrorNamesFileAndPath() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/missing.h5"
            try HDF5File.write(to: path) { file in try file.createGroup("maps") }
            try HDF5File.read(path) { file in
                let error = #expect(throws: FormatError.self) { try file.openGroup("maps").openDataset("class_3") }
                #expect(error?.file == path)
                #expect(error?.location == "object /maps/class_3")
                #expect(error?.description.contains(path) == true && error?.description.contains("/maps/class_3") == true)
                #expect(throws: FormatError.self) { try file.readDataset("deeper/still/missing", as: Float.self) }
            }
            let notHDF5 = folder + "/plain.txt"
            try Data("not hdf5".utf8).write(to: URL(fileURLWithPath: notHDF5))
            let error = #expect(throws: FormatError.self) { try HDF5File(openingAt: notHDF5) }
            #expect(error?.file == notHDF5)
            // HDF5's own innermost explanation is appended to the message.
            #expect(error?.message.contains("(HDF5: ") == true, "\(String(describing: error))")
            #expect(throws: FormatError.self) { try HDF5File(openingAt: folder + "/absent.h5") }
        }
    }

    @Test func failedWriteLeavesExistingFileIntact() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/checkpoint.h5"
            try HDF5File.write(to: path) { file in try file.writeDataset("cycle", [Int64(4)]) }
            struct Interrupted: Error {}
            #expect(throws: Interrupted.self) {
                try HDF5File.write(to: path) { file in
                    try file.writeDataset("cycle", [Int64(5)])
                    throw Interrupted()
                }
            }
            #expect(throws: FormatError.self) {
                try HDF5File.write(to: path) { file in
                    try file.writeDataset("cycle", [Int64(6)])
                    try file.writeDataset("cycle", [Int64(7)])   // exists already: HDF5-level failure
                }
            }
            #expect(try HDF5File.read(path) { try $0.readDataset("cycle", as: Int64.self) } == [4])
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["checkpoint.h5"])
        }
    }

    @Test func readWriteModeAddsToAnExistingFileAndClosedObjectsThrow() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/update.h5"
            try HDF5File.write(to: path) { file in try file.writeDataset("a", [Float(1)]) }
            let file = try HDF5File(openingAt: path, mode: .readWrite)
            let dataset = try file.openDataset("a")
            try file.writeDataset("b", [Float(2)])
            try file.closeChecked()
            #expect(throws: FormatError.self) { try dataset.read(as: Float.self) }
            #expect(try HDF5File.read(path) { try $0.readDataset("b", as: Float.self) } == [2])
            let readOnly = try HDF5File(openingAt: path)
            #expect(throws: FormatError.self) { try readOnly.writeDataset("c", [Float(3)]) }
        }
    }

    @Test func objectsEscapingAWriteScopeAreClosedWithTheFile() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/escape.h5"
            var escaped: HDF5Dataset?
            try HDF5File.write(to: path) { file in
                escaped = try file.createDataset("kept", of: Double.self, shape: [3])
                try escaped?.write([1.0, 2, 3])
            }
            // The file was complete and renamed although the dataset object was still referenced.
            #expect(try HDF5File.read(path) { try $0.readDataset("kept", as: Double.self) } == [1, 2, 3])
            #expect(throws: FormatError.self) { try escaped?.read(as: Double.self) }
            let error = #expect(throws: FormatError.self) {
                try HDF5File.write(to: folder + "/no/such/folder/x.h5") { _ in }
            }
            #expect(error?.file == folder + "/no/such/folder/x.h5")
        }
    }

    @Test(.enabled(if: h5dumpPath != nil, "h5dump (Debian hdf5-tools) not installed"))
    func h5dumpReadsWhatWeWrite() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/dump.h5"
            try HDF5File.write(to: path) { file in
                try file.setAttribute("program", "fovea")
                try file.writeDataset("maps/volume", [Float(1.5), -2.25, 3, 4.75, 5, 6], shape: [2, 3])
                try file.writeDataset("maps/ids", [Int64(-9_000_000_000), 7])
                try file.writeStrings("names", ["alpha", "beta"])
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: h5dumpPath!)
            process.arguments = [path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let compact = output.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
            #expect(compact.contains("DATASET\"volume\"{DATATYPEH5T_IEEE_F32LEDATASPACESIMPLE{(2,3)/(2,3)}"))
            #expect(compact.contains("(0,0):1.5,-2.25,3,(1,0):4.75,5,6"))
            #expect(compact.contains("DATATYPEH5T_STD_I64LE") && compact.contains("(0):-9000000000,7"))
            #expect(compact.contains("(0):\"alpha\",\"beta\""))
            #expect(compact.contains("ATTRIBUTE\"program\"") && compact.contains("(0):\"fovea\""))
        }
    }
}

/// Where h5dump is, if installed.
private let h5dumpPath: String? = ["/usr/bin/h5dump", "/usr/local/bin/h5dump"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }
