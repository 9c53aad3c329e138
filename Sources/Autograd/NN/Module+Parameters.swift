/// Walking a module tree: its modules and parameters with dotted names, zero_grad, parameter
/// counts, and moving every parameter to a device.
extension Module {
    /// Every module in the tree, this one first (named ""), depth first in registration order,
    /// each once even if registered twice (PyTorch's `named_modules()`).
    public func namedModules() -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, module: Module)] = []
        collectModules(prefix: "", seen: &seen, into: &result)
        return result
    }

    private func collectModules(prefix: String, seen: inout Set<ObjectIdentifier>, into result: inout [(name: String, module: Module)]) {
        guard seen.insert(ObjectIdentifier(self)).inserted else { return }
        result.append((prefix, self))
        for (name, child) in namedChildren {
            child.collectModules(prefix: Module.join(prefix, name), seen: &seen, into: &result)
        }
    }

    /// Every parameter with its dotted name (`conv1.weight`), in PyTorch's order, each once.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, tensor: Tensor)] = []
        for (prefix, module) in namedModules() {
            for (name, tensor) in module.ownParameters where seen.insert(ObjectIdentifier(tensor)).inserted {
                result.append((Module.join(prefix, name), tensor))
            }
        }
        return result
    }

    /// Every parameter, in the order of `namedParameters()` (what an optimizer is given).
    public func parameters() -> [Tensor] {
        namedParameters().map(\.tensor)
    }

    /// The number of scalars in all parameters (62,006 for the blitz Net).
    public var parameterCount: Int {
        parameters().reduce(0) { $0 + $1.numel }
    }

    /// Clears every parameter's gradient: to nil by default, as PyTorch 2 does, or to zeros.
    public func zeroGrad(setToNone: Bool = true) {
        for p in parameters() { p.zeroGrad(setToNone: setToNone) }
    }

    /// Moves every parameter (and any gradient it holds) to `device`, in place: the parameter
    /// tensors stay the same objects, so an optimizer built on them keeps working.
    @discardableResult
    public func to(_ device: Device) throws(DeviceError) -> Self {
        let parameters = parameters()
        guard parameters.contains(where: { $0.device != device }) else { return self }
        let target = try Backends.backend(for: device)
        for p in parameters where p.device != device {
            p.replaceStorage(with: Module.move(p.storage, to: target))
            if let grad = p.grad {
                p.grad = Tensor(storage: Module.move(grad.storage, to: target), shape: grad.shape)
            }
        }
        return self
    }

    /// A copy of `storage` on `target`, through host memory.
    static func move(_ storage: Storage, to target: any Backend) -> Storage {
        let host = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(storage.byteCount, 1), alignment: 64)
        defer { host.deallocate() }
        storage.backend.download(storage, into: host)
        return target.upload(UnsafeRawBufferPointer(host), count: storage.count, dtype: storage.dtype)
    }
}
