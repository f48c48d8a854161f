import Foundation

/// Words for an error from the file system or the network, as a user reads them: `Not a directory`, never
/// Foundation's `The operation could not be completed. (NSCocoaErrorDomain error 512.)` nor a Swift type name.
public enum SystemErrorText {
    public static func describe(_ error: any Error) -> String {
        if let error = error as? FileReadError { return error.reason }
        if let error = error as? POSIXError { return posix(error.code.rawValue) }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return posix(Int32(truncatingIfNeeded: error.code)) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return posix(Int32(truncatingIfNeeded: underlying.code))
        }
        if error.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: error.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "No such file or directory"
            case .fileReadNoPermission, .fileWriteNoPermission: return "Permission denied"
            case .fileWriteOutOfSpace: return "No space left on device"
            case .fileWriteFileExists: return "File exists"
            case .fileWriteVolumeReadOnly: return "Read-only file system"
            default: return "file system error \(error.code)"
            }
        }
        return String(describing: error)
    }

    private static func posix(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
