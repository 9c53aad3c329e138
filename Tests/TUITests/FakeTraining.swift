import Synchronization
import Trainer
import TUI

/// A realistic snapshot of the blitz Net mid-training: its 27-node graph with PyTorch's names,
/// modules, shapes and execution order (pytorch-facts.md), its ten parameters, a loss curve.
enum Fake {
    static let parameterShapes: [(String, [Int])] = [
        ("conv1.weight", [6, 3, 5, 5]), ("conv1.bias", [6]), ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
        ("fc1.weight", [120, 400]), ("fc1.bias", [120]), ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
        ("fc3.weight", [10, 84]), ("fc3.bias", [10]),
    ]

    /// Nodes in creation order (ids 0...26); the loss's NllLossBackward0 is the root.
    static let graph: GraphSnapshot = {
        func acc(_ id: Int, _ p: String, _ shape: [Int]) -> GraphNode {
            GraphNode(id: id, name: "AccumulateGrad", module: String(p.split(separator: ".")[0]), parameter: p, shape: shape, next: [])
        }
        func op(_ id: Int, _ name: String, _ module: String?, _ shape: [Int], _ next: [Int]) -> GraphNode {
            GraphNode(id: id, name: name, module: module, parameter: nil, shape: shape, next: next)
        }
        let nodes = [
            acc(0, "conv1.weight", [6, 3, 5, 5]), acc(1, "conv1.bias", [6]),
            op(2, "ConvolutionBackward0", "conv1", [4, 6, 28, 28], [0, 1]),
            op(3, "ReluBackward0", nil, [4, 6, 28, 28], [2]),
            op(4, "MaxPool2DWithIndicesBackward0", "pool", [4, 6, 14, 14], [3]),
            acc(5, "conv2.weight", [16, 6, 5, 5]), acc(6, "conv2.bias", [16]),
            op(7, "ConvolutionBackward0", "conv2", [4, 16, 10, 10], [4, 5, 6]),
            op(8, "ReluBackward0", nil, [4, 16, 10, 10], [7]),
            op(9, "MaxPool2DWithIndicesBackward0", "pool", [4, 16, 5, 5], [8]),
            op(10, "ViewBackward0", nil, [4, 400], [9]),
            acc(11, "fc1.bias", [120]), acc(12, "fc1.weight", [120, 400]),
            op(13, "TBackward0", "fc1", [400, 120], [12]),
            op(14, "AddmmBackward0", "fc1", [4, 120], [11, 10, 13]),
            op(15, "ReluBackward0", nil, [4, 120], [14]),
            acc(16, "fc2.bias", [84]), acc(17, "fc2.weight", [84, 120]),
            op(18, "TBackward0", "fc2", [120, 84], [17]),
            op(19, "AddmmBackward0", "fc2", [4, 84], [16, 15, 18]),
            op(20, "ReluBackward0", nil, [4, 84], [19]),
            acc(21, "fc3.bias", [10]), acc(22, "fc3.weight", [10, 84]),
            op(23, "TBackward0", "fc3", [84, 10], [22]),
            op(24, "AddmmBackward0", "fc3", [4, 10], [21, 20, 23]),
            op(25, "LogSoftmaxBackward0", nil, [4, 10], [24]),
            op(26, "NllLossBackward0", nil, [], [25]),
        ]
        let order = [26, 25, 24, 21, 23, 22, 20, 19, 16, 18, 17, 15, 14, 11, 13, 12, 10, 9, 8, 7, 5, 6, 4, 3, 2, 0, 1]
        return GraphSnapshot(nodes: nodes, root: 26, executionOrder: order)
    }()

    static let norms: [Double] = [0.412, 0.0521, 0.903, 0.0733, 1.27, 0.0191, 0.611, 0.0348, 0.845, 0.118]

    /// A loss that falls from about 2.3 with deterministic noise (no randomness in tests).
    static func losses(_ count: Int) -> LossHistory {
        var h = LossHistory()
        for i in 0..<count {
            let t = Double(i)
            let noise = Double((i * 7919) % 101) / 100.0 - 0.5
            h.append(0.6 + 1.7 / (1 + t / 150) + 0.25 * noise)
        }
        return h
    }

    static func snapshot(steps: Int = 1200, running: Bool = true) -> TrainingSnapshot {
        var s = TrainingSnapshot()
        s.version = steps
        s.model = "blitz-net"
        s.dataset = "digits"
        s.device = "cpu"
        s.optimizer = "sgd"
        s.learningRate = 0.001
        s.batchSize = 4
        s.step = steps
        s.epoch = steps / 450 + 1
        s.stepsPerEpoch = 450
        s.isRunning = running
        s.stepsPerSecond = 19.9
        s.pacing = Pacing(speed: .watchable)
        s.losses = losses(steps)
        s.accuracies = stride(from: 450, through: steps, by: 450).map { AccuracyPoint(step: $0, epoch: $0 / 450, accuracy: 0.41 + Double($0) / 4000) }
        s.parameters = zip(parameterShapes, norms).map { ParameterStats(name: $0.0.0, shape: $0.0.1, gradNorm: steps > 0 ? $0.1 : nil, norm: 3.1) }
        s.accumulated = steps > 0 ? 1 : 0
        s.graph = steps > 0 ? graph : nil
        return s
    }

    /// The stepper after `run` nodes of a pass (run ≥ 1).
    static func stepping(run: Int) -> TrainingSnapshot {
        var s = snapshot(running: false)
        let order = graph.executionOrder
        let ranID = order[run - 1]
        let nextID = run < order.count ? order[run] : nil
        let ranNode = graph.node(ranID)!
        let grad = GradientSummary(shape: ranNode.shape, norm: 0.4123, min: -0.2311, max: 0.1933, firstValues: [-0.0213, 0.0344, -0.1101, 0.0873, 0.0012, -0.0456])
        let out = ranNode.next.map { id in
            GradientSummary(shape: graph.node(id)!.shape, norm: 0.3, min: -0.1, max: 0.1, firstValues: [0.01])
        }
        let withGrad = order.prefix(run).compactMap { graph.node($0)!.parameter }
        s.cursor = BackwardCursor(ran: ranID, next: nextID, ranName: ranNode.name, nextName: nextID.map { graph.node($0)!.name },
                                  gradIn: grad, gradsOut: out, parametersWithGrad: withGrad, stepsRun: run, totalNodes: order.count,
                                  isActive: nextID != nil)
        s.version += 1000 + run
        return s
    }
}

/// A TrainingControl that records the commands it is sent and serves a snapshot, which
/// `react` may change in answer to a command (as a trainer would).
final class RecordingControl: TrainingControl {
    typealias Reaction = @Sendable (TrainerCommand, inout TrainingSnapshot) -> Void
    private let state: Mutex<(commands: [TrainerCommand], snapshot: TrainingSnapshot)>
    private let react: Reaction?

    init(snapshot: TrainingSnapshot, react: Reaction? = nil) {
        state = Mutex(([], snapshot))
        self.react = react
    }

    func send(_ command: TrainerCommand) {
        state.withLock {
            $0.commands.append(command)
            react?(command, &$0.snapshot)
        }
    }

    var latestSnapshot: TrainingSnapshot {
        state.withLock { $0.snapshot }
    }

    var commands: [TrainerCommand] {
        state.withLock { $0.commands }
    }

    func publish(_ snapshot: TrainingSnapshot) {
        state.withLock { $0.snapshot = snapshot }
    }
}
