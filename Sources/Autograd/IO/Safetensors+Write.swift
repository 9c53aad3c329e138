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

    /// Writes `tensors` to `path` atomically. `path` must name a regular file or nothing (see
    /// `saveTarget`); a symbolic link is followed and the file it points to replaced, keeping its
    /// permission bits. The temporary file is registered with `TemporaryFiles`, so a signal that
    /// ends the process mid-write removes it: the save either finishes or is rolled back.
    public static func write(_ tensors: [(String, Tensor)], metadata: [(String, String)] = [],
                             to path: String) throws(SafetensorsError) {
        let (header, payloads) = try layout(tensors, metadata: metadata, file: path)
        let target = try saveTarget(path)
        let (folder, base) = split(target.resolved)
        let temporary = "\(folder)/.\(base).\(getpid()).\(temporaryCounter.wrappingAdd(1, ordering: .relaxed).newValue).tmp"
        let slot = TemporaryFiles.register(temporary)
        defer { TemporaryFiles.unregister(slot) }
        let file = try io(path) { () throws(PosixFile.Failure) in try PosixFile.createExclusive(temporary) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        // The end-to-end tests stop the process here, with the temporary file just created, to send
        // it a signal while the save is under way every time; racing a fast disk cannot.
        if stopInSave { raise(SIGSTOP) }
        try io(path) { () throws(PosixFile.Failure) in
            defer { file.close() }
            if let mode = target.existingMode {
                try file.setMode(mode)
            }
            for piece in [lengthPrefix(header.count), header] + payloads {
                try piece.withUnsafeBytes { buffer in Result { () throws(PosixFile.Failure) in try file.write(buffer) } }.get()
            }
            try file.sync()
        }
        guard rename(temporary, target.resolved) == 0 else {
            throw SafetensorsError(file: path, .system(operation: "rename the temporary file into place", reason: reason(errno)))
        }
        renamed = true
        // Make the rename itself durable; a folder that cannot be opened or synced is not fatal.
        let folderFD = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            _ = close(folderFD)
        }
    }

    private static let temporaryCounter = Atomic<Int>(0)

    /// BLITZ_TEST_STOP_IN_SAVE set: a save stops itself (SIGSTOP) once its temporary file exists. For tests.
    private static let stopInSave = getenv("BLITZ_TEST_STOP_IN_SAVE") != nil

    private static func lengthPrefix(_ n: Int) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: UInt64(n) >> (8 * UInt64($0))) }
    }

    /// The header and each tensor's bytes, after checking names.
    private static func layout(_ tensors: [(String, Tensor)], metadata: [(String, String)],
                               file: String) throws(SafetensorsError) -> (header: [UInt8], payloads: [[UInt8]]) {
        var names = Set<ExactName>()
        var entries: [SafetensorsEntry] = []
        var payloads: [[UInt8]] = []
        var offset = 0
        for (name, tensor) in tensors {
            guard !name.isEmpty else { throw SafetensorsError(file: file, .invalidName(name: name, reason: "names must not be empty")) }
            guard !name.utf8.elementsEqual(SafetensorsHeader.metadataKey.utf8) else {
                throw SafetensorsError(file: file, .invalidName(name: name, reason: "the name is reserved for metadata"))
            }
            guard names.insert(ExactName(name)).inserted else {
                throw SafetensorsError(file: file, .invalidName(name: name, reason: "appears more than once"))
            }
            let bytes = tensor.rawBytes()
            entries.append(SafetensorsEntry(name: name, dtype: SafetensorsDType(tensor.dtype), shape: tensor.shape,
                                            count: tensor.count, begin: offset, end: offset + bytes.count))
            offset += bytes.count
            payloads.append(bytes)
        }
        var keys = Set<ExactName>()
        for (key, _) in metadata where !keys.insert(ExactName(key)).inserted {
            throw SafetensorsError(file: file, .badMetadata(reason: "key \(PrintableText.quoted(key)) appears more than once"))
        }
        let header = SafetensorsHeader.encode(entries, metadata: metadata)
        guard header.count <= maxHeaderLength else {
            throw SafetensorsError(file: file, .headerTooLarge(length: UInt64(header.count), limit: maxHeaderLength))
        }
        return (header, payloads)
    }
}
