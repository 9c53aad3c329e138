/// Everything that can be wrong with a safetensors file, each naming the file and the problem.
/// A checkpoint comes from outside (a flag, a download, a half-written disk), so every defect is
/// one of these errors, never a crash.
public struct SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let problem: Problem

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(PrintableText.escaped(file)): \(problem)" }

    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// open/read/write/rename failed (the system's reason).
        case system(operation: String, reason: String)
        case notARegularFile
        case tooSmall(size: Int)
        case headerTooLarge(length: UInt64, limit: Int)
        case headerBeyondFile(length: UInt64, fileSize: Int)
        case headerNotJSON(JSONError)
        case headerNotAnObject(found: String)
        case entryNotAnObject(name: String, found: String)
        case missingField(name: String, field: String)
        case unexpectedField(name: String, field: String)
        case wrongType(name: String, field: String, expected: String, found: String)
        case unknownDType(name: String, dtype: String)
        case unsupportedDType(name: String, dtype: String)
        case badShape(name: String, reason: String)
        case badOffsets(name: String, reason: String)
        case byteCountMismatch(name: String, expected: Int, actual: Int)
        case notContiguous(name: String, expectedStart: Int, start: Int)
        case dataNotCovered(covered: Int, dataSize: Int)
        case badMetadata(reason: String)
        case invalidName(name: String, reason: String)
        /// A path a checkpoint cannot be saved to.
        case badSavePath(SavePathProblem)
        /// A tensor too large to hold in this machine's memory.
        case tooLargeForMemory(name: String, bytes: Int, available: Int)

        public var description: String {
            func q(_ text: String) -> String { PrintableText.quoted(text) }
            switch self {
            case .system(let operation, let reason):
                return "cannot \(operation): \(reason)"
            case .notARegularFile:
                return "not a regular file"
            case .tooSmall(let size):
                return "file is \(size) bytes, too small to be safetensors (it needs an 8-byte header length)"
            case .headerTooLarge(let length, let limit):
                return "header length \(length) exceeds the limit of \(limit) bytes"
            case .headerBeyondFile(let length, let fileSize):
                return "header length \(length) runs past the end of the \(fileSize)-byte file"
            case .headerNotJSON(let error):
                return "header is not valid JSON: \(error)"
            case .headerNotAnObject(let found):
                return "header must be a JSON object, found \(found)"
            case .entryNotAnObject(let name, let found):
                return "tensor \(q(name)): expected an object with dtype, shape and data_offsets, found \(found)"
            case .missingField(let name, let field):
                return "tensor \(q(name)): missing \(q(field))"
            case .unexpectedField(let name, let field):
                return "tensor \(q(name)): unexpected field \(q(field))"
            case .wrongType(let name, let field, let expected, let found):
                return "tensor \(q(name)): \"\(field)\" must be \(expected), found \(found)"
            case .unknownDType(let name, let dtype):
                return "tensor \(q(name)): unknown dtype \(q(dtype))"
            case .unsupportedDType(let name, let dtype):
                return "tensor \(q(name)): dtype \(q(dtype)) is not supported (blitz-tui reads F32, F64, F16, BF16 and I64)"
            case .badShape(let name, let reason):
                return "tensor \(q(name)): bad shape: \(reason)"
            case .badOffsets(let name, let reason):
                return "tensor \(q(name)): bad data_offsets: \(reason)"
            case .byteCountMismatch(let name, let expected, let actual):
                return "tensor \(q(name)): its shape and dtype need \(expected) bytes but data_offsets span \(actual)"
            case .notContiguous(let name, let expectedStart, let start):
                let how = start < expectedStart ? "overlaps the previous tensor" : "leaves a gap after the previous tensor"
                return "tensor \(q(name)): data starts at byte \(start) of the data area but the previous tensor ends at \(expectedStart) (it \(how))"
            case .dataNotCovered(let covered, let dataSize):
                return covered < dataSize
                    ? "the tensors cover \(covered) of the \(dataSize) bytes of data (the file has trailing bytes)"
                    : "the tensors need \(covered) bytes of data but the file holds \(dataSize) (the file is truncated)"
            case .badMetadata(let reason):
                return "bad __metadata__: \(reason)"
            case .invalidName(let name, let reason):
                return "tensor name \(q(name)): \(reason)"
            case .badSavePath(let problem):
                return "\(problem)"
            case .tooLargeForMemory(let name, let bytes, let available):
                return "tensor \(q(name)) needs \(MemorySize.describe(bytes)), more than the \(MemorySize.describe(available)) this machine has"
            }
        }
    }
}

/// Why a path cannot take a checkpoint.
public enum SavePathProblem: Sendable, Equatable, CustomStringConvertible {
    case emptyName
    case isAFolder
    case notARegularFile(kind: String)
    case symlinkLoop
    case folderMissing(String)
    case folderNotWritable(String, reason: String)

    public var description: String {
        switch self {
        case .emptyName:
            return "the path is empty"
        case .isAFolder:
            return "names a folder, not a file"
        case .notARegularFile(let kind):
            return "is \(kind), not a regular file (checkpoints are only written as regular files)"
        case .symlinkLoop:
            return "its symbolic links loop (or are nested too deeply)"
        case .folderMissing(let folder):
            return "the folder \(PrintableText.escaped(folder)) does not exist"
        case .folderNotWritable(let folder, let reason):
            return "the folder \(PrintableText.escaped(folder)) cannot take a new file: \(reason)"
        }
    }
}
