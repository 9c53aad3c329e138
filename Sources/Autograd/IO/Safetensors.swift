/// Reading and writing checkpoints in the safetensors format, the one PyTorch users exchange
/// (`safetensors.torch.save_file(net.state_dict(), path)`): names are state_dict keys and
/// layouts are PyTorch's, so a file goes both ways between blitz-tui and PyTorch.
///
/// Reading validates the whole header against the file's size before any data is read
/// (SafetensorsHeader), then reads each tensor straight into its storage, turning F16 and BF16
/// into float32; a model's load checks names and shapes before reading a single tensor. Writing is atomic: the bytes go to a temporary file in the same
/// folder, which is flushed to disk and then renamed over the target, so an existing checkpoint
/// is either left as it was or replaced whole, never half-written.
public enum Safetensors {
    /// The largest header accepted (the reference implementation's limit).
    public static let maxHeaderLength = 100_000_000

    /// What a file holds: tensors in header order, and its metadata.
    public struct Contents {
        public var tensors: [(name: String, tensor: Tensor)]
        public var metadata: [(key: String, value: String)]

        /// The tensor stored under `name` (compared byte for byte, as the format does).
        public subscript(name: String) -> Tensor? {
            tensors.first { $0.name.utf8.elementsEqual(name.utf8) }?.tensor
        }
    }

    // MARK: reading

    /// Reads the file at `path`: the header is checked against the file's size first, then each
    /// tensor's bytes are read straight into its own storage (never the whole file at once).
    public static func read(from path: String) throws(SafetensorsError) -> Contents {
        let file = try open(path)
        defer { file.handle.close() }
        var tensors: [(name: String, tensor: Tensor)] = []
        for entry in file.entries {
            tensors.append((entry.name, try file.tensor(entry)))
        }
        return Contents(tensors: tensors, metadata: file.metadata.map { (key: $0.0, value: $0.1) })
    }

    /// An open file whose header has been validated; tensors are read one by one on request.
    struct OpenFile {
        let path: String
        let handle: PosixFile
        let entries: [SafetensorsEntry]
        let metadata: [(String, String)]
        /// Where the data area starts in the file.
        let dataStart: Int

