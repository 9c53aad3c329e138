/// Checkpoints of a whole module: its state_dict to and from a safetensors file.
extension Module {
    /// Writes `stateDict()` to `path` atomically.
    public func saveSafetensors(to path: String, metadata: [(String, String)] = []) throws(SafetensorsError) {
        try Safetensors.write(stateDict(), metadata: metadata, to: path)
    }

    /// Loads `path` with `loadStateDict(_:strict:)`'s rules; the model is unchanged on error.
    /// The header's names and shapes are checked against the model before any tensor is read,
    /// and then only the tensors the model takes are read, each straight into its own storage.
    @discardableResult
    public func loadSafetensors(from path: String, strict: Bool = true) throws(CheckpointError) -> IncompatibleKeys {
        let file: Safetensors.OpenFile
        do {
            file = try Safetensors.open(path)
        } catch {
            throw .file(error)
        }
        defer { file.handle.close() }
        let match: (keys: IncompatibleKeys, copies: [(key: String, parameter: Tensor)])
        do {
            match = try matchStateDict(file.entries.map { ($0.name, $0.shape) }, strict: strict)
        } catch {
            throw .stateDict(file: path, error)
        }
        // Later entries win, as in loadStateDict.
        var entries: [ExactName: SafetensorsEntry] = [:]
        for entry in file.entries { entries[ExactName(entry.name)] = entry }
        var loaded: [(parameter: Tensor, source: Tensor)] = []
        for (key, parameter) in match.copies {
            do {
                loaded.append((parameter, try file.tensor(entries[ExactName(key)]!)))
            } catch {
                throw .file(error)
            }
        }
        for (parameter, source) in loaded {
            Module.copyData(from: source, into: parameter)
        }
        return match.keys
    }
}

/// A checkpoint that cannot be loaded: the file is broken, or it does not fit the model.
public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case file(SafetensorsError)
    case stateDict(file: String, StateDictError)

    public var description: String {
        switch self {
        case .file(let error): return error.description
        case .stateDict(let file, let error): return "\(PrintableText.escaped(file)): \(error.summary)"
        }
    }
}
