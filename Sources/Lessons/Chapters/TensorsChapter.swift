import Autograd

/// (a) ndarray vs tensor. The same sum of squares on a plain Swift array and on a tensor that
/// requires grad: only the tensor grows a grad_fn, and only it has a `.grad` after backward.
/// Then the two refusals a learner meets first: an integer tensor cannot require grad, and a
/// non-leaf's `.grad` stays None unless it is retained.
enum TensorsChapter {
    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        // 1. A plain array: numbers in, a number out, nothing remembered.
        let values: [Float] = [1, 2, 3]
        let arrayResult = values.map { $0 * $0 }.reduce(0, +)
        facts.append(LessonFact("array result", String(arrayResult)))

        // 2. The same computation on a tensor that requires grad.
        let x = try! Tensor(values).requireGrad()
        let h = x * x
        let y = h.sum()
        let gradBefore = x.grad.map(\.description) ?? "None"
        let warning = h.gradAccessWarning
        let hGradBefore = h.grad.map(\.description) ?? "None"
        try! y.backward()
        let gradAfter = x.grad.map(\.description) ?? "None"
        facts += [
            LessonFact("y", y.description), LessonFact("x.grad before backward", gradBefore),
            LessonFact("x.grad", gradAfter), LessonFact("dtype", x.dtype.description),
            LessonFact("device", x.device.description), LessonFact("shape", LessonSupport.size(x.shape)),
            LessonFact("h.grad_fn", h.gradFn?.name ?? "None"),
        ]
        let comparison = LessonTable(headers: ["", "[Float] array", "Tensor, requiresGrad"], rows: [
            ["result", String(arrayResult), y.description],
            ["dtype", "Float", x.dtype.description],
            ["device", "host memory", x.device.description],
            ["shape", "count \(values.count)", LessonSupport.size(x.shape)],
            ["requires_grad", "-", x.requiresGrad ? "True" : "False"],
            ["h.grad_fn (h = x * x)", "none", h.gradFn?.name ?? "None"],
            ["y.grad_fn (y = h.sum())", "none", y.gradFn?.name ?? "None"],
            [".grad before backward", "-", gradBefore],
            [".grad after backward", "-", gradAfter],
        ])

        // 3. An integer tensor asked to require grad.
        var integerError = "(no error)"
        do {
            try Tensor([1, 2, 3]).requireGrad()
        } catch {
            integerError = error.description
        }
        facts.append(LessonFact("integer requires_grad", integerError))

        // 4. A non-leaf's .grad, then retain_grad.
        let h2 = x * x
        h2.retainGrad()
        x.zeroGrad()
        try! h2.sum().backward()
        let retained = h2.grad.map(\.description) ?? "None"
        facts.append(LessonFact("non-leaf warning", warning ?? "(none)"))
        facts.append(LessonFact("retained grad", retained))

        return Chapter(
            id: .a, title: Lessons.title(of: .a),
            question: "Compare and contrast NumPy's ndarray with PyTorch's tensor. In what ways are these two types similar? In what ways are they different?",
            predict: "Both hold [1, 2, 3] and both compute 1² + 2² + 3². Which one can tell you afterwards how the result depends on each input?",
            sections: [
                LessonSection("The same computation twice", [
                    .code(swift: """
                        let a: [Float] = [1, 2, 3]
                        let s = a.map { $0 * $0 }.reduce(0, +)
                        let x = try Tensor(a).requireGrad()
                        let h = x * x
                        let y = h.sum()
                        try y.backward()
                        """, pytorch: """
                        a = np.array([1., 2., 3.])
                        s = (a * a).sum()
                        x = torch.tensor(a, requires_grad=True)
                        h = x * x
                        y = h.sum()
                        y.backward()
                        """),
                    .table(comparison),
                    .text("Both are n-dimensional arrays of one dtype with a shape. The tensor also knows its device, and because it requires grad every op on it was recorded: y.grad_fn is the node that will send gradients back to h, and h's to x. backward() walked that graph and filled x.grad with dy/dx = 2x."),
                ]),
                LessonSection("Only floating point can require gradients", [
                    .code(swift: "try Tensor([1, 2, 3]).requireGrad()", pytorch: "torch.tensor([1, 2, 3]).requires_grad_()"),
                    .error(LessonError(message: integerError, place: "requireGrad() on an int64 tensor",
                                       why: "A gradient is a rate of change; integers have no small steps to take.")),
                ]),
                LessonSection("A non-leaf's .grad is None", [
                    .text("h = x * x was made by an op, so it is not a leaf: backward passes through it without keeping its gradient. Reading h.grad before it was retained gave \(hGradBefore) and PyTorch's warning:"),
                    .error(LessonError(message: warning ?? "(no warning)", place: "h.grad, h = x * x",
                                       why: "Only leaves (tensors you made, like x) accumulate .grad; keeping every intermediate's would cost memory.")),
                    .code(swift: "let h = x * x\nh.retainGrad()\ntry h.sum().backward()\nprint(h.grad!)",
                          pytorch: "h = x * x\nh.retain_grad()\nh.sum().backward()\nprint(h.grad)"),
                    .output(retained),
                ]),
            ],
            answer: "Similar: both are n-dimensional arrays of one dtype with a shape, indexed and computed on elementwise and with broadcasting. Different: a tensor knows its device (CPU or a GPU's memory), and a floating-point tensor with requires_grad records every op applied to it (its grad_fn), so backward() can compute gradients and store them in the leaves' .grad. Integer tensors cannot require gradients, and intermediate (non-leaf) tensors keep no .grad unless asked with retain_grad().",
            facts: facts)
    }
}
