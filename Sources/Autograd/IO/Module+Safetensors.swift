/// Checkpoints of a whole module: its state_dict to and from a safetensors file.
extension Module {
    /// Writes `stateDict()` to `path` atomically.
    public func saveSafetensors(to path: String, metadata: [(String, String)] = []) throws(SafetensorsError) {
        try Safetensors.write(stateDict(), metadata: metadata, to: path)
    }

    /// Reads `path` and loads it with `loadStateDict(_:strict:)`; the model is unchanged on error.
    @discardableResult
    public func loadSafetensors(from path: String, strict: Bool = true) throws(CheckpointError) -> IncompatibleKeys {
        let contents: Safetensors.Contents
        do {
            contents = try Safetensors.read(from: path)
        } catch {
            throw .file(error)
        }
        do {
            return try loadStateDict(contents.tensors.map { ($0.name, $0.tensor) }, strict: strict)
        } catch {
            throw .stateDict(file: path, error)
        }
    }
}

/// A checkpoint that cannot be loaded: the file is broken, or it does not fit the model.
public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case file(SafetensorsError)
    case stateDict(file: String, StateDictError)

    public var description: String {
        switch self {
        case .file(let error): return error.description
        case .stateDict(let file, let error): return "\(file): \(error)"
        }
    }
}
