import Foundation

/// What a directory entry is, from its `stat` mode: only regular files are read from a night.
public enum FileKind: Sendable, Hashable {
    case regular
    case directory
    case fifo
    case socket
    case characterDevice
    case blockDevice
    case symbolicLink
    case unknown

    public init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        case S_IFLNK: self = .symbolicLink
        default: self = .unknown
        }
    }

    /// The kind of the entry at `path`, following symbolic links (a link to a regular file is a regular file); nil
    /// when it cannot be examined (a dangling link, no permission).
    public static func of(path: String) -> FileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileKind(mode: info.st_mode)
    }

    /// How messages name an entry that is not a regular file; nil for a regular file.
    public var notRegularDescription: String? {
        switch self {
        case .regular: nil
        case .directory: "a folder"
        case .fifo: "a FIFO"
        case .socket: "a socket"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .symbolicLink: "a symbolic link"
        case .unknown: "not a file"
        }
    }
}
