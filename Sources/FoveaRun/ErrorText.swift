import Foundation
import FoveaClassify
import FoveaIO

/// The text of an error for the user: Foundation's file errors (`CocoaError`, whose own text is
/// "The operation could not be completed…") become the path and the reason in words, as does a
/// final pass's failed spill (`TotalsSpillError`).
public enum ErrorText {
    public static func describe(_ error: any Error) -> String {
        if let spill = error as? TotalsSpillError, let path = spill.path, let code = spill.code {
            return FileWriteError(path: path, errno: code, action: spill.action + " a class total of the final pass").description
        }
        guard let cocoa = error as? CocoaError else { return "\(error)" }
        let path = cocoa.filePath ?? cocoa.url?.path ?? "(a file)"
        let underlying = (cocoa.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap {
            $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil
        }
        let code: Int32?
        switch cocoa.code {
        case .fileWriteOutOfSpace: code = ENOSPC
        case .fileWriteVolumeReadOnly: code = EROFS
        case .fileWriteNoPermission, .fileReadNoPermission: code = EACCES
        case .fileNoSuchFile, .fileReadNoSuchFile: code = ENOENT
        case .fileWriteFileExists: code = EEXIST
        default: code = underlying
        }
        guard let code else { return "\(path): \(cocoa.localizedDescription)" }
        if code == ENOENT { return "\(path): no such file or folder" }
        let reading = [.fileReadNoPermission, .fileReadNoSuchFile, .fileReadUnknown, .fileReadCorruptFile].contains(cocoa.code)
        return FileWriteError(path: path, errno: code, action: reading ? "cannot read" : "cannot write").description
    }
}
