import CHDF5

/// Attributes: small named values attached to a file (its root group), a group or a dataset.
/// Setting an attribute that exists replaces it. Errors name the object and, as the field,
/// the attribute.
extension HDF5Object {
    /// Sets a variable-length UTF-8 string attribute.
    public func setAttribute(_ name: String, _ value: String) throws {
        try HDF5Lock.run {
            let type = hdf5MakeStringType(fixedLength: nil)
            defer { H5Tclose(type) }
            try writeAttribute(name, type: type, shape: []) { attribute in
                try HDF5StringCodec.withEncoded([value], fixedLength: nil, errors: errors, path: path, field: name) {
                    H5Awrite(attribute, $0, $1)
                }
            }
        }
    }

    /// Sets a scalar number attribute.
    public func setAttribute<T: HDF5Scalar>(_ name: String, _ value: T) throws {
        try setNumbers(name, [value], shape: [])
    }

    /// Sets a one-dimensional number attribute.
    public func setAttribute<T: HDF5Scalar>(_ name: String, _ values: [T]) throws {
        try setNumbers(name, values, shape: [values.count])
    }

    /// Whether the attribute `name` exists.
    public func hasAttribute(_ name: String) -> Bool {
        HDF5Lock.run {
            guard let object = try? liveID() else { return false }
            return H5Aexists(object, name) > 0
        }
    }

    /// Names of all attributes, in name order.
    public func attributeNames() throws -> [String] {
        try HDF5Lock.run {
            let object = try liveID()
            let count = fovea_h5_attribute_count(object)
            guard count >= 0 else { throw fail("cannot count the attributes") }
            return try (0..<hsize_t(count)).map { index in
                let length = H5Aget_name_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, hid_t(H5P_DEFAULT))
                guard length >= 0 else { throw fail("cannot read the name of attribute \(index)") }
                var text = [CChar](repeating: 0, count: length + 1)
                H5Aget_name_by_idx(object, ".", H5_INDEX_NAME, H5_ITER_INC, index, &text, text.count, hid_t(H5P_DEFAULT))
                return String(hdf5Buffer: text)
            }
        }
    }

    /// Reads a string attribute (fixed or variable length; a one-element array is accepted).
    public func stringAttribute(_ name: String) throws -> String {
        try HDF5Lock.run {
            try readAttribute(name) { attribute, type, space, count in
                guard count == 1 else { throw fail("has \(count) strings, expected one", field: name) }
                return try HDF5StringCodec.decode(count: 1, fileType: type, space: space, errors: errors, path: path, field: name) {
                    H5Aread(attribute, $0, $1)
                }[0]
            }
        }
    }

    /// Reads a scalar (or one-element) number attribute as `T`; the stored type must match.
    public func attribute<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws -> T {
        let values = try arrayAttribute(name, as: T.self)
        guard values.count == 1 else {
            throw HDF5Lock.run { fail("has \(values.count) values, expected one", field: name) }
        }
        return values[0]
    }

    /// Reads a number attribute of any shape, row-major, as `T`; the stored type must match.
    public func arrayAttribute<T: HDF5Scalar>(_ name: String, as type: T.Type = T.self) throws -> [T] {
        try HDF5Lock.run {
            try readAttribute(name) { attribute, storedType, _, count in
                let stored = HDF5ElementKind.of(type: storedType)
                guard stored == T.hdf5ElementKind else {
                    throw fail("holds \(stored), not \(T.hdf5ElementKind) (\(T.self))", field: name)
                }
                return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                    if count > 0 {
                        try errors.check(H5Aread(attribute, T.hdf5MemoryType, buffer.baseAddress), at: path, field: name,
                                         "cannot read the attribute")
                    }
                    initialized = count
                }
            }
        }
    }

    // MARK: Helpers (called with the lock held)

    func fail(_ message: String, field: String) -> FormatError {
        errors.error(at: path, field: field, message)
    }

    private func setNumbers<T: HDF5Scalar>(_ name: String, _ values: [T], shape: [Int]) throws {
        try HDF5Lock.run {
            try writeAttribute(name, type: T.hdf5MemoryType, shape: shape) { attribute in
                values.withUnsafeBytes { H5Awrite(attribute, T.hdf5MemoryType, $0.baseAddress) }
            }
        }
    }

    /// Replaces attribute `name` with a new one of `type` and `shape`, filled by `write`.
    private func writeAttribute(_ name: String, type: hid_t, shape: [Int], _ write: (hid_t) throws -> herr_t) throws {
        let object = try liveID()
        if H5Aexists(object, name) > 0 {
            try errors.check(H5Adelete(object, name), at: path, field: name, "cannot replace the attribute")
        }
        let space = hdf5MakeDataspace(shape: shape)
        defer { H5Sclose(space) }
        let attribute = try errors.checkID(H5Acreate2(object, name, type, space, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)),
                                           at: path, field: name, "cannot create the attribute")
        defer { H5Aclose(attribute) }
        try errors.check(try write(attribute), at: path, field: name, "cannot write the attribute")
    }

    /// Opens attribute `name` and calls `body` with it, its stored type, its dataspace and its
    /// element count.
    private func readAttribute<R>(_ name: String, _ body: (hid_t, hid_t, hid_t, Int) throws -> R) throws -> R {
        let object = try liveID()
        guard H5Aexists(object, name) > 0 else { throw fail("no such attribute", field: name) }
        let attribute = try errors.checkID(H5Aopen(object, name, hid_t(H5P_DEFAULT)), at: path, field: name,
                                           "cannot open the attribute")
        defer { H5Aclose(attribute) }
        let type = try errors.checkID(H5Aget_type(attribute), at: path, field: name, "cannot read the attribute's type")
        defer { H5Tclose(type) }
        let space = try errors.checkID(H5Aget_space(attribute), at: path, field: name, "cannot read the attribute's shape")
        defer { H5Sclose(space) }
        guard let shape = hdf5Shape(ofSpace: space) else { throw fail("cannot read the attribute's shape", field: name) }
        // A fixed-length string of n bytes is one element of n bytes; numbers are at most 8.
        let elementSize = max(8, Int(clamping: H5Tget_size(type)))
        let count = try HDF5ReadPlan.checkedCount(shape, elementSize: elementSize, object: object, errors: errors,
                                                  at: path, field: name)
        return try body(attribute, type, space, count)
    }
}
