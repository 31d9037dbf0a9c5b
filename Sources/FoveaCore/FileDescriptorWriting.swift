import Foundation

/// Writing a whole buffer to an open file descriptor, the one loop the project's file writers
/// share (`write(2)` may write less than asked, or be interrupted).
public enum FileDescriptorWriting {
    /// Writes all of `bytes` to `descriptor`, retrying short writes and EINTR. Returns nil on
    /// success, else the errno of the failed write.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return nil
    }
}
