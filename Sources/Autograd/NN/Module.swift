/// Module: the building block of every network, like torch.nn.Module.
///
/// A module owns parameters (leaf tensors that require grad) and child modules, each registered
/// explicitly under a name, in order; there is no reflection. The registration order is the
/// order PyTorch would see (the order of the `self.x = ...` lines in `__init__`), so
/// `namedParameters()` and `stateDict()` give PyTorch's dotted names in PyTorch's order:
/// conv1.weight, conv1.bias, conv2.weight, ...
///
/// Call a module (`net(x)`), don't call `forward`: `callAsFunction` runs the forward pre-hooks,
/// then `forward` with `ModuleScope.current` set to this module's dotted name (so every node the
/// forward records knows which module made it), then the forward hooks.
///
/// Each module knows its dotted path from the root it was registered into ("" for a root,
/// "fc1", "features.0", ...), and each parameter's `name` is its full dotted name.
open class Module {
    /// Children in registration order.
    public private(set) var namedChildren: [(name: String, module: Module)] = []
    /// This module's own parameters (not its children's) in registration order.
    public private(set) var ownParameters: [(name: String, tensor: Tensor)] = []
    /// Whether the module is in training mode (`train()`) or evaluation mode (`eval()`).
    public private(set) var isTraining = true
    /// The dotted name from the root module ("" for the root itself).
    public private(set) var path = ""

    private var preHooks: [(id: Int, hook: ForwardPreHook)] = []
    private var postHooks: [(id: Int, hook: ForwardHook)] = []
    private var nextHookID = 0

    public init() {}

    /// The class name PyTorch prints (`Net`, `Linear`): the Swift type name unless overridden.
    open var typeName: String { String(describing: type(of: self)) }

    /// The settings shown inside the parentheses of `print(module)` (PyTorch's `extra_repr`).
    open var extraDescription: String { "" }

    /// The computation. Subclasses override it; callers use `module(x)` instead.
    open func forward(_ input: Tensor) -> Tensor {
        fatalError("Module [\(typeName)] is missing the required \"forward\" function")
    }

    /// Runs the module: pre-hooks, forward (inside this module's scope), then post-hooks.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var x = input
        for (_, hook) in preHooks {
            if let replaced = hook(self, x) { x = replaced }
        }
        let argument = x
        var output = ModuleScope.withCurrent(path) { forward(argument) }
        for (_, hook) in postHooks {
            if let replaced = hook(self, argument, output) { output = replaced }
        }
        return output
    }

    // MARK: registration

    /// Adds a child module under `name` (PyTorch's `self.name = module`); returns it.
    @discardableResult
    public func registerModule<M: Module>(_ name: String, _ module: M) -> M {
        checkNewName(name)
        ensure(module !== self, "cannot register a module as its own child")
        namedChildren.append((name, module))
        module.setPath(Module.join(path, name))
        return module
    }

    /// Adds a parameter under `name` (PyTorch's `self.name = nn.Parameter(...)`); returns it.
    /// The tensor must be a floating-point leaf; it is marked as requiring grad.
    @discardableResult
    public func registerParameter(_ name: String, _ tensor: Tensor) -> Tensor {
        checkNewName(name)
        ensure(tensor.isLeaf, "cannot assign a non-leaf tensor as parameter '\(name)' (use detach())")
        ensure(tensor.dtype.isFloatingPoint, "only Tensors of floating point dtype can be parameters ('\(name)' is \(tensor.dtype))")
        if !tensor.requiresGrad { try! tensor.requireGrad() }
        ownParameters.append((name, tensor))
        tensor.name = Module.join(path, name)
        return tensor
    }

    private func checkNewName(_ name: String) {
        ensure(!name.isEmpty, "module or parameter name can't be empty string \"\"")
        ensure(!name.contains("."), "module or parameter name can't contain \".\", got: \(name)")
        let taken = namedChildren.contains { $0.name == name } || ownParameters.contains { $0.name == name }
        ensure(!taken, "attribute '\(name)' already exists in \(typeName)")
    }

    /// Re-roots this subtree at `newPath`, renaming every parameter to its full dotted name.
    func setPath(_ newPath: String) {
        path = newPath
        for (name, tensor) in ownParameters { tensor.name = Module.join(path, name) }
        for (name, child) in namedChildren { child.setPath(Module.join(path, name)) }
    }

    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }

    // MARK: modes

    /// Training mode for this module and every descendant (Dropout drops); returns self.
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        isTraining = mode
        for (_, child) in namedChildren { child.train(mode) }
        return self
    }

    /// Evaluation mode (`train(false)`): Dropout passes its input through.
    @discardableResult
    public func eval() -> Self { train(false) }

    // MARK: hooks

    /// Registers `hook(module, input)` to run before forward; a returned tensor replaces the input.
    @discardableResult
    public func registerForwardPreHook(_ hook: @escaping ForwardPreHook) -> HookHandle {
        nextHookID += 1
        preHooks.append((nextHookID, hook))
        return HookHandle(module: self, id: nextHookID)
    }

    /// Registers `hook(module, input, output)` to run after forward; a returned tensor replaces the output.
    @discardableResult
    public func registerForwardHook(_ hook: @escaping ForwardHook) -> HookHandle {
        nextHookID += 1
        postHooks.append((nextHookID, hook))
        return HookHandle(module: self, id: nextHookID)
    }

    func removeHook(id: Int) {
        preHooks.removeAll { $0.id == id }
        postHooks.removeAll { $0.id == id }
    }
}

/// `hook(module, input)`: nil keeps the input, a tensor replaces it.
public typealias ForwardPreHook = (Module, Tensor) -> Tensor?
/// `hook(module, input, output)`: nil keeps the output, a tensor replaces it.
public typealias ForwardHook = (Module, Tensor, Tensor) -> Tensor?

/// What `register_forward_hook` returns: `remove()` takes the hook off again.
public struct HookHandle {
    weak var module: Module?
    let id: Int

    public func remove() {
        module?.removeHook(id: id)
    }
}
