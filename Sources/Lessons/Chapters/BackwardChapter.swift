import Autograd
import Models

/// A model whose forward follows the data: tanh when the batch sums above zero, relu otherwise.
/// Each iteration records the graph of the branch it took, so two iterations can differ.
final class BranchyNet: Module {
    let fc1: Linear
    let fc2: Linear

    init(generator: inout RandomGenerator) {
        fc1 = Linear(4, 8, generator: &generator)
        fc2 = Linear(8, 3, generator: &generator)
        super.init()
        registerModule("fc1", fc1)
        registerModule("fc2", fc2)
    }

    override func forward(_ input: Tensor) -> Tensor {
        let h = fc1(input)
        return fc2(input.sum().item() > 0 ? h.tanh() : h.relu())
    }
}

/// (e) Backward. The blitz Net's backward run one node at a time by the engine's stepper, in
/// PyTorch's order; a data-dependent forward giving two different graphs on two iterations; and
/// a second backward through a freed graph refused, then allowed with retainGraph.
enum BackwardChapter {
    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        let net = LessonSupport.net(seed: context.seed)
        let (x, labels, _) = LessonSupport.digits(4, seed: context.seed)
        let loss = Tensor.crossEntropy(net(x), labels)
        let stepped = try! LessonSupport.steppedBackward(loss)
        facts.append(LessonFact("blitz order", stepped.map(\.name).joined(separator: "\n")))
        facts.append(LessonFact("blitz nodes", String(stepped.count)))
        let stepRows = stepped.enumerated().map { i, s in [String(i + 1), s.name, s.owner, s.received, s.sent] }

        // The dynamic graph: iterate until the data takes the other branch.
        var generator = RandomGenerator(seed: context.seed)
        let branchy = BranchyNet(generator: &generator)
        let target = Tensor([0, 1])
        func iteration() -> (sum: Double, order: [String]) {
            let input = Tensor.randn([2, 4], generator: &generator)
            let loss = Tensor.crossEntropy(branchy(input), target)
            let order = try! LessonSupport.steppedBackward(loss).map(\.name)
            return (input.sum().item(), order)
        }
        let first = iteration()
        var second = iteration()
        var iterations = 2
        while second.order == first.order && iterations < 50 {
            second = iteration()
            iterations += 1
        }
        facts.append(LessonFact("branch graphs differ", first.order != second.order ? "True" : "False"))
        let (tanhOrder, reluOrder) = first.sum > 0 ? (first.order, second.order) : (second.order, first.order)
        facts.append(LessonFact("branch tanh", tanhOrder.joined(separator: "\n")))
        facts.append(LessonFact("branch relu", reluOrder.joined(separator: "\n")))
        let length = max(first.order.count, second.order.count)
        let graphRows = (0..<length).map { i in
            [i < first.order.count ? first.order[i] : "", i < second.order.count ? second.order[i] : ""]
        }
        let differing = graphRows.indices.filter { graphRows[$0][0] != graphRows[$0][1] }

        // Backward twice.
        let w = try! Tensor([1, 2] as [Float]).requireGrad()
        let y = (w * w).sum()
        try! y.backward()
        var twiceError = "(no error)"
        do { try y.backward() } catch { twiceError = error.description }
        facts.append(LessonFact("backward twice", twiceError))
        let w2 = try! Tensor([1, 2] as [Float]).requireGrad()
        let y2 = (w2 * w2).sum()
        try! y2.backward(retainGraph: true)
        let afterOne = w2.grad!.description
        try! y2.backward()
        let afterTwo = w2.grad!.description
        facts.append(LessonFact("retain_graph grad", afterTwo))

        return Chapter(
            id: .e, title: Lessons.title(of: .e),
            question: "How is backpropagation performed in PyTorch?",
            predict: "loss.backward() starts at the loss. Which node runs first, and which parameter's .grad is filled first?",
            sections: [
                LessonSection("backward, one node at a time", [
                    .code(swift: "let loss = Tensor.crossEntropy(net(x), labels)\nlet stepper = try BackwardStepper(root: loss)\nwhile let step = try stepper.step() { ... }",
                          pytorch: "loss = F.cross_entropy(net(x), labels)\nloss.backward()   # the engine's loop, all at once"),
                    .table(LessonTable(headers: ["#", "node", "of", "grad in", "sends to"], rows: stepRows, step: "node")),
                    .text("Forward recorded \(stepped.count) nodes. Backward starts at the loss's grad_fn and runs a node only when every gradient flowing into it has arrived, the most recently created first. Each node applies the chain rule locally (its own derivative times the gradient it received) and passes the result along its edges; AccumulateGrad nodes add it into a parameter's .grad. fc3.bias is filled first, conv1's parameters last. Here b shows the stepper's nodes one at a time; in the trainer, b runs it one node per key."),
                ]),
                LessonSection("The graph is built anew every iteration", [
                    .code(swift: "let h = fc1(x)\nreturn fc2(x.sum().item() > 0 ? h.tanh() : h.relu())",
                          pytorch: "h = self.fc1(x)\nreturn self.fc2(torch.tanh(h) if x.sum() > 0 else F.relu(h))"),
                    .table(LessonTable(headers: ["iteration 1 (sum \(LessonSupport.fixed(first.sum, 2)))", "iteration \(iterations) (sum \(LessonSupport.fixed(second.sum, 2)))"],
                                       rows: graphRows, marked: differing)),
                    .text("Ordinary Swift (or Python) control flow chose the branch, and the graph recorded what actually ran: the marked row differs. Nothing is declared in advance; what you run is what you differentiate."),
                ]),
                LessonSection("backward twice", [
                    .code(swift: "let y = (w * w).sum()\ntry y.backward()\ntry y.backward()",
                          pytorch: "y = (w * w).sum()\ny.backward()\ny.backward()"),
                    .error(LessonError(message: twiceError, place: "the second y.backward()",
                                       why: "The first backward freed the tensors MulBackward0 saved (w, twice) to save memory; without them it cannot compute its gradient again.")),
                    .code(swift: "try y.backward(retainGraph: true)\ntry y.backward()", pytorch: "y.backward(retain_graph=True)\ny.backward()"),
                    .output("w.grad after the first:  \(afterOne)\nw.grad after the second: \(afterTwo)"),
                    .text("With the graph retained the second pass runs, and the gradients add up: 2w, then 4w (chapter f is about that)."),
                ]),
            ],
            answer: "Compute a scalar loss from the model's output with a criterion, then call loss.backward(). During forward, autograd recorded a graph of every op on tensors that require grad (the dynamic graph, rebuilt every iteration, so ordinary control flow is allowed). backward() walks it from the loss back to the leaves, applying each op's backward (the chain rule) and adding the results into the .grad of every leaf that requires grad. The graph's saved tensors are freed afterwards unless retain_graph=True.",
            facts: facts)
    }
}
