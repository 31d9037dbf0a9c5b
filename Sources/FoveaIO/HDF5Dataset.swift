import CHDF5

/// An open HDF5 dataset: an n-dimensional array of numbers or strings, stored row-major
/// (first index slowest). Rows are slices along the first dimension; a scalar dataset has
/// shape [] and one element.
public final class HDF5Dataset: HDF5Object {
    /// Dimensions of the dataset, slowest first ([] for a scalar).
    public func shape() throws -> [Int] {
        try HDF5Lock.run { try shapeUnlocked() }
    }

    /// What each element is, as stored.
    public func elementKind() throws -> HDF5ElementKind {
        try HDF5Lock.run {
            let type = try errors.checkID(H5Dget_type(try liveID()), at: path, "cannot read the element type")
            defer { H5Tclose(type) }
            return HDF5ElementKind.of(type: type)
        }
    }

    // MARK: Numbers

    /// Writes the whole dataset from `values` (row-major; count = product of the shape).
    public func write<T: HDF5Scalar>(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { try write(from: $0) }
    }

    /// Writes the whole dataset from `buffer` (row-major; count = product of the shape).
    public func write<T: HDF5Scalar>(from buffer: UnsafeBufferPointer<T>) throws {
        try HDF5Lock.run {
            try transfer(T.self, rows: nil, count: buffer.count, isWrite: true,
                         UnsafeMutableRawPointer(mutating: buffer.baseAddress))
        }
    }

    /// Writes `values` into rows `row ..< row + k` along the first dimension, where
    /// `values.count` is k times the size of one row.
    public func writeRows<T: HDF5Scalar>(_ values: [T], startingAt row: Int) throws {
        try HDF5Lock.run {
            let shape = try shapeUnlocked()
            guard let rowSize = HDF5ReadPlan.elementCount(Array(shape.dropFirst())) else {
                throw fail("dimensions \(shape) are too large")
            }
            guard rowSize > 0, values.count % rowSize == 0 else {
                throw fail("\(values.count) values are not a whole number of rows of \(rowSize) elements")
            }
            try values.withUnsafeBufferPointer {
                try transfer(T.self, rows: row ..< row + values.count / rowSize, count: $0.count, isWrite: true,
                             UnsafeMutableRawPointer(mutating: $0.baseAddress))
            }
        }
    }

