import Autograd
import Models
import Testing

@Suite("Model catalog")
struct ModelCatalogTests {
    @Test func parsesSpecs() throws {
        #expect(ModelCatalog.names == ["blitz-net", "mlp"])
        #expect(try ModelCatalog.parse("blitz-net") == .blitzNet)
        #expect(try ModelCatalog.parse("mlp") == .mlp(hiddenSizes: [128, 64]))
        #expect(try ModelCatalog.parse("mlp:256,128") == .mlp(hiddenSizes: [256, 128]))
        #expect(try ModelCatalog.parse("mlp:32") == .mlp(hiddenSizes: [32]))
        #expect(try ModelCatalog.parse("mlp:") == .mlp(hiddenSizes: []))
    }

    @Test(arguments: [
        ("resnet", #"unknown model "resnet" (choose from: blitz-net, mlp)"#),
        ("", #"unknown model "" (choose from: blitz-net, mlp)"#),
        ("blitz-net:3", #"bad model spec "blitz-net:3": blitz-net takes no arguments (got "3")"#),
        ("mlp:0", #"bad model spec "mlp:0": hidden sizes must be whole numbers from 1 to 1048576, separated by commas (got "0")"#),
        ("mlp:12,,4", #"bad model spec "mlp:12,,4": hidden sizes must be whole numbers from 1 to 1048576, separated by commas (got "")"#),
        ("mlp:a", #"bad model spec "mlp:a": hidden sizes must be whole numbers from 1 to 1048576, separated by commas (got "a")"#),
    ])
    func badSpecsAreModelErrors(spec: String, message: String) {
        let error = #expect(throws: ModelError.self) { try ModelCatalog.make(spec, inputShape: [3, 32, 32], classes: 10, seed: 0) }
        #expect(error?.description == message)
    }

    @Test func makesTheBlitzNetForItsChannels() throws {
        let rgb = try #require(try ModelCatalog.make("blitz-net", inputShape: [3, 32, 32], classes: 10, seed: 1) as? BlitzNet)
        #expect(rgb.parameterCount == 62_006)
        let gray = try ModelCatalog.make("blitz-net", inputShape: [1, 32, 32], classes: 4, seed: 1)
        #expect(gray.parameterCount == 61_706 - 6 * 84 - 6)
        var g = RandomGenerator(seed: 2)
        #expect(gray(Tensor.randn([2, 1, 32, 32], generator: &g)).shape == [2, 4])
    }

    @Test func blitzNetRefusesInputsItCannotTake() {
        let small = #expect(throws: ModelError.self) { try ModelCatalog.make("blitz-net", inputShape: [1, 28, 28], classes: 10, seed: 0) }
        #expect(small?.description == "model blitz-net cannot take inputs of shape [1, 28, 28]: fc1 (Linear) expects 400 input features, "
            + "got an input of shape [1, 256] (blitz-net needs images of shape [channels, 32, 32])")
        let flat = #expect(throws: ModelError.self) { try ModelCatalog.make("blitz-net", inputShape: [2], classes: 3, seed: 0) }
        #expect(flat?.description == "model blitz-net cannot take inputs of shape [2]: conv1 (Conv2d) expects images [batch, channels, height, width], "
            + "got an input of shape [1, 2] (blitz-net needs images of shape [channels, 32, 32])")
        let tiny = #expect(throws: ModelError.self) { try ModelCatalog.make("blitz-net", inputShape: [3, 8, 8], classes: 10, seed: 0) }
        #expect(tiny?.description == "model blitz-net cannot take inputs of shape [3, 8, 8]: conv2 (Conv2d): a 2×2 input is smaller than its 5×5 kernel "
            + "(blitz-net needs images of shape [channels, 32, 32])")
        #expect(throws: ModelError.badClasses(0)) { try ModelCatalog.make("blitz-net", inputShape: [3, 32, 32], classes: 0, seed: 0) }
        #expect(throws: ModelError.self) { try ModelCatalog.make("blitz-net", inputShape: [0, 32, 32], classes: 10, seed: 0) }
        #expect(throws: ModelError.self) { try ModelCatalog.make("blitz-net", inputShape: [], classes: 10, seed: 0) }
    }

    @Test func makesMLPsNamedLikeAHandWrittenOne() throws {
        let mlp = try #require(try ModelCatalog.make("mlp", inputShape: [2], classes: 3, seed: 4) as? MLP)
        #expect(mlp.namedParameters().map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"])
        #expect(mlp.description == """
        MLP(
          (fc1): Linear(in_features=2, out_features=128, bias=True)
          (fc2): Linear(in_features=128, out_features=64, bias=True)
          (fc3): Linear(in_features=64, out_features=3, bias=True)
        )
        """)
        // Images are flattened.
        let images = try ModelCatalog.make("mlp:16", inputShape: [1, 8, 8], classes: 10, seed: 4)
        #expect(images.parameterCount == 64 * 16 + 16 + 16 * 10 + 10)
        var g = RandomGenerator(seed: 5)
        let out = images(Tensor.randn([5, 1, 8, 8], generator: &g))
        #expect(out.shape == [5, 10])
        #expect(out.gradFn?.name == "AddmmBackward0")
        let linear = try ModelCatalog.make("mlp:", inputShape: [4], classes: 2, seed: 0)
        #expect(linear.namedParameters().map(\.name) == ["fc1.weight", "fc1.bias"])
    }

    @Test func seedsReproduceAndDiffer() throws {
        let a = try ModelCatalog.make("blitz-net", inputShape: [3, 32, 32], classes: 10, seed: 7)
        let b = try ModelCatalog.make("blitz-net", inputShape: [3, 32, 32], classes: 10, seed: 7)
        let c = try ModelCatalog.make("blitz-net", inputShape: [3, 32, 32], classes: 10, seed: 8)
        #expect(a.parameters().map(\.doubles) == b.parameters().map(\.doubles))
        #expect(a.parameters()[0].doubles != c.parameters()[0].doubles)
    }

    @Test func oversizedModelsAreRefusedBeforeAllocating() {
        let error = #expect(throws: ModelError.self) {
            try ModelCatalog.make("mlp:1048576,1048576", inputShape: [4], classes: 2, seed: 0)
        }
        #expect(error?.description.contains("parameters (the limit is 100000000)") == true)
        #expect(throws: ModelError.self) {
            try ModelCatalog.make("mlp", inputShape: [Int.max / 2, 4], classes: 2, seed: 0)
        }
        #expect(throws: ModelError.self) {
            try ModelCatalog.make("blitz-net", inputShape: [Int.max / 4, 32, 32], classes: 2, seed: 0)
        }
    }
}
