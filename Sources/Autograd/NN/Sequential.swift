/// Runs its children in order, each one's output the next one's input, like torch.nn.Sequential.
/// Children are named "0", "1", ...; each is called (not forwarded), so hooks and module scopes apply.
public final class Sequential: Module {
    public init(_ modules: [Module]) {
        super.init()
        for module in modules { append(module) }
    }

    public convenience init(_ modules: Module...) {
        self.init(modules)
    }

    /// Adds a module at the end, named by its position.
    public func append(_ module: Module) {
        registerModule(String(namedChildren.count), module)
    }

    public var count: Int { namedChildren.count }

    public subscript(index: Int) -> Module { namedChildren[index].module }

    public override func forward(_ input: Tensor) -> Tensor {
        var x = input
        for (_, module) in namedChildren { x = module(x) }
        return x
    }
}
