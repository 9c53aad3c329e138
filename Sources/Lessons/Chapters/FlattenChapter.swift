import Autograd
import Models

/// (d) Flatten. A batch of four digits goes through the blitz Net one layer at a time and the
/// shape after each is recorded: the "shape ribbon" from [4, 1, 32, 32] to the logits. Then the
/// same walk with flatten left out: fc1 receives [4, 16, 5, 5] and the engine raises PyTorch's
/// error at that layer.
enum FlattenChapter {
    /// One stage of the walk: its name and what it does to a tensor (nil for flatten when off).
    private static func stages(_ net: BlitzNet, flatten: Bool) -> [(String, (Tensor) throws(AutogradError) -> Tensor)] {
        var list: [(String, (Tensor) throws(AutogradError) -> Tensor)] = [
            ("conv1", { net.conv1($0) }), ("relu", { $0.relu() }), ("pool", { net.pool($0) }),
            ("conv2", { net.conv2($0) }), ("relu", { $0.relu() }), ("pool", { net.pool($0) }),
        ]
        if flatten { list.append(("flatten", { $0.flatten(startDim: 1) })) }
        list += [
            ("fc1", { x throws(AutogradError) in try net.fc1.checkedCall(x) }), ("relu", { $0.relu() }),
            ("fc2", { x throws(AutogradError) in try net.fc2.checkedCall(x) }), ("relu", { $0.relu() }),
            ("fc3", { x throws(AutogradError) in try net.fc3.checkedCall(x) }),
        ]
        return list
    }

    /// The walk: a row per stage reached, and the error where one stopped it.
    private static func walk(_ net: BlitzNet, _ input: Tensor, flatten: Bool)
        -> (rows: [[String]], failed: (stage: String, input: [Int], error: AutogradError)?) {
        var rows = [["input", "x", Shape.describe(input.shape)]]
        var x = input
        for (name, stage) in stages(net, flatten: flatten) {
            do {
                let before = x.shape
                x = try stage(x)
                rows.append([name, Shape.describe(before), Shape.describe(x.shape)])
            } catch {
                rows.append([name, Shape.describe(x.shape), "error"])
                return (rows, (name, x.shape, error))
            }
        }
        return (rows, nil)
    }

    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        let net = LessonSupport.net(seed: context.seed)
        let (x, _, _) = LessonSupport.digits(4, seed: context.seed)
        let with = walk(net, x, flatten: true)
        let without = walk(net, x, flatten: false)
        facts.append(LessonFact("ribbon", with.rows.map { "\($0[0]) \($0[2])" }.joined(separator: "\n")))
        var failureBlocks: [LessonBlock] = []
        if let failed = without.failed {
            facts.append(LessonFact("error without flatten", failed.error.description))
            facts.append(LessonFact("failed layer", failed.stage))
            facts.append(LessonFact("failed layer input", Shape.describe(failed.input)))
            let rows = failed.input.dropLast().reduce(1, *)
            failureBlocks = [
                .error(LessonError(
                    message: failed.error.description,
                    place: "\(failed.stage) = Linear(\(net.fc1.inFeatures), \(net.fc1.outFeatures)), given \(Shape.describe(failed.input))",
                    why: "A Linear layer multiplies the input's last dimension by its weight: without flatten the last dimension is \(failed.input.last ?? 0) (the width of each 5x5 map), so the input is read as \(rows) rows of \(failed.input.last ?? 0) numbers instead of \(failed.input.first ?? 0) rows of \(net.fc1.inFeatures).")),
            ]
        }
        let flattenRow = with.rows.firstIndex { $0[0] == "flatten" }.map { [$0] } ?? []
        let failedRow = without.failed == nil ? [] : [without.rows.count - 1]
        return Chapter(
            id: .d, title: Lessons.title(of: .d),
            question: "What PyTorch function is used when moving between convolution layers and fully connected layers in a neural network forward pass?",
            predict: "After the second pooling a batch of 4 digits is [4, 16, 5, 5]. fc1 is Linear(400, 120). What happens if it gets that tensor as it is?",
            sections: [
                LessonSection("Shapes, layer by layer", [
                    .code(swift: "var x = pool(conv1(x).relu())\nx = pool(conv2(x).relu())\nx = x.flatten(startDim: 1)\nx = fc1(x).relu()",
                          pytorch: "x = self.pool(F.relu(self.conv1(x)))\nx = self.pool(F.relu(self.conv2(x)))\nx = torch.flatten(x, 1)\nx = F.relu(self.fc1(x))"),
                    .table(LessonTable(headers: ["layer", "input", "output"], rows: with.rows, marked: flattenRow)),
                    .text("The convolutions keep images as [batch, channels, height, width]. flatten(x, 1) keeps dimension 0 (the batch) and joins the rest: 16 x 5 x 5 = 400 numbers per digit, the 400 that fc1 expects."),
                ]),
                LessonSection("Flatten left out", [
                    .code(swift: "x = pool(conv2(x).relu())\nx = try fc1.checkedCall(x)   // no flatten",
                          pytorch: "x = self.pool(F.relu(self.conv2(x)))\nx = F.relu(self.fc1(x))   # no flatten"),
                    .table(LessonTable(headers: ["layer", "input", "output"], rows: without.rows, marked: failedRow)),
                ] + failureBlocks),
            ],
            answer: "torch.flatten(x, 1) (or an nn.Flatten layer, or x.view(x.size(0), -1)). It turns the last convolution block's [batch, channels, height, width] activations into [batch, channels*height*width] vectors, which is what a fully connected (Linear) layer takes. Without it fc1 sees the wrong last dimension and PyTorch raises the shape error above.",
            facts: facts)
    }
}
