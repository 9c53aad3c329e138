import Testing
import Trainer
import TUI

/// The graph panel: GraphTree's rows drawn with the backward stepper's markers.
@Suite struct GraphViewTests {
    @Test func graphTreeFromLossToLeaves() {
        let s = Fake.stepping(run: 7)
        let rows = GraphTree.rows(s.graph, collapsed: [])
        #expect(rows.count == 27)
        let lines = rendered(width: 60, height: 27) {
            GraphView(graph: s.graph, cursor: s.cursor, rows: rows, selectedRow: nil, focused: false).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "✓   NllLossBackward0                           []",
            "✓   LogSoftmaxBackward0                        [4,10]",
            "✓ ▾ AddmmBackward0                fc3          [4,10]",
            "✓   ├─AccumulateGrad              fc3.bias     [10]",
            "✓   └─TBackward0                  fc3          [84,10]",
            "✓     └─AccumulateGrad            fc3.weight   [10,84]",
            "●   ReluBackward0                              [4,84]",
            "▶ ▾ AddmmBackward0                fc2          [4,84]",
            "    ├─AccumulateGrad              fc2.bias     [84]",
            "    └─TBackward0                  fc2          [120,84]",
            "      └─AccumulateGrad            fc2.weight   [84,120]",
            "    ReluBackward0                              [4,120]",
            "  ▾ AddmmBackward0                fc1          [4,120]",
            "    ├─AccumulateGrad              fc1.bias     [120]",
            "    └─TBackward0                  fc1          [400,120]",
            "      └─AccumulateGrad            fc1.weight   [120,400]",
            "    ViewBackward0                              [4,400]",
            "    MaxPool2DWithIndicesBackward0 pool         [4,16,5,5]",
            "    ReluBackward0                              [4,16,10,10]",
            "  ▾ ConvolutionBackward0          conv2        [4,16,10,10]",
            "    ├─AccumulateGrad              conv2.weight [16,6,5,5]",
            "    └─AccumulateGrad              conv2.bias   [16]",
            "    MaxPool2DWithIndicesBackward0 pool         [4,6,14,14]",
            "    ReluBackward0                              [4,6,28,28]",
            "  ▾ ConvolutionBackward0          conv1        [4,6,28,28]",
            "    ├─AccumulateGrad              conv1.weight [6,3,5,5]",
            "    └─AccumulateGrad              conv1.bias   [6]",
        ])
    }

    @Test func foldedModulesInASCII() {
        let s = Fake.stepping(run: 7)
        let rows = GraphTree.rows(s.graph, collapsed: ["fc3", "conv2"])
        #expect(rows.count == 22)
        let lines = rendered(width: 60, height: 6, theme: asciiTheme) {
            GraphView(graph: s.graph, cursor: s.cursor, rows: rows, selectedRow: 2, focused: true).render(in: $0, buffer: &$1, theme: asciiTheme)
        }
        expectLines(lines, [
            ".   NllLossBackward0                           []",
            ".   LogSoftmaxBackward0                        [4,10]",
            ". + fc3: 4 nodes                  fc3",
            "*   ReluBackward0                              [4,84]",
            "> - AddmmBackward0                fc2          [4,84]",
            "    +-AccumulateGrad              fc2.bias     [84]",
        ])
    }

    @Test func graphScrollsToTheNodeThatRunsNext() {
        let s = Fake.stepping(run: 20)   // next: AccumulateGrad(conv2.weight), far down the tree
        let rows = GraphTree.rows(s.graph, collapsed: [])
        let selected = AppState().selectedGraphRow(rows, s)
        let lines = rendered(width: 60, height: 5) {
            GraphView(graph: s.graph, cursor: s.cursor, rows: rows, selectedRow: selected, focused: false).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "✓   ReluBackward0                              [4,16,10,10]",
            "● ▾ ConvolutionBackward0          conv2        [4,16,10,10]",
            "▶   ├─AccumulateGrad              conv2.weight [16,6,5,5]",
            "    └─AccumulateGrad              conv2.bias   [16]",
            "    MaxPool2DWithIndicesBackward0 pool         [4,6,14,14]",
        ])
    }

    @Test func theStepperMarksItsNodes() {
        let s = Fake.stepping(run: 7)
        let rows = GraphTree.rows(s.graph, collapsed: [])
        let b = renderedBuffer(width: 60, height: 27) {
            GraphView(graph: s.graph, cursor: s.cursor, rows: rows, selectedRow: nil, focused: false).render(in: $0, buffer: &$1, theme: colorTheme)
        }
        #expect(style(of: "AddmmBackward0                fc2", in: b) == colorTheme.nextNode)
        #expect(style(of: "ReluBackward0                              [4,84]", in: b) == colorTheme.ranNode)
        #expect(style(of: "NllLossBackward0", in: b) == colorTheme.doneNode)
        #expect(style(of: "▶", in: b) == colorTheme.warning)
        #expect(style(of: "fc1.weight", in: b) == colorTheme.module)
        #expect(style(of: "[120,400]", in: b) == colorTheme.shape)
    }

    /// The MLP on 2-D points: the input needs no gradient, so fc1's AddmmBackward0 has only its
    /// parameters below it (ids as `blitz-tui graph --model mlp --dataset spirals` numbers them).
    static let mlpGraph: GraphSnapshot = {
        func acc(_ id: Int, _ p: String, _ shape: [Int]) -> GraphNode {
            GraphNode(id: id, name: "AccumulateGrad", module: String(p.split(separator: ".")[0]), parameter: p, shape: shape, next: [])
        }
        func op(_ id: Int, _ name: String, _ module: String?, _ shape: [Int], _ next: [Int]) -> GraphNode {
            GraphNode(id: id, name: name, module: module, parameter: nil, shape: shape, next: next)
        }
        let nodes = [
            op(0, "TBackward0", "fc1", [2, 128], [13]), op(1, "AddmmBackward0", "fc1", [4, 128], [12, 0]),
            op(2, "ReluBackward0", nil, [4, 128], [1]), op(3, "TBackward0", "fc2", [128, 64], [14]),
            op(4, "AddmmBackward0", "fc2", [4, 64], [11, 2, 3]), op(5, "ReluBackward0", nil, [4, 64], [4]),
            op(6, "TBackward0", "fc3", [64, 3], [15]), op(7, "AddmmBackward0", "fc3", [4, 3], [10, 5, 6]),
            op(8, "LogSoftmaxBackward0", nil, [4, 3], [7]), op(9, "NllLossBackward0", nil, [], [8]),
            acc(10, "fc3.bias", [3]), acc(11, "fc2.bias", [64]), acc(12, "fc1.bias", [128]),
            acc(13, "fc1.weight", [128, 2]), acc(14, "fc2.weight", [64, 128]), acc(15, "fc3.weight", [3, 64]),
        ]
        return GraphSnapshot(nodes: nodes, root: 9, executionOrder: [9, 8, 7, 10, 6, 15, 5, 4, 11, 3, 14, 2, 1, 12, 0, 13])
    }()

    @Test func aFirstLayerWithoutAnInputGradientNestsItsWeight() {
        let rows = GraphTree.rows(GraphViewTests.mlpGraph, collapsed: [])
        let lines = rendered(width: 56, height: 16) {
            GraphView(graph: GraphViewTests.mlpGraph, cursor: nil, rows: rows, selectedRow: nil, focused: false)
                .render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "    NllLossBackward0                           []",
            "    LogSoftmaxBackward0                        [4,3]",
            "  ▾ AddmmBackward0                  fc3        [4,3]",
            "    ├─AccumulateGrad                fc3.bias   [3]",
            "    └─TBackward0                    fc3        [64,3]",
            "      └─AccumulateGrad              fc3.weight [3,64]",
            "    ReluBackward0                              [4,64]",
            "  ▾ AddmmBackward0                  fc2        [4,64]",
            "    ├─AccumulateGrad                fc2.bias   [64]",
            "    └─TBackward0                    fc2        [128,64]",
            "      └─AccumulateGrad              fc2.weight [64,128]",
            "    ReluBackward0                              [4,128]",
            "  ▾ AddmmBackward0                  fc1        [4,128]",
            "    ├─AccumulateGrad                fc1.bias   [128]",
            "    └─TBackward0                    fc1        [2,128]",
            "      └─AccumulateGrad              fc1.weight [128,2]",
        ])
    }
}