        /// One tensor, read straight into a new CPU storage (F16 and BF16 through a small buffer).
        func tensor(_ entry: SafetensorsEntry) throws(SafetensorsError) -> Tensor {
            let loaded = entry.dtype.loadedAs!
            let (bytes, overflow) = entry.count.multipliedReportingOverflow(by: loaded.byteSize)
            guard !overflow, bytes <= MemorySize.available else {
                throw SafetensorsError(file: path, .tooLargeForMemory(name: entry.name, bytes: overflow ? Int.max : bytes,
                                                                      available: MemorySize.available))
            }
            let backend = Backends.defaultCPU
            let storage = backend.allocate(count: entry.count, dtype: loaded)
            let region = UnsafeMutableRawBufferPointer(start: storage.pointer, count: entry.end - entry.begin)
            switch entry.dtype {
            case .F16, .BF16:
                let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: entry.end - entry.begin, alignment: 16)
                defer { raw.deallocate() }
                try io(path) { () throws(PosixFile.Failure) in try handle.read(into: raw, at: dataStart + entry.begin) }
                let out = storage.pointer.assumingMemoryBound(to: Float.self)
                for i in 0..<entry.count {
                    let bits = UInt16(raw[2 * i]) | UInt16(raw[2 * i + 1]) << 8
                    out[i] = entry.dtype == .F16 ? HalfPrecision.float(fromHalf: bits) : HalfPrecision.float(fromBFloat16: bits)
                }
            default:
                try io(path) { () throws(PosixFile.Failure) in try handle.read(into: region, at: dataStart + entry.begin) }
            }
            let tensor = Tensor(storage: storage, shape: entry.shape)
            tensor.name = entry.name
            return tensor
        }
    }

    /// Opens `path` and validates its header against the file's size; no tensor data is read.
    static func open(_ path: String) throws(SafetensorsError) -> OpenFile {
        let file = try io(path) { () throws(PosixFile.Failure) in try PosixFile.openForReading(path) }
        do throws(SafetensorsError) {
            let (size, isRegular) = try io(path) { () throws(PosixFile.Failure) in try file.status() }
            guard isRegular else { throw SafetensorsError(file: path, .notARegularFile) }
            guard size >= 8 else { throw SafetensorsError(file: path, .tooSmall(size: size)) }
            let lengthBytes = try io(path) { () throws(PosixFile.Failure) in try file.readBytes(count: 8, at: 0) }
            let headerLength = try checkedHeaderLength(lengthBytes, fileSize: size, file: path)
            let header = try io(path) { () throws(PosixFile.Failure) in try file.readBytes(count: headerLength, at: 8) }
            let dataSize = size - 8 - headerLength
            let parsed = try header.withUnsafeBytes { buffer in
                Result { () throws(SafetensorsError) in try SafetensorsHeader.parse(buffer, dataSize: dataSize, file: path) }
            }.get()
            return OpenFile(path: path, handle: file, entries: parsed.entries, metadata: parsed.metadata, dataStart: 8 + headerLength)
        } catch {
            file.close()
            throw error
        }
    }

    /// Runs a file operation, naming the file in its error.
    static func io<T>(_ path: String, _ body: () throws(PosixFile.Failure) -> T) throws(SafetensorsError) -> T {
        do {
            return try body()
        } catch {
            throw SafetensorsError(file: path, .system(operation: error.operation, reason: error.reason))
        }
    }

    /// Decodes a whole file's bytes held in memory; `file` names it in errors.
    public static func decode(_ bytes: UnsafeRawBufferPointer, file: String = "<memory>") throws(SafetensorsError) -> Contents {
        guard bytes.count >= 8 else { throw SafetensorsError(file: file, .tooSmall(size: bytes.count)) }
        let headerLength = try checkedHeaderLength(Array(bytes[0..<8]), fileSize: bytes.count, file: file)
        let header = UnsafeRawBufferPointer(rebasing: bytes[8..<(8 + headerLength)])
        let data = UnsafeRawBufferPointer(rebasing: bytes[(8 + headerLength)...])
        let parsed = try SafetensorsHeader.parse(header, dataSize: data.count, file: file)
        return makeContents(parsed, data: data)
    }

    public static func decode(_ bytes: [UInt8], file: String = "<memory>") throws(SafetensorsError) -> Contents {
        let result = bytes.withUnsafeBytes { buffer in Result { () throws(SafetensorsError) in try decode(buffer, file: file) } }
        return try result.get()
    }

    /// The header length N from the first 8 bytes, checked against the limit and the file size.
    private static func checkedHeaderLength(_ bytes: [UInt8], fileSize: Int, file: String) throws(SafetensorsError) -> Int {
        var length: UInt64 = 0
        for (i, byte) in bytes.prefix(8).enumerated() { length |= UInt64(byte) << (8 * UInt64(i)) }
        guard length <= UInt64(maxHeaderLength) else {
            throw SafetensorsError(file: file, .headerTooLarge(length: length, limit: maxHeaderLength))
        }
        guard Int(length) <= fileSize - 8 else {
            throw SafetensorsError(file: file, .headerBeyondFile(length: length, fileSize: fileSize))
        }
        return Int(length)
    }

    /// Tensors on the CPU from validated entries over the data area.
    private static func makeContents(_ parsed: (entries: [SafetensorsEntry], metadata: [(String, String)]),
                                     data: UnsafeRawBufferPointer) -> Contents {
        let tensors = parsed.entries.map { entry in
            (entry.name, makeTensor(entry, bytes: UnsafeRawBufferPointer(rebasing: data[entry.begin..<entry.end])))
        }
        return Contents(tensors: tensors, metadata: parsed.metadata.map { (key: $0.0, value: $0.1) })
    }

    private static func makeTensor(_ entry: SafetensorsEntry, bytes: UnsafeRawBufferPointer) -> Tensor {
        let backend = Backends.defaultCPU
        let storage: Storage
        switch entry.dtype {
        case .F16, .BF16:
            let floats = (0..<entry.count).map { i -> Float in
                let bits = UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8
                return entry.dtype == .F16 ? HalfPrecision.float(fromHalf: bits) : HalfPrecision.float(fromBFloat16: bits)
            }
            storage = floats.withUnsafeBytes { backend.upload($0, count: entry.count, dtype: .float32) }
        default:
            storage = backend.upload(bytes, count: entry.count, dtype: entry.dtype.loadedAs!)
        }
        let tensor = Tensor(storage: storage, shape: entry.shape)
        tensor.name = entry.name
        return tensor
    }
}
