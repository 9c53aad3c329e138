import Trainer
import TUI

/// Page records as the trainer would publish them for the blitz Net on the digits (values
/// written down from a real run, rounded), for rendering the pages without a trainer.
enum FakePages {
    static let model: ModelRecord = {
        let text = """
        Net(
          (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))
          (pool): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
          (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))
          (fc1): Linear(in_features=400, out_features=120, bias=True)
          (fc2): Linear(in_features=120, out_features=84, bias=True)
          (fc3): Linear(in_features=84, out_features=10, bias=True)
        )
        """
        let modules: [String?] = ["", "conv1", "pool", "conv2", "fc1", "fc2", "fc3", nil]
        let lines = zip(text.split(separator: "\n").map(String.init), modules).map { ModelLine(text: $0, module: $1) }
        let shapes: [(String, [Int])] = [
            ("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]), ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
            ("fc1.weight", [120, 400]), ("fc1.bias", [120]), ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
            ("fc3.weight", [10, 84]), ("fc3.bias", [10]),
        ]
        let parameters = shapes.enumerated().map { i, p in
            ParameterRecord(name: p.0, module: String(p.0.split(separator: ".")[0]), shape: p.1, numel: p.1.reduce(1, *),
                            dtype: "torch.float32", device: "cpu", requiresGrad: true, hasGrad: i >= 8)
        }
        return ModelRecord(lines: lines, parameters: parameters)
    }()

    static func call(_ kind: ForwardCall.Kind, _ name: String, _ type: String, _ hook: Int?, _ input: [Int], _ output: [Int],
                     _ mean: Double, _ std: Double, _ zeros: Double, _ gradFn: String?) -> ForwardCall {
        ForwardCall(kind: kind, name: name, typeName: type, hookOrder: hook, inputShape: input, outputShape: output,
                    mean: mean, std: std, zeroFraction: zeros, gradFn: gradFn)
    }

    static let forward = ForwardRecord(step: 135, gradEnabled: true, training: true, calls: [
        call(.module, "conv1", "Conv2d", 1, [4, 1, 32, 32], [4, 6, 28, 28], -0.0122, 0.497, 0, "ConvolutionBackward0"),
        call(.function, "", "F.relu", nil, [4, 6, 28, 28], [4, 6, 28, 28], 0.189, 0.235, 0.437, "ReluBackward0"),
        call(.module, "pool", "MaxPool2d", 2, [4, 6, 28, 28], [4, 6, 14, 14], 0.225, 0.248, 0.371, "MaxPool2DWithIndicesBackward0"),
        call(.module, "conv2", "Conv2d", 3, [4, 6, 14, 14], [4, 16, 10, 10], -0.019, 0.187, 0, "ConvolutionBackward0"),
        call(.function, "", "F.relu", nil, [4, 16, 10, 10], [4, 16, 10, 10], 0.0665, 0.103, 0.534, "ReluBackward0"),
        call(.module, "pool", "MaxPool2d", 4, [4, 16, 10, 10], [4, 16, 5, 5], 0.0938, 0.118, 0.423, "MaxPool2DWithIndicesBackward0"),
        call(.function, "", "torch.flatten", nil, [4, 16, 5, 5], [4, 400], 0.0938, 0.118, 0.423, "ViewBackward0"),
        call(.module, "fc1", "Linear", 5, [4, 400], [4, 120], -0.014, 0.0958, 0, "AddmmBackward0"),
        call(.function, "", "F.relu", nil, [4, 120], [4, 120], 0.0318, 0.0477, 0.527, "ReluBackward0"),
        call(.module, "fc2", "Linear", 6, [4, 120], [4, 84], 0.00658, 0.0608, 0, "AddmmBackward0"),
        call(.function, "", "F.relu", nil, [4, 84], [4, 84], 0.0287, 0.038, 0.464, "ReluBackward0"),
        call(.module, "fc3", "Linear", 7, [4, 84], [4, 10], 0.0114, 0.0559, 0, "AddmmBackward0"),
        call(.module, "", "Net", 8, [4, 1, 32, 32], [4, 10], 0.0114, 0.0559, 0, "AddmmBackward0"),
    ])

    static let evaluation = ForwardRecord(step: 1000, gradEnabled: false, training: false, calls: [
        call(.module, "", "Net", 8, [256, 1, 32, 32], [256, 10], 0.01, 0.05, 0, nil),
    ])

    static var names: [String] { model.parameters.map(\.name) }

    /// SGD(lr=0.001, momentum=0.9) at step 57 on conv1.weight, the numbers from PyTorch's
    /// arithmetic (buf = 0.9·buf + grad; p' = p − 0.001·buf, rounded to float32).
    static let optimizer = OptimizerRecord(
        name: "SGD",
        settings: [OptimizerSetting("lr", "0.001"), OptimizerSetting("momentum", "0.9"), OptimizerSetting("dampening", "0"),
                   OptimizerSetting("weight_decay", "0"), OptimizerSetting("nesterov", "False")],
        parameters: names.enumerated().map { HeldParameter(name: $1, held: $0 != 1, gradNorm: [0.0852, 0.211, 0.161][safe: $0] ?? 0.5) },
        selected: 0,
        update: ParameterUpdate(
            parameter: "conv1.weight", shape: [6, 1, 5, 5], step: 57, held: true,
            rule: .sgd(lr: 0.001, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, firstStep: false),
            elements: [
                ElementUpdate(index: 0, before: -0.1561246, grad: 0.005801, after: -0.15610267, firstBefore: -0.03081, firstAfter: -0.021928),
                ElementUpdate(index: 1, before: 0.09260111, grad: 0.003666, after: 0.09262128, firstBefore: -0.02647, firstAfter: -0.020157),
                ElementUpdate(index: 2, before: -0.1244709, grad: 4.005e-06, after: -0.12445147, firstBefore: -0.02159, firstAfter: -0.019427),
            ],
            updateNorm: 1.92e-4, weightNorm: 1.379, gradNorm: 0.0852))

    static let digitsImage: [Float] = {
        // A "1": a bright vertical bar on black, 8×8.
        (0..<64).map { i in (i % 8 == 3 || i % 8 == 4) && i / 8 >= 1 && i / 8 <= 6 ? 1 : (i % 8 == 2 && i / 8 == 1 ? 0.5 : 0) }
    }()

    static let data = DataRecord(
        dataset: "digits", trainCount: 1437, testCount: 360, sampleShape: [1, 8, 8],
        classNames: (0..<10).map(String.init), batchSize: 4, batchesPerEpoch: 360, lastBatchSize: 1, shuffle: true,
        epoch: 2, order: [978, 351, 64, 973, 1038, 173, 961, 1307, 400, 839, 848, 585, 291, 758, 362, 1261],
        previousOrder: [12, 845, 3, 1200, 77, 604, 1399, 25, 918, 440, 1001, 6, 330, 512, 97, 1410],
        batch: BatchRecord(number: 57, indices: [1010, 972, 579, 640], labels: [1, 1, 7, 1], predictions: [1, 7, 7, 1],
                           shape: [4, 1, 8, 8], imageHeight: 8, imageWidth: 8,
                           images: Array(repeating: digitsImage, count: 4)))

    static let confusion: ConfusionMatrix = {
        var counts = Array(repeating: Array(repeating: 0, count: 10), count: 10)
        for c in 0..<10 { counts[c][c] = 34 + c % 3 }
        counts[7][1] = 2
        counts[3][8] = 1
        return ConfusionMatrix(step: 1000, classNames: (0..<10).map(String.init), counts: counts)
    }()

    static func snapshot() -> TrainingSnapshot {
        var s = Fake.snapshot()
        s.pages.model = model
        s.pages.forward = forward
        s.pages.evaluationForward = evaluation
        s.pages.optimizer = optimizer
        s.pages.data = data
        s.pages.confusion = confusion
        return s
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
