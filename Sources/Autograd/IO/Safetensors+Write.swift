#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Writing safetensors: float32 as F32, float64 as F64, int64 as I64, in the order given, with the
/// header padded to 8 bytes. `write(_:to:)` never leaves a half-written file at `path`: it writes
/// a temporary file beside it, fsyncs it, renames it over `path` and fsyncs the folder.
extension Safetensors {
    /// The bytes of a safetensors file holding `tensors` (names must be unique and non-empty).
    public static func encode(_ tensors: [(String, Tensor)], metadata: [(String, String)] = [],
                              file: String = "<memory>") throws(SafetensorsError) -> [UInt8] {
        let (header, payloads) = try layout(tensors, metadata: metadata, file: file)
        var bytes = lengthPrefix(header.count) + header
        for payload in payloads { bytes += payload }
        return bytes
    }

    /// Writes `tensors` to `path` atomically.
    public static func write(_ tensors: [(String, Tensor)], metadata: [(String, String)] = [],
                             to path: String) throws(SafetensorsError) {
        let (header, payloads) = try layout(tensors, metadata: metadata, file: path)
        let (folder, base) = split(path)
        guard !base.isEmpty else { throw SafetensorsError(file: path, .system(operation: "write", reason: "the path names a folder")) }
        let temporary = "\(folder)/.\(base).\(getpid()).\(temporaryCounter.wrappingAdd(1, ordering: .relaxed).newValue).tmp"
        let file = try io(path) { () throws(PosixFile.Failure) in try PosixFile.createExclusive(temporary) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        try io(path) { () throws(PosixFile.Failure) in
            defer { file.close() }
            for piece in [lengthPrefix(header.count), header] + payloads {
                try piece.withUnsafeBytes { buffer in Result { () throws(PosixFile.Failure) in try file.write(buffer) } }.get()
            }
            try file.sync()
        }
        guard rename(temporary, path) == 0 else {
            throw SafetensorsError(file: path, .system(operation: "rename the temporary file into place", reason: String(cString: strerror(errno))))
        }
        renamed = true
        // Make the rename itself durable; a folder that cannot be opened or synced is not fatal.
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            _ = close(folderFD)
        }
    }

    private static let temporaryCounter = Atomic<Int>(0)

    /// The folder and file name of `path` ("." when it has no folder).
    private static func split(_ path: String) -> (folder: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    private static func lengthPrefix(_ n: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(n) >> (8 * UInt64($0))) }
    }

    /// The header and each tensor's bytes, after checking names.
    private static func layout(_ tensors: [(String, Tensor)], metadata: [(String, String)],
                               file: String) throws(SafetensorsError) -> (header: [UInt8], payloads: [[UInt8]]) {
        var names = Set<String>()
        var entries: [SafetensorsEntry] = []
        var payloads: [[UInt8]] = []
        var offset = 0
        for (name, tensor) in tensors {
            guard !name.isEmpty else { throw SafetensorsError(file: file, .invalidName(name: name, reason: "names must not be empty")) }
            guard name != SafetensorsHeader.metadataKey else {
                throw SafetensorsError(file: file, .invalidName(name: name, reason: "the name is reserved for metadata"))
            }
            guard names.insert(name).inserted else {
                throw SafetensorsError(file: file, .invalidName(name: name, reason: "appears more than once"))
            }
            let bytes = tensor.rawBytes()
            entries.append(SafetensorsEntry(name: name, dtype: SafetensorsDType(tensor.dtype), shape: tensor.shape,
                                            count: tensor.count, begin: offset, end: offset + bytes.count))
            offset += bytes.count
            payloads.append(bytes)
        }
        var keys = Set<String>()
        for (key, _) in metadata where !keys.insert(key).inserted {
            throw SafetensorsError(file: file, .badMetadata(reason: "key \"\(key)\" appears more than once"))
        }
        let header = SafetensorsHeader.encode(entries, metadata: metadata)
        guard header.count <= maxHeaderLength else {
            throw SafetensorsError(file: file, .headerTooLarge(length: UInt64(header.count), limit: maxHeaderLength))
        }
        return (header, payloads)
    }
}
