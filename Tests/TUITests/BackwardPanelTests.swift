import Testing
import Trainer
import TUI

/// The backward step panel: the node that ran, the one that runs next, what flowed.
@Suite struct BackwardPanelTests {
    @Test func backwardStepExplainsTheNodeThatRan() {
        let s = Fake.stepping(run: 3)
        let lines = rendered(width: 56, height: 14) {
            BackwardPanel(graph: s.graph, cursor: s.cursor, parameters: s.parameters.map(\.name), scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "ran: AddmmBackward0 (fc3)   node 3/27",
            "next: AccumulateGrad (fc3.bias)",
            "computes  grad_input = grad⋅Wᵀ, grad_weight =",
            "          inputᵀ⋅grad, grad_bias = Σ grad over the batch",
            "          (out = bias + input⋅W, W = weight.t())",
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
            BackwardPanel(graph: leaf.graph, cursor: leaf.cursor, parameters: leaf.parameters.map(\.name), scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(leafLines.contains("ran: AccumulateGrad (fc3.bias)   node 4/27"))
        #expect(leafLines.contains("passed on nothing: a leaf. The gradient went into"))
        #expect(leafLines.contains(".grad     1/10 parameters: fc3.bias"))
        let end = Fake.stepping(run: 27)
        let endLines = rendered(width: 56, height: 14) {
            BackwardPanel(graph: end.graph, cursor: end.cursor, parameters: end.parameters.map(\.name), scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        #expect(endLines[0] == "ran: AccumulateGrad (conv1.bias)   node 27/27")
        #expect(endLines[1] == "next: — pass complete, every .grad is ready;")
        #expect(endLines[2] == "      optimizer.step() ran next")
    }

    @Test func backwardStepBeforeTheFirstNodeAndScrolling() {
        let s = Fake.snapshot()
        let lines = rendered(width: 56, height: 8) {
            BackwardPanel(graph: s.graph, cursor: nil, parameters: [], scroll: 0).render(in: $0, buffer: &$1, theme: mono)
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
            BackwardPanel(graph: s.graph, cursor: nil, parameters: [], scroll: 99).render(in: $0, buffer: &$1, theme: mono)
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

    @Test func labelsAndNodesHaveTheirStyles() {
        let s = Fake.stepping(run: 3)
        let b = renderedBuffer(width: 56, height: 14) {
            BackwardPanel(graph: s.graph, cursor: s.cursor, parameters: s.parameters.map(\.name), scroll: 0).render(in: $0, buffer: &$1, theme: colorTheme)
        }
        #expect(style(of: "ran: ", in: b) == colorTheme.label)
        #expect(style(of: "AddmmBackward0 (fc3)", in: b) == colorTheme.ranNode)
        #expect(style(of: "AccumulateGrad (fc3.bias)", in: b) == colorTheme.nextNode)
        #expect(style(of: "[4, 10]", in: b) == colorTheme.value)
        #expect(style(of: "0/10 parameters", in: b) == colorTheme.good)
    }

    /// At 80 columns the panel is 38 wide: long node names wrap under themselves.
    @Test func longNamesWrapInANarrowPanel() {
        let s = Fake.stepping(run: 16)   // ran: AccumulateGrad (fc1.weight), next: ViewBackward0
        let next = Fake.stepping(run: 17)   // ran: ViewBackward0, next: MaxPool2DWithIndicesBackward0 (pool)
        let lines = rendered(width: 38, height: 3) {
            BackwardPanel(graph: next.graph, cursor: next.cursor, parameters: [], scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(lines, [
            "ran: ViewBackward0   node 17/27",
            "next: MaxPool2DWithIndicesBackward0",
            "      (pool)                         ↓",
        ])
        let leaf = rendered(width: 30, height: 3) {
            BackwardPanel(graph: s.graph, cursor: s.cursor, parameters: [], scroll: 0).render(in: $0, buffer: &$1, theme: mono)
        }
        expectLines(leaf, [
            "ran: AccumulateGrad",
            "     (fc1.weight)",
            "     node 16/27              ↓",
        ])
    }
}
