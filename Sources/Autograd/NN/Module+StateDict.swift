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
    /// Names compare byte for byte (two Unicode spellings of a name are two names).
    @discardableResult
    public func loadStateDict(_ stateDict: [(String, Tensor)], strict: Bool = true) throws(StateDictError) -> IncompatibleKeys {
        let match = try matchStateDict(stateDict.map { ($0.0, $0.1.shape) }, strict: strict)
        // Later entries win, as they do when Python builds a dict from pairs.
        var lookup: [ExactName: Tensor] = [:]
        for (key, tensor) in stateDict { lookup[ExactName(key)] = tensor }
        for (key, parameter) in match.copies {
            Module.copyData(from: lookup[ExactName(key)]!, into: parameter)
        }
        return match.keys
    }

    /// Which parameter each key fills, checked from names and shapes alone (nothing is read or
    /// copied): what a checkpoint's header is checked against before its data is read.
    func matchStateDict(_ entries: [(String, [Int])], strict: Bool) throws(StateDictError)
        -> (keys: IncompatibleKeys, copies: [(key: String, parameter: Tensor)]) {
        var shapes: [ExactName: [Int]] = [:]
        for (key, shape) in entries { shapes[ExactName(key)] = shape }
        var orderedKeys: [String] = []
        var listed = Set<ExactName>()
        for (key, _) in entries where listed.insert(ExactName(key)).inserted { orderedKeys.append(key) }

        var missing: [String] = []
        var unexpected: [String] = []
        var mismatches: [StateDictError.SizeMismatch] = []
        var copies: [(key: String, parameter: Tensor)] = []

        // The same walk as PyTorch's `load`: each module claims its own keys, in module order.
        for (name, module) in namedModules() {
            let prefix = name.isEmpty ? "" : name + "."
            for (local, parameter) in module.ownParameters {
                let key = prefix + local
                guard let shape = shapes[ExactName(key)] else {
                    missing.append(key)
                    continue
                }
                if shape != parameter.shape {
                    mismatches.append(.init(key: key, checkpointShape: shape, modelShape: parameter.shape))
                } else {
                    copies.append((key, parameter))
                }
            }
            let prefixBytes = Array(prefix.utf8)
            for key in orderedKeys where key.utf8.starts(with: prefixBytes) {
                let rest = Array(key.utf8.dropFirst(prefixBytes.count))
                let dot = rest.firstIndex(of: UInt8(ascii: "."))
                let head = Array(rest[..<(dot ?? rest.count)])
                let claimed = dot != nil
                    ? module.namedChildren.contains { $0.name.utf8.elementsEqual(head) }
                    : module.ownParameters.contains { $0.name.utf8.elementsEqual(head) }
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
        return (keys, copies)
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

    /// The same in one line for a command line: counts, and the first few names of each kind.
    public var summary: String {
        func names(_ keys: [String]) -> String {
            let shown = keys.prefix(3).map { PrintableText.escaped($0, limit: 60) }
            return shown.joined(separator: ", ") + (keys.count > 3 ? ", … \(keys.count - 3) more" : "")
        }
        func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : what.hasSuffix("h") ? "es" : "s")" }
        var parts: [String] = []
        if !missingKeys.isEmpty { parts.append("\(count(missingKeys.count, "missing key")) (\(names(missingKeys)))") }
        if !unexpectedKeys.isEmpty { parts.append("\(count(unexpectedKeys.count, "unexpected key")) (\(names(unexpectedKeys)))") }
        if !sizeMismatches.isEmpty {
            let shown = sizeMismatches.prefix(3).map {
                "\(PrintableText.escaped($0.key, limit: 60)): checkpoint \(Shape.describe($0.checkpointShape)), model \(Shape.describe($0.modelShape))"
            }
            let more = sizeMismatches.count > 3 ? ", … \(sizeMismatches.count - 3) more" : ""
            parts.append("\(count(sizeMismatches.count, "size mismatch")) (\(shown.joined(separator: ", "))\(more))")
        }
        return "does not fit \(moduleName): " + parts.joined(separator: "; ")
    }
}

/// A name compared byte for byte, as the safetensors format compares keys (Swift's String
/// equality would make two Unicode normalisations of a name the same key).
struct ExactName: Hashable {
    let bytes: [UInt8]

    init(_ text: String) {
        bytes = Array(text.utf8)
    }
}
