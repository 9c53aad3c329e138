import Autograd
import Testing

/// A small two-level model written as one would write it in PyTorch.
private final class TinyNet: Module {
    let features: Sequential
    let head: Linear

    init(generator: inout RandomGenerator) {
        features = Sequential(Linear(4, 5, generator: &generator), ReLU())
        head = Linear(5, 3, generator: &generator)
        super.init()
        registerModule("features", features)
        registerModule("head", head)
    }

    override func forward(_ input: Tensor) -> Tensor {
        head(features(input)).relu()
    }
}

@Suite("NN modules")
struct NNModuleTests {
    @Test func dottedNamesInRegistrationOrder() {
        var g = RandomGenerator(seed: 1)
        let net = TinyNet(generator: &g)
        let names = net.namedParameters().map(\.name)
        #expect(names == ["features.0.weight", "features.0.bias", "head.weight", "head.bias"])
        #expect(net.parameters().map(\.name) == names.map { Optional($0) })
        #expect(net.namedModules().map(\.name) == ["", "features", "features.0", "features.1", "head"])
        #expect(net.features.path == "features")
        #expect(net.features[0].path == "features.0")
        #expect(net.parameterCount == 4 * 5 + 5 + 5 * 3 + 3)
        #expect(net.parameters().allSatisfy { $0.requiresGrad && $0.isLeaf })
    }

    @Test func sharedParametersCountOnce() {
        var g = RandomGenerator(seed: 2)
        let shared = Linear(2, 2, generator: &g)
        let net = Sequential(shared, ReLU(), shared)
        #expect(net.namedParameters().map(\.name) == ["0.weight", "0.bias"])
        #expect(net.parameterCount == 6)
    }

    @Test func descriptionMatchesPyTorch() {
        var g = RandomGenerator(seed: 3)
        let net = Sequential(
            Flatten(), Linear(4, 3, generator: &g), ReLU(), Dropout(p: 0.25, seed: 1),
            Conv2d(1, 2, 3, stride: 2, padding: 1, generator: &g),
            Conv2d(1, 2, kernelSize: (3, 2), bias: false, generator: &g),
            MaxPool2d(2), MaxPool2d(kernelSize: (2, 3), stride: (1, 1), padding: (1, 1)),
            Sequential(Linear(3, 2, bias: false, generator: &g), Flatten(startDim: 0)))
        // Printed by PyTorch 2.15 for the same layers.
        let expected = """
        Sequential(
          (0): Flatten(start_dim=1, end_dim=-1)
          (1): Linear(in_features=4, out_features=3, bias=True)
          (2): ReLU()
          (3): Dropout(p=0.25, inplace=False)
          (4): Conv2d(1, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
          (5): Conv2d(1, 2, kernel_size=(3, 2), stride=(1, 1), bias=False)
          (6): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
          (7): MaxPool2d(kernel_size=(2, 3), stride=(1, 1), padding=(1, 1), dilation=1, ceil_mode=False)
          (8): Sequential(
            (0): Linear(in_features=3, out_features=2, bias=False)
            (1): Flatten(start_dim=0, end_dim=-1)
          )
        )
        """
        #expect(net.description == expected)
        #expect(Sequential().description == "Sequential()")
        #expect(CrossEntropyLoss().description == "CrossEntropyLoss()")
        #expect(MSELoss(reduction: .sum).description == "MSELoss()")
    }

    @Test func forwardRecordsOwningModule() throws {
        var g = RandomGenerator(seed: 4)
        let net = TinyNet(generator: &g)
        let out = net(Tensor.randn([2, 4], generator: &g))
        // relu in TinyNet.forward belongs to the root (""), its input came from head's addmm.
        let relu = try #require(out.gradFn)
        #expect(relu.name == "ReluBackward0")
        #expect(relu.module == "")
        let addmm = try #require(relu.nextNodes.first)
        #expect(addmm.name == "AddmmBackward0")
        #expect(addmm.module == "head")
        let innerRelu = try #require(addmm.nextEdges[1])
        #expect(innerRelu.module == "features.1")
        #expect(innerRelu.nextNodes.first?.module == "features.0")
        // Outside any module nothing is recorded as owner.
        #expect(ModuleScope.current == nil)
        #expect((out * 2.0).gradFn?.module == nil)
    }

    @Test func hooksRunAroundForwardAndCanBeRemoved() {
        var g = RandomGenerator(seed: 5)
        let layer = Linear(3, 2, generator: &g)
        var log: [String] = []
        let pre = layer.registerForwardPreHook { module, input in
            log.append("pre \(module.typeName) \(input.shape)")
            return input * 2.0
        }
        layer.registerForwardHook { _, input, output in
            log.append("post \(input.shape) -> \(output.shape)")
            return nil
        }
        let x = Tensor.ones([1, 3])
        let hooked = layer(x)
        let direct = layer.forward(x * 2.0)
        #expect(hooked.doubles == direct.doubles)
        #expect(log == ["pre Linear [1, 3]", "post [1, 3] -> [1, 2]"])
        pre.remove()
        log.removeAll()
        #expect(layer(x).doubles == layer.forward(x).doubles)
        #expect(log == ["post [1, 3] -> [1, 2]"])
        // forward itself runs no hooks: that is why one calls the module.
        log.removeAll()
        _ = layer.forward(x)
        #expect(log.isEmpty)
    }

