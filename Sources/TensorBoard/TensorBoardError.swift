/// What can go wrong writing event files: the folder or a file cannot be made or written.
public enum TensorBoardError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreateFolder(path: String, reason: String)
    case cannotCreateFile(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateFolder(let path, let reason):
            return "--logdir \(path): cannot create the folder: \(reason)"
        case .cannotCreateFile(let path, let reason):
            return "\(path): cannot create the event file: \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): writing the event file failed: \(reason)"
        }
    }
}
