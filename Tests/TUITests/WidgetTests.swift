import Testing
import Trainer
import TUI

/// Widgets rendered into a ScreenBuffer and compared with literal lines (monochrome: colour
/// changes only the cells' styles, never their text).
@Suite struct WidgetTests {
    @Test func statusBarShowsTheContractWords() {
        var s = Fake.snapshot(steps: 1200)
        let wide = rendered(width: 100, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wide == [" blitz-net · digits · cpu │ step 1200 │ 212 steps/s │ lr 0.001 sgd │ running │ zero_grad: on"])
        s.zeroGradEnabled = false
        s.accumulated = 3
        s.isRunning = false
        // Narrow: the descriptive parts go, the contract's words stay.
        let narrow = rendered(width: 60, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(narrow == [" step 1200 │ paused │ zero_grad: off  accumulated: 3"])
        let full = rendered(width: 140, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(full == [" blitz-tui │ blitz-net · digits · cpu │ epoch 3 │ step 1200 │ 212 steps/s │ lr 0.001 sgd │ paused │ zero_grad: off  accumulated: 3"])
    }

    @Test func blockDrawsBorderTitleAndBadge() {
        let lines = rendered(width: 30, height: 4) { Block(title: "Loss", badge: "log", focused: true).render(in: $0, buffer: &$1, theme: mono) }
        expectLines(lines, [
            "╭ Loss ───────────────── log ╮",
            "│                            │",
            "│                            │",
            "╰────────────────────────────╯",
        ])
        let ascii = rendered(width: 12, height: 3, theme: asciiTheme) { Block(title: "Graph").render(in: $0, buffer: &$1, theme: asciiTheme) }
        #expect(ascii == ["+ Graph ---+", "|          |", "+----------+"])
        // Too small for a border: nothing drawn, an empty inner area.
        var b = ScreenBuffer(width: 1, height: 1)
        #expect(Block(title: "x").render(in: b.area, buffer: &b, theme: mono).isEmpty)
    }

    static let params = [
        ParameterStats(name: "fc1.weight", shape: [120, 400], gradNorm: 1.27, norm: 3),
        ParameterStats(name: "fc1.bias", shape: [120], gradNorm: 0.0191, norm: 1),
        ParameterStats(name: "fc3.bias", shape: [10], gradNorm: nil, norm: 1),
    ]

    @Test func gradientNormsOnALogScale() {
        let lines = rendered(width: 48, height: 5) {
            GradNorms(parameters: WidgetTests.params, baseline: [], zeroGradEnabled: true, accumulated: 1, selected: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines == [
            "‖.grad‖ per parameter, log scale",
            "fc1.weight ████████████████▍                1.27",
            "fc1.bias   █████████▏                     0.0191",
            "fc3.bias                                    None",
            "           1e-4    1e-2   1       1e2",
        ])
    }

    @Test func accumulatedGradientsShowTheirGrowth() {
        let lines = rendered(width: 48, height: 4) {
            GradNorms(parameters: WidgetTests.params, baseline: [0.3, 0.0191, nil], zeroGradEnabled: false, accumulated: 4, selected: 1).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            ".grad = sum of 4 backward passes",
            "fc1.weight ██████████▒▒▎             1.27   ×4.2",
            "fc1.bias   ██████▉                 0.0191",
            "fc3.bias                             None",
        ])
        // Twice the norm is a visibly longer bar: the scale is fixed, not fitted to the largest value.
        #expect(GradNorms.fraction(2.54) > GradNorms.fraction(1.27) + 0.04)
        #expect(GradNorms.fraction(0) == 0 && GradNorms.fraction(.infinity) == 1 && GradNorms.fraction(1e9) == 1)
    }

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

    @Test func backwardStepExplainsTheNodeThatRan() {
        let s = Fake.stepping(run: 3)
        let lines = rendered(width: 56, height: 14) {
            BackwardStep(graph: s.graph, cursor: s.cursor, parameters: s.parameters.map(\.name), scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "ran: AddmmBackward0 (fc3)   node 3/27",
            "next: AccumulateGrad (fc3.bias)",
            "computes  grad_input = grad·Wᵀ, grad_weight =",
            "          inputᵀ·grad, grad_bias = Σ grad over the batch",
            "          (out = bias + input·W, W = weight.t())",
            "received  [4, 10]  norm 0.412  min -0.231  max 0.193",
            "          [-0.0213, 0.0344, -0.110, 0.0873, 0.00120,",
            "          -0.0456, …]",
            "passed on → AccumulateGrad (fc3.bias)  [10]  norm 0.300",
            "          → ReluBackward0  [4, 84]  norm 0.300",
            "          → TBackward0 (fc3)  [84, 10]  norm 0.300",
            ".grad     0/10 parameters: none yet",
            "",
            "",
        ])
    }

    @Test func backwardStepAtALeafAndAtTheEnd() {
        let leaf = Fake.stepping(run: 4)
        let leafLines = rendered(width: 56, height: 14) {
            BackwardStep(graph: leaf.graph, cursor: leaf.cursor, parameters: leaf.parameters.map(\.name), scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(leafLines.contains("ran: AccumulateGrad (fc3.bias)   node 4/27"))
        #expect(leafLines.contains("passed on nothing: a leaf. The gradient went into"))
        #expect(leafLines.contains(".grad     1/10 parameters: fc3.bias"))
        let end = Fake.stepping(run: 27)
        let endLines = rendered(width: 56, height: 14) {
            BackwardStep(graph: end.graph, cursor: end.cursor, parameters: end.parameters.map(\.name), scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(endLines[0] == "ran: AccumulateGrad (conv1.bias)   node 27/27")
        #expect(endLines[1] == "next: — pass complete, every parameter's .grad is ready")
    }

    @Test func backwardStepBeforeTheFirstNodeAndScrolling() {
        let s = Fake.snapshot()
        let lines = rendered(width: 56, height: 8) {
            BackwardStep(graph: s.graph, cursor: nil, parameters: [], scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "ran: —",
            "next: NllLossBackward0",
            "          b runs one backward node (and pauses",
            "          training). The first node of a pass also runs",
            "          zero_grad (if on), the forward pass and the",
            "          loss.",
            "computes  starts the chain: ∂loss/∂log-prob is −1/N at",
            "          each sample's target class and 0 elsewhere   ↓",
        ])
        let scrolled = rendered(width: 56, height: 3) {
            BackwardStep(graph: s.graph, cursor: nil, parameters: [], scroll: 99).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(scrolled.last == "          (mean over the batch of N)")
        #expect(scrolled.first?.hasSuffix("↑") == true)
    }

    @Test func everyNodeOfTheBlitzGraphHasItsOwnExplanation() {
        let general = NodeExplanations.explain("SomethingBackward0")
        for node in Fake.graph.nodes {
            #expect(NodeExplanations.explain(node.name) != general, "\(node.name)")
        }
        #expect(NodeExplanations.explain("AccumulateGrad").contains(".grad"))
        #expect(NodeExplanations.explain("AddmmBackward1") == NodeExplanations.explain("AddmmBackward0"))
    }

    @Test func lossChartWithAxes() {
        let lines = rendered(width: 24, height: 7) {
            LossChart(losses: LossHistory([4, 3, 2, 1]), accuracies: [], scale: .linear, window: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "loss 1.000",
            " 4.15│⠢⢄⡀",
            "     │  ⠈⠑⠢⢄⣀",
            " 2.50│       ⠉⠒⠤⣀",
            "     │           ⠉⠒⠤⣀",
            "0.850│               ⠉⠒⠤",
            "     └1 ───────── step 4",
        ])
        let ascii = rendered(width: 24, height: 7, theme: asciiTheme) {
            LossChart(losses: LossHistory([4, 3, 2, 1]), accuracies: [], scale: .log, window: nil).render(in: $0, buffer: &$1, theme: asciiTheme)
        }
        expectLines(ascii, [
            "loss 1.000",
            " 4.29|--...",
            "     |     ''-..",
            " 2.00|          '-.",
            "     |             '-.",
            "0.933|                '-",
            "     +1 --------- step 4",
        ])
    }

    @Test func lossChartRescalesToTheVisibleWindow() {
        // A huge first loss, then small ones: zoomed to the last 100 steps, the axis fits those.
        var values = [1000.0]
        values += (0..<999).map { 0.5 + Double($0 % 10) / 100 }
        let chart = LossChart(losses: LossHistory(values), accuracies: [], scale: .linear, window: 100)
        let lines = rendered(width: 40, height: 8) { chart.render(in: $0, buffer: &$1, theme: mono) }
        #expect(lines[1].hasPrefix("0.594│"))
        #expect(lines[6].hasPrefix("0.496│"))
        #expect(lines[7].hasSuffix("step 1000"))
        #expect(lines[7].contains("901"))
    }

    @Test func lossChartWithoutData() {
        let lines = rendered(width: 40, height: 6) {
            LossChart(losses: LossHistory(), accuracies: [], scale: .log, window: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines[0] == "loss –  mean(1) –")
        #expect(lines.contains { $0.contains("no loss yet") })
        let infinite = rendered(width: 40, height: 6) {
            LossChart(losses: LossHistory([.infinity, .nan]), accuracies: [], scale: .linear, window: nil).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(infinite.contains { $0.contains("no finite loss to plot") })
    }

    @Test func helpListsEveryKeyOfTheContract() {
        let lines = rendered(width: 100, height: 24) { Help().render(in: $0, buffer: &$1, theme: mono) }
        let text = lines.joined(separator: "\n")
        for key in ["space", "n ", "b ", "z ", "+  -", "tab", "↑ ↓", "enter", "l ", "?", "q "] {
            #expect(text.contains("│ " + key) || text.contains(key), "\(key)")
        }
        #expect(text.contains("pause / resume training"))
        #expect(text.contains("one backward node"))
        #expect(text.contains("zero_grad on / off"))
        #expect(text.contains("quit"))
    }

    @Test func tooSmallSaysSo() {
        let lines = rendered(width: 40, height: 5) { TooSmall(width: 40, height: 5).render(in: $0, buffer: &$1, theme: mono) }
        expectLines(lines, [
            "",
            "  terminal too small: 40×5. blitz-tui",
            "needs at least 80×24. Resize, or press q",
            "                to quit.",
            "",
        ])
    }
}

@Suite struct ExtremeValueTests {
    @Test func chartsSurviveAnyDouble() {
        let nasty: [Double] = [1.7e308, -1.7e308, 5e-324, -5e-324, 0, .nan, .infinity, -.infinity, 1e-300, 42]
        for scale in [LossScale.linear, .log] {
            for window in [nil, 2] as [Int?] {
                let chart = LossChart(losses: LossHistory(nasty), accuracies: [AccuracyPoint(step: 3, epoch: 1, accuracy: .nan), AccuracyPoint(step: 4, epoch: 1, accuracy: 7)], scale: scale, window: window)
                let lines = rendered(width: 50, height: 10) { chart.render(in: $0, buffer: &$1, theme: mono) }
                #expect(lines.count == 10)
            }
        }
        let params = nasty.enumerated().map { ParameterStats(name: "p\($0.offset)", shape: [1], gradNorm: $0.element, norm: $0.element) }
        let lines = rendered(width: 60, height: 12) {
            GradNorms(parameters: params, baseline: nasty, zeroGradEnabled: false, accumulated: 2, selected: 3).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(lines.count == 12)
        for v in nasty {
            _ = Format.significant(v)
            _ = Format.trimmed(v)
            _ = Format.scientific(v, 2)
            _ = Format.fixed(v, 3)
        }
    }
}

@Suite struct FooterTests {
    @Test func keysThatFitAndAlwaysHelpAndQuit() {
        let s = Fake.snapshot(running: true)
        let wide = rendered(width: 100, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wide == [" 1 Train 2 Model 3 Forward 4 Optimizer 5 Data  space pause  n step  z zero_grad  ? help  q quit"])
        let narrow = rendered(width: 40, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(narrow == [" 1-5 train  n step  ? help  q quit"])
        // The page being shown is highlighted among the pages; the Optimizer page adds its keys.
        var buffer = ScreenBuffer(width: 120, height: 1)
        Footer(snapshot: s, page: .optimizer).render(in: buffer.area, buffer: &buffer, theme: mono)
        #expect(buffer.line(0) == " 1 Train 2 Model 3 Forward 4 Optimizer 5 Data  x in/out of optimizer  ↑↓ parameter  space pause  l log  ? help  q quit")
        let optimizer = Array(buffer.line(0)).firstIndex(of: "O")!
        #expect(buffer[optimizer, 0].style.attributes.contains(.reverse))
        #expect(!buffer[optimizer - 2, 0].style.attributes.contains(.reverse))
        #expect(buffer[optimizer - 2, 0].style == mono.key)
    }

    @Test func aLongMessageLeavesRoomForHelpAndQuit() {
        var s = Fake.snapshot(running: false)
        s.diverged = true
        s.message = "loss became inf at step 1201 in NllLossBackward0: lower the learning rate with - and resume with space"
        let lines = rendered(width: 80, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(lines == [" loss became inf at step 1201 in NllLossBackward0:…  1-5 train  ? help  q quit"])
        #expect(lines[0].hasSuffix("? help  q quit"))
    }
}

@Suite struct ASCIIFoldTests {
    @Test func everyExplanationAndHelpLineHasAnASCIISpelling() {
        let texts = Array(NodeExplanations.table.values) + KeyMap.help.map { $0.keys + " " + $0.action }
            + [NodeExplanations.explain("UnknownBackward0")]
        for text in texts {
            var b = ScreenBuffer(width: 400, height: 1, ascii: true)
            b.put(text, x: 0, y: 0)
            let line = b.line(0)
            #expect(line.allSatisfy { $0.isASCII })
            #expect(!line.contains("?") || text.contains("?"), "\(text) → \(line)")
        }
    }
}