    @Test func postHookCanReplaceOutput() {
        let relu = ReLU()
        relu.registerForwardHook { _, _, output in output * 0.0 }
        #expect(relu(Tensor([1.0, 2.0] as [Float])).doubles == [0, 0])
    }

    @Test func trainAndEvalReachEveryDescendant() {
        var g = RandomGenerator(seed: 6)
        let net = TinyNet(generator: &g)
        #expect(net.isTraining)
        net.eval()
        #expect(net.namedModules().allSatisfy { !$0.module.isTraining })
        net.train()
        #expect(net.namedModules().allSatisfy { $0.module.isTraining })
    }

    @Test func zeroGradSetsToNoneOrZeros() throws {
        var g = RandomGenerator(seed: 7)
        let net = TinyNet(generator: &g)
        try net(Tensor.randn([3, 4], generator: &g)).sum().backward()
        #expect(net.parameters().allSatisfy { $0.grad != nil })
        net.zeroGrad(setToNone: false)
        #expect(net.parameters().allSatisfy { $0.grad?.doubles.allSatisfy { $0 == 0 } == true })
        net.zeroGrad()
        #expect(net.parameters().allSatisfy { $0.grad == nil })
    }

    @Test func toDeviceKeepsParameterObjects() throws {
        var g = RandomGenerator(seed: 8)
        let net = TinyNet(generator: &g)
        let before = net.parameters()
        let values = before.map(\.doubles)
        try net.to(.cpu)
        #expect(zip(before, net.parameters()).allSatisfy { $0 === $1 })
        #expect(net.parameters().map(\.doubles) == values)
        // Without a CUDA backend, asking for a GPU is a DeviceError and changes nothing.
        #expect(throws: DeviceError.self) { try net.to(.cuda(0)) }
        #expect(net.parameters().allSatisfy { $0.device == .cpu })
    }

    @Test func stateDictSharesStorageAndRoundTrips() throws {
        var g = RandomGenerator(seed: 9)
        let a = TinyNet(generator: &g)
        let b = TinyNet(generator: &g)
        let state = a.stateDict()
        #expect(state.map(\.0) == ["features.0.weight", "features.0.bias", "head.weight", "head.bias"])
        #expect(state.allSatisfy { !$0.1.requiresGrad })
        let keys = try b.loadStateDict(state)
        #expect(keys.description == "<All keys matched successfully>")
        #expect(b.parameters().map(\.doubles) == a.parameters().map(\.doubles))
        // Loading copies data in place: b's parameter objects are the same ones.
        #expect(b.parameters()[0] === b.features[0].ownParameters[0].tensor)
        // float64 values are converted, as copy_ converts.
        let doubled = state.map { ($0.0, ($0.1 * 2.0).to(.float64)) }
        try b.loadStateDict(doubled)
        #expect(b.parameters()[2].floats == (a.parameters()[2] * 2.0).floats)
        #expect(b.parameters()[2].dtype == .float32)
    }

    @Test func strictLoadReportsEverythingAsPyTorchDoes() {
        var g = RandomGenerator(seed: 10)
        let net = TinyNet(generator: &g)
        let before = net.parameters().map(\.doubles)
        var state = net.stateDict().filter { $0.0 != "head.bias" }
        state.append(("extra.weight", Tensor.zeros([3])))
        state.append(("head.weight.junk", Tensor.zeros([1])))
        state[0] = ("features.0.weight", Tensor.zeros([3, 4]))
        let error = #expect(throws: StateDictError.self) { try net.loadStateDict(state) }
        // The wording of PyTorch 2.15's RuntimeError for the same mismatch.
        let expected = "Error(s) in loading state_dict for TinyNet:\n"
            + "\tMissing key(s) in state_dict: \"head.bias\". \n"
            + "\tUnexpected key(s) in state_dict: \"extra.weight\", \"head.weight.junk\". \n"
            + "\tsize mismatch for features.0.weight: copying a param with shape torch.Size([3, 4]) from checkpoint, "
            + "the shape in current model is torch.Size([5, 4])."
        #expect(error?.description == expected)
        // Nothing was copied.
        #expect(net.parameters().map(\.doubles) == before)
    }

    @Test func nonStrictLoadReturnsIncompatibleKeys() throws {
        var g = RandomGenerator(seed: 11)
        let source = TinyNet(generator: &g)
        let net = TinyNet(generator: &g)
        var state = source.stateDict().filter { $0.0 != "head.bias" }
        state.append(("extra", Tensor.zeros([1])))
        let keys = try net.loadStateDict(state, strict: false)
        #expect(keys.missingKeys == ["head.bias"])
        #expect(keys.unexpectedKeys == ["extra"])
        #expect(keys.description == "_IncompatibleKeys(missing_keys=['head.bias'], unexpected_keys=['extra'])")
        #expect(net.head.weight.doubles == source.head.weight.doubles)
        #expect(net.head.bias!.doubles != source.head.bias!.doubles)
        // A shape mismatch is an error even when not strict.
        #expect(throws: StateDictError.self) {
            try net.loadStateDict([("head.weight", Tensor.zeros([1]))], strict: false)
        }
    }

    @Test func parameterFactoryMakesTrainableLeaf() {
        let p = Tensor.parameter(Tensor([1.0, 2.0] as [Float]))
        #expect(p.requiresGrad && p.isLeaf)
        let m = Module()
        m.registerParameter("scale", p)
        #expect(p.name == "scale")
        let parent = Sequential(m)
        #expect(p.name == "0.scale")
        #expect(parent.namedParameters().map(\.name) == ["0.scale"])
    }
}