    /// Reads the whole dataset (row-major) as `T`.
    public func read<T: HDF5Scalar>(as type: T.Type = T.self) throws -> [T] {
        try HDF5Lock.run {
            let count = try HDF5ReadPlan.checkedCount(try shapeUnlocked(), elementSize: MemoryLayout<T>.stride,
                                                      object: try liveID(), errors: errors, at: path)
            return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                try transfer(T.self, rows: nil, count: count, isWrite: false, UnsafeMutableRawPointer(buffer.baseAddress))
                initialized = count
            }
        }
    }

    /// Reads the whole dataset into `buffer`, whose count must equal the dataset's element count.
    public func read<T: HDF5Scalar>(into buffer: UnsafeMutableBufferPointer<T>) throws {
        try HDF5Lock.run {
            try transfer(T.self, rows: nil, count: buffer.count, isWrite: false, UnsafeMutableRawPointer(buffer.baseAddress))
        }
    }

    /// Reads rows `rows` along the first dimension (a hyperslab), row-major: the result has
    /// `rows.count` times the size of one row elements.
    public func readRows<T: HDF5Scalar>(_ rows: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        try HDF5Lock.run {
            let shape = try shapeUnlocked()
            guard let rowCount = shape.first, rows.lowerBound >= 0, rows.upperBound <= rowCount else {
                throw fail("rows \(rows.lowerBound)..<\(rows.upperBound) are outside the dataset's \(shape.first ?? 0) rows")
            }
            let count = try HDF5ReadPlan.checkedCount([rows.count] + shape.dropFirst(), elementSize: MemoryLayout<T>.stride,
                                                      object: try liveID(), errors: errors, at: path)
            return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                try transfer(T.self, rows: rows, count: count, isWrite: false, UnsafeMutableRawPointer(buffer.baseAddress))
                initialized = count
            }
        }
    }

    // MARK: Strings

    /// Writes the whole string dataset (count = product of the shape).
    public func writeStrings(_ strings: [String]) throws {
        try HDF5Lock.run {
            let datasetID = try liveID()
            let shape = try shapeUnlocked()
            guard let count = HDF5ReadPlan.elementCount(shape) else { throw fail("dimensions \(shape) are too large") }
            guard strings.count == count else {
                throw fail("\(strings.count) strings given for a dataset of \(count) elements")
            }
            let fileType = try errors.checkID(H5Dget_type(datasetID), at: path, "cannot read the element type")
            defer { H5Tclose(fileType) }
            guard case .string(let fixedLength) = HDF5ElementKind.of(type: fileType) else {
                throw fail("holds \(HDF5ElementKind.of(type: fileType)), not strings")
            }
            try HDF5StringCodec.withEncoded(strings, fixedLength: fixedLength, errors: errors, path: path) { memoryType, bytes in
                try errors.check(H5Dwrite(datasetID, memoryType, fovea_h5s_all(), fovea_h5s_all(), hid_t(H5P_DEFAULT), bytes),
                                 at: path, "cannot write the strings")
            }
        }
    }

    /// Reads the whole string dataset (fixed or variable length), row-major.
    public func readStrings() throws -> [String] {
        try HDF5Lock.run {
            let datasetID = try liveID()
            let fileType = try errors.checkID(H5Dget_type(datasetID), at: path, "cannot read the element type")
            defer { H5Tclose(fileType) }
            let space = try errors.checkID(H5Dget_space(datasetID), at: path, "cannot read the dataspace")
            defer { H5Sclose(space) }
            let elementSize = max(MemoryLayout<UnsafeRawPointer>.stride, Int(clamping: H5Tget_size(fileType)))
            let count = try HDF5ReadPlan.checkedCount(try shapeUnlocked(), elementSize: elementSize,
                                                      object: datasetID, errors: errors, at: path)
            return try HDF5StringCodec.decode(count: count, fileType: fileType, space: space, errors: errors, path: path) { memoryType, bytes in
                H5Dread(datasetID, memoryType, fovea_h5s_all(), fovea_h5s_all(), hid_t(H5P_DEFAULT), bytes)
            }
        }
    }

    // MARK: Helpers (called with the lock held)

    private func shapeUnlocked() throws -> [Int] {
        let space = try errors.checkID(H5Dget_space(try liveID()), at: path, "cannot read the dataspace")
        defer { H5Sclose(space) }
        guard let shape = hdf5Shape(ofSpace: space) else { throw fail("cannot read the dataset's dimensions") }
        return shape
    }

    /// Moves `count` elements of `T` between `buffer` and the whole dataset (`rows` nil) or rows
    /// `rows` of it, after checking the stored type and the counts.
    private func transfer<T: HDF5Scalar>(_ type: T.Type, rows: Range<Int>?, count: Int, isWrite: Bool,
                                         _ buffer: UnsafeMutableRawPointer?) throws {
        let datasetID = try liveID()
        let stored = try elementKindUnlocked(datasetID)
        guard stored == T.hdf5ElementKind else {
            throw fail("holds \(stored), not \(T.hdf5ElementKind) (\(T.self))")
        }
        let shape = try shapeUnlocked()
        let fileSpace = try errors.checkID(H5Dget_space(datasetID), at: path, "cannot read the dataspace")
        defer { H5Sclose(fileSpace) }
        var memorySpace = fovea_h5s_all()
        guard var expected = HDF5ReadPlan.elementCount(shape) else { throw fail("dimensions \(shape) are too large") }
        if let rows {
            guard let rowCount = shape.first else { throw fail("is a scalar; it has no rows") }
            guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
                throw fail("rows \(rows.lowerBound)..<\(rows.upperBound) are outside the dataset's \(rowCount) rows")
            }
            var start = [hsize_t](repeating: 0, count: shape.count)
            var extent = shape.map { hsize_t($0) }
            start[0] = hsize_t(rows.lowerBound)
            extent[0] = hsize_t(rows.count)
            try errors.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, extent, nil),
                             at: path, "cannot select rows \(rows)")
            memorySpace = H5Screate_simple(Int32(extent.count), extent, nil)
            guard let rowsCount = HDF5ReadPlan.elementCount([rows.count] + shape.dropFirst()) else {
                throw fail("dimensions \(shape) are too large")
            }
            expected = rowsCount
        }
        defer { if rows != nil { H5Sclose(memorySpace) } }
        guard count == expected else {
            throw fail("\(count) values given for \(expected) elements (shape \(shape)\(rows.map { ", rows \($0)" } ?? ""))")
        }
        if expected == 0 { return }
        let selection = rows == nil ? fovea_h5s_all() : fileSpace
        if isWrite {
            try errors.check(H5Dwrite(datasetID, T.hdf5MemoryType, memorySpace, selection, hid_t(H5P_DEFAULT), buffer),
                             at: path, "cannot write the dataset")
        } else {
            try errors.check(H5Dread(datasetID, T.hdf5MemoryType, memorySpace, selection, hid_t(H5P_DEFAULT), buffer),
                             at: path, "cannot read the dataset")
        }
    }

    private func elementKindUnlocked(_ datasetID: hid_t) throws -> HDF5ElementKind {
        let type = try errors.checkID(H5Dget_type(datasetID), at: path, "cannot read the element type")
        defer { H5Tclose(type) }
        return HDF5ElementKind.of(type: type)
    }
}
