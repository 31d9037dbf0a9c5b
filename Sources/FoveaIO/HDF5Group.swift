import CHDF5

/// An open HDF5 group. Paths given to its methods are relative to the group ("a/b/c") or
/// absolute within the file ("/a/b/c"); missing intermediate groups are created on writes.
public class HDF5Group: HDF5Object {
    /// The file this group lives in.
    var file: HDF5File { ownerFile ?? (self as! HDF5File) }

    // MARK: Groups

    /// Creates the group at `path` (and any missing groups above it). Throws if it exists.
    @discardableResult
    public func createGroup(_ path: String) throws -> HDF5Group {
        try HDF5Lock.run {
            let fullPath = try checkedChildPath(path)
            let location = try liveID()
            if existsUnlocked(path) { throw fail("already exists", at: fullPath) }
            let linkList = Self.intermediateGroupLinkList()
            defer { H5Pclose(linkList) }
            let groupID = try errors.checkID(
                H5Gcreate2(location, path, linkList, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)),
                at: fullPath, "cannot create the group")
            return HDF5Group(id: groupID, ownerFile: file, path: fullPath, errors: errors)
        }
    }

    /// Opens the existing group at `path`.
    public func openGroup(_ path: String) throws -> HDF5Group {
        try HDF5Lock.run {
            let (objectID, fullPath) = try openObject(path, expecting: H5I_GROUP, "group")
            return HDF5Group(id: objectID, ownerFile: file, path: fullPath, errors: errors)
        }
    }

    /// Opens the group at `path`, creating it (and groups above it) if missing.
    public func openOrCreateGroup(_ path: String) throws -> HDF5Group {
        try contains(path) ? openGroup(path) : createGroup(path)
    }

    /// Whether a group or dataset exists at `path`.
    public func contains(_ path: String) -> Bool {
        HDF5Lock.run { (try? liveID()) != nil && existsUnlocked(path) }
    }

    /// Names of the groups and datasets directly inside this group, in name order.
    public func childNames() throws -> [String] {
        try HDF5Lock.run {
            let location = try liveID()
            var info = H5G_info_t()
            try errors.check(H5Gget_info(location, &info), at: path, "cannot list the group")
            return try (0..<info.nlinks).map { index in
                let length = H5Lget_name_by_idx(location, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, hid_t(H5P_DEFAULT))
                guard length >= 0 else { throw fail("cannot read the name of link \(index)") }
                var name = [CChar](repeating: 0, count: Int(length) + 1)
                H5Lget_name_by_idx(location, ".", H5_INDEX_NAME, H5_ITER_INC, index, &name, name.count, hid_t(H5P_DEFAULT))
                return String(hdf5Buffer: name)
            }
        }
    }

    // MARK: Datasets

    /// Creates a dataset of `shape` (row-major, first index slowest; [] for a scalar) holding
    /// elements of type `T`, at `path`. Its values are zero until written.
    public func createDataset<T: HDF5Scalar>(_ path: String, of type: T.Type, shape: [Int]) throws -> HDF5Dataset {
        try HDF5Lock.run {
            let dataType = H5Tcopy(T.hdf5MemoryType)
            defer { H5Tclose(dataType) }
            return try createDatasetUnlocked(path, dataType: dataType, shape: shape)
        }
    }

    /// Creates a dataset at `path` and writes `values` (row-major; `shape` defaults to
    /// `[values.count]`, and its product must equal `values.count`).
    public func writeDataset<T: HDF5Scalar>(_ path: String, _ values: [T], shape: [Int]? = nil) throws {
        let dataset = try createDataset(path, of: T.self, shape: shape ?? [values.count])
        defer { dataset.close() }
        try dataset.write(values)
    }

    /// Opens the existing dataset at `path`.
    public func openDataset(_ path: String) throws -> HDF5Dataset {
        try HDF5Lock.run {
            let (objectID, fullPath) = try openObject(path, expecting: H5I_DATASET, "dataset")
            return HDF5Dataset(id: objectID, ownerFile: file, path: fullPath, errors: errors)
        }
    }

    /// Reads the whole dataset at `path` (row-major) as `T`.
    public func readDataset<T: HDF5Scalar>(_ path: String, as type: T.Type = T.self) throws -> [T] {
        let dataset = try openDataset(path)
        defer { dataset.close() }
        return try dataset.read(as: T.self)
    }

    /// Creates a string dataset at `path` holding `strings` (UTF-8; `shape` defaults to
    /// `[strings.count]`). Variable-length strings unless `fixedLength` (bytes) is given, in
    /// which case shorter strings are padded with NULs and longer ones are an error.
    public func writeStrings(_ path: String, _ strings: [String], shape: [Int]? = nil, fixedLength: Int? = nil) throws {
        let dataset = try HDF5Lock.run { () throws -> HDF5Dataset in
            if let fixedLength, fixedLength < 1 {
                throw fail("fixed string length must be at least 1 byte, got \(fixedLength)", at: hdf5JoinPath(self.path, path))
            }
            let dataType = hdf5MakeStringType(fixedLength: fixedLength)
            defer { H5Tclose(dataType) }
            return try createDatasetUnlocked(path, dataType: dataType, shape: shape ?? [strings.count])
        }
        defer { dataset.close() }
        try dataset.writeStrings(strings)
    }

    /// Reads the whole string dataset at `path` (fixed or variable length).
    public func readStrings(_ path: String) throws -> [String] {
        let dataset = try openDataset(path)
        defer { dataset.close() }
        return try dataset.readStrings()
    }

    // MARK: Helpers (called with the lock held)

    private func checkedChildPath(_ path: String) throws -> String {
        let parts = path.split(separator: "/")
        if parts.isEmpty || parts.contains(".") || parts.contains("..") {
            throw fail("invalid object path \"\(path)\" (use names separated by /)")
        }
        let normalized = (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
        return hdf5JoinPath(self.path, normalized)
    }

    /// Whether every link along `path` exists (H5Lexists fails, rather than answering false,
    /// when a group above the last name is missing, so the path is walked one name at a time).
    private func existsUnlocked(_ path: String) -> Bool {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            if H5Lexists(id, prefix, hid_t(H5P_DEFAULT)) <= 0 {
                H5Eclear2(hid_t(H5E_DEFAULT))
                return false
            }
        }
        return !path.split(separator: "/").isEmpty
    }

    private func openObject(_ path: String, expecting type: H5I_type_t, _ noun: String) throws -> (hid_t, String) {
        let fullPath = try checkedChildPath(path)
        let location = try liveID()
        guard existsUnlocked(path) else { throw fail("no \(noun) at this path", at: fullPath) }
        let objectID = try errors.checkID(H5Oopen(location, path, hid_t(H5P_DEFAULT)), at: fullPath, "cannot open the \(noun)")
        guard H5Iget_type(objectID) == type else {
            hdf5CloseQuietly(objectID)
            throw fail("is not a \(noun)", at: fullPath)
        }
        return (objectID, fullPath)
    }

    private func createDatasetUnlocked(_ path: String, dataType: hid_t, shape: [Int]) throws -> HDF5Dataset {
        let fullPath = try checkedChildPath(path)
        let location = try liveID()
        if let bad = shape.first(where: { $0 < 0 }) { throw fail("negative dimension \(bad) in shape \(shape)", at: fullPath) }
        if existsUnlocked(path) { throw fail("already exists", at: fullPath) }
        let space = hdf5MakeDataspace(shape: shape)
        defer { H5Sclose(space) }
        let linkList = Self.intermediateGroupLinkList()
        defer { H5Pclose(linkList) }
        let datasetID = try errors.checkID(
            H5Dcreate2(location, path, dataType, space, linkList, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT)),
            at: fullPath, "cannot create the dataset")
        return HDF5Dataset(id: datasetID, ownerFile: file, path: fullPath, errors: errors)
    }

    /// A link-creation property list that creates missing groups along a path.
    private static func intermediateGroupLinkList() -> hid_t {
        let list = H5Pcreate(fovea_h5p_link_create())
        H5Pset_create_intermediate_group(list, 1)
        return list
    }
}
