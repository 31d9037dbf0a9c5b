extension Communicator {
    /// Collects one short string from every rank, in rank order, on every rank (e.g. host names).
    ///
    /// Built from one `UInt8` sum-allreduce over `size × width` bytes: each rank writes its
    /// UTF-8 bytes into its own `width`-byte slot and leaves the others zero. Strings longer
    /// than `width` bytes are cut at a character boundary; NUL bytes end a string.
    public func allGather(_ text: String, width: Int = 256) throws -> [String] {
        precondition(width > 0, "allGather: width must be positive")
        var bytes = [UInt8](repeating: 0, count: size * width)
        var own = Array(text.utf8.prefix { $0 != 0 })
        while own.count > width {   // drop whole characters until it fits
            own = Array(String(decoding: own, as: UTF8.self).dropLast().utf8)
        }
        bytes.replaceSubrange(rank * width ..< rank * width + own.count, with: own)
        try allreduce(&bytes, .sum)
        return (0..<size).map { slot in
            String(decoding: bytes[slot * width ..< (slot + 1) * width].prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
