/// state_dict and load_state_dict: a model's weights as an ordered list of (dotted name, tensor),
/// the form a checkpoint stores (see Safetensors).
///
/// Loading checks everything before it copies anything: missing keys, unexpected keys and shape
/// mismatches are reported together in one error worded as PyTorch words it. Unlike PyTorch,
/// which copies the tensors that fit before it raises, a failed load leaves the model untouched.
extension Module {
    /// Every parameter under its dotted name, as detached tensors that share the parameter's
    /// storage (like PyTorch's `state_dict()`; this project's modules have no buffers).
    public func stateDict() -> [(String, Tensor)] {
        namedParameters().map { name, tensor in
            let alias = tensor.detach()
            alias.name = name
            return (name, alias)
        }
    }

    /// Copies tensors into the parameters of the same name, converting dtype as `copy_` does.
    /// `strict` (the default) also requires the keys to match exactly; with `strict: false` the
    /// keys that did not match are returned instead. A shape mismatch is always an error.
    @discardableResult
    public func loadStateDict(_ stateDict: [(String, Tensor)], strict: Bool = true) throws(StateDictError) -> IncompatibleKeys {
        // Later entries win, as they do when Python builds a dict from pairs.
        var lookup: [String: Tensor] = [:]
        for (key, tensor) in stateDict { lookup[key] = tensor }
        var orderedKeys: [String] = []
        var listed = Set<String>()
        for (key, _) in stateDict where listed.insert(key).inserted { orderedKeys.append(key) }

        var missing: [String] = []
        var unexpected: [String] = []
        var mismatches: [StateDictError.SizeMismatch] = []
        var copies: [(parameter: Tensor, source: Tensor)] = []

        // The same walk as PyTorch's `load`: each module claims its own keys, in module order.
        for (name, module) in namedModules() {
            let prefix = name.isEmpty ? "" : name + "."
            for (local, parameter) in module.ownParameters {
                let key = prefix + local
                guard let source = lookup[key] else {
                    missing.append(key)
                    continue
                }
                if source.shape != parameter.shape {
                    mismatches.append(.init(key: key, checkpointShape: source.shape, modelShape: parameter.shape))
                } else {
                    copies.append((parameter, source))
                }
            }
            for key in orderedKeys where key.hasPrefix(prefix) {
                let parts = key.dropFirst(prefix.count).split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                let head = String(parts[0])
                let claimed = parts.count > 1
                    ? module.namedChildren.contains { $0.name == head }
                    : module.ownParameters.contains { $0.name == head }
                if !claimed { unexpected.append(key) }
            }
        }

        let keys = IncompatibleKeys(missingKeys: missing, unexpectedKeys: unexpected)
        if !mismatches.isEmpty || (strict && !(missing.isEmpty && unexpected.isEmpty)) {
            throw StateDictError(moduleName: typeName,
                                 missingKeys: strict ? missing : [],
                                 unexpectedKeys: strict ? unexpected : [],
                                 sizeMismatches: mismatches)
        }
        for (parameter, source) in copies {
            Module.copyData(from: source, into: parameter)
        }
        return keys
    }

    /// `parameter.copy_(source)` under no_grad: in place, so every alias of the storage sees it.
    static func copyData(from source: Tensor, into parameter: Tensor) {
        var data = source.storage
        if data.dtype != parameter.dtype { data = data.backend.cast(data, to: parameter.dtype) }
        let backend = parameter.storage.backend
        if data.backend !== backend { data = move(data, to: backend) }
        backend.copy(data, into: parameter.storage)
    }
}

/// The keys that did not match in a non-strict load (PyTorch's `_IncompatibleKeys`).
public struct IncompatibleKeys: Sendable, Equatable, CustomStringConvertible {
    public var missingKeys: [String]
    public var unexpectedKeys: [String]

    public var description: String {
        if missingKeys.isEmpty && unexpectedKeys.isEmpty { return "<All keys matched successfully>" }
        func list(_ keys: [String]) -> String { "[" + keys.map { "'\($0)'" }.joined(separator: ", ") + "]" }
        return "_IncompatibleKeys(missing_keys=\(list(missingKeys)), unexpected_keys=\(list(unexpectedKeys)))"
    }
}

/// Why a state_dict does not fit a model: every problem at once, worded as PyTorch's RuntimeError.
public struct StateDictError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct SizeMismatch: Sendable, Equatable {
        public var key: String
        public var checkpointShape: [Int]
        public var modelShape: [Int]
    }

    public var moduleName: String
    public var missingKeys: [String]
    public var unexpectedKeys: [String]
    public var sizeMismatches: [SizeMismatch]

    public var description: String {
        func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
        func size(_ shape: [Int]) -> String { "torch.Size(\(Shape.describe(shape)))" }
        var problems: [String] = []
        if !missingKeys.isEmpty { problems.append("Missing key(s) in state_dict: \(quoted(missingKeys)). ") }
        if !unexpectedKeys.isEmpty { problems.append("Unexpected key(s) in state_dict: \(quoted(unexpectedKeys)). ") }
        for m in sizeMismatches {
            problems.append("size mismatch for \(m.key): copying a param with shape \(size(m.checkpointShape)) from checkpoint, the shape in current model is \(size(m.modelShape)).")
        }
        return "Error(s) in loading state_dict for \(moduleName):\n\t" + problems.joined(separator: "\n\t")
    }
}
