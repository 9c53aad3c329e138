import Autograd
import Models

/// (g) The optimizer. One SGD step written out with numbers (w, grad, lr·grad, w′) beside what
/// the engine's step() produced; two steps with momentum and the buffer they keep; and a
/// parameter left out of the optimizer: it gets a .grad, and its values do not move.
enum OptimizerChapter {
    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        let (x, labels, _) = LessonSupport.digits(4, seed: context.seed)
        let lr = 0.1

        // Plain SGD, one step.
        let net = LessonSupport.net(seed: context.seed)
        let bias = net.fc3.bias!
        let sgd = try! SGD(net.parameters(), lr: lr)
        let before = net.parameters().map(\.doubles)
        sgd.zeroGrad()
        try! Tensor.crossEntropy(net(x), labels).backward()
        let grads = net.parameters().map { $0.grad!.doubles }
        sgd.step()
        var largest = 0.0
        for (p, (w, g)) in zip(net.parameters(), zip(before, grads)) {
            for (i, after) in p.doubles.enumerated() { largest = max(largest, abs(after - (w[i] - lr * g[i]))) }
        }
        facts.append(LessonFact("max |w' - (w - lr grad)|", LessonSupport.scientific(largest)))
        let biasIndex = net.parameters().firstIndex { $0 === bias }!
        let stepRows = (0..<4).map { i -> [String] in
            let w = before[biasIndex][i], g = grads[biasIndex][i]
            return ["fc3.bias[\(i)]", LessonSupport.fixed(w, 5), LessonSupport.fixed(g, 5), LessonSupport.fixed(lr * g, 5),
                    LessonSupport.fixed(bias.doubles[i], 5)]
        }

        // Momentum: two steps, the buffer by hand beside the engine.
        let momentumNet = LessonSupport.net(seed: context.seed)
        let momentumBias = momentumNet.fc3.bias!
        let sgdMomentum = try! SGD(momentumNet.parameters(), lr: lr, momentum: 0.9)
        var buffer = 0.0, byHand = momentumBias.doubles[0]
        var momentumRows: [[String]] = []
        for step in 1...2 {
            sgdMomentum.zeroGrad()
            try! Tensor.crossEntropy(momentumNet(x), labels).backward()
            let g = momentumBias.grad!.doubles[0]
            buffer = step == 1 ? g : 0.9 * buffer + g
            byHand -= lr * buffer
            sgdMomentum.step()
            momentumRows.append([String(step), LessonSupport.fixed(g, 5), LessonSupport.fixed(buffer, 5),
                                 LessonSupport.fixed(byHand, 5), LessonSupport.fixed(momentumBias.doubles[0], 5)])
        }
        facts.append(LessonFact("momentum by hand minus engine", LessonSupport.scientific(abs(byHand - momentumBias.doubles[0]))))

        // A parameter left out of the optimizer.
        let partNet = LessonSupport.net(seed: context.seed)
        let leftOut = partNet.fc3.bias!
        let given = partNet.parameters().filter { $0 !== leftOut }
        let partial = try! SGD(given, lr: lr, momentum: 0.9)
        let outBefore = leftOut.doubles, weightBefore = partNet.fc3.weight.doubles
        partial.zeroGrad()
        try! Tensor.crossEntropy(partNet(x), labels).backward()
        partial.step()
        let leftOutChange = zip(outBefore, leftOut.doubles).map { abs($0 - $1) }.max() ?? 0
        let weightChange = zip(weightBefore, partNet.fc3.weight.doubles).map { abs($0 - $1) }.max() ?? 0
        let gradNorm = (leftOut.grad?.doubles.map { $0 * $0 }.reduce(0, +)).map { $0.squareRoot() }
        facts += [
            LessonFact("optimizer parameters", String(partial.parameters.count)),
            LessonFact("left-out has grad", gradNorm != nil ? "True" : "False"),
            LessonFact("left-out max change", LessonSupport.fixed(leftOutChange, 6)),
            LessonFact("fc3.weight max change", LessonSupport.scientific(weightChange)),
        ]

        return Chapter(
            id: .g, title: Lessons.title(of: .g),
            question: "How are model updates (e.g., via stochastic gradients) performed in PyTorch?",
            predict: "fc3.bias is left out of the optimizer's list. After backward() and step(), does it have a .grad? Did it change?",
            sections: [
                LessonSection("one SGD step, written out", [
                    .code(swift: "let optimizer = try SGD(net.parameters(), lr: 0.1)\noptimizer.zeroGrad()\ntry loss.backward()\noptimizer.step()",
                          pytorch: "optimizer = optim.SGD(net.parameters(), lr=0.1)\noptimizer.zero_grad()\nloss.backward()\noptimizer.step()"),
                    .table(LessonTable(headers: ["element", "w", "grad", "lr*grad", "w' = step()"], rows: stepRows)),
                    .output("over all \(LessonSupport.grouped(net.parameterCount)) parameters: max |w' - (w - lr*grad)| = \(LessonSupport.scientific(largest))"),
                    .text("step() reads each parameter's .grad and updates the parameter in place: w' = w - lr * grad. backward() computed the gradients; only step() changes the weights."),
                ]),
                LessonSection("with momentum 0.9", [
                    .code(swift: "try SGD(net.parameters(), lr: 0.1, momentum: 0.9)", pytorch: "optim.SGD(net.parameters(), lr=0.1, momentum=0.9)"),
                    .table(LessonTable(headers: ["step", "grad", "buf", "w by hand", "w from step()"], rows: momentumRows)),
                    .text("The optimizer keeps state per parameter: the momentum buffer starts as the first gradient, then buf = 0.9 * buf + grad, and w' = w - lr * buf."),
                ]),
                LessonSection("a parameter left out", [
                    .code(swift: "let given = net.parameters().filter { $0 !== net.fc3.bias! }\nlet optimizer = try SGD(given, lr: 0.1, momentum: 0.9)",
                          pytorch: "given = [p for p in net.parameters() if p is not net.fc3.bias]\noptimizer = optim.SGD(given, lr=0.1, momentum=0.9)"),
                    .table(LessonTable(headers: ["", "in the optimizer", ".grad after backward", "max change by step()"], rows: [
                        ["fc3.weight", "yes", "norm \(LessonSupport.fixed(partNet.fc3.weight.grad.map { $0.doubles.map { $0 * $0 }.reduce(0, +).squareRoot() } ?? 0))", LessonSupport.scientific(weightChange)],
                        ["fc3.bias", "no", gradNorm.map { "norm \(LessonSupport.fixed($0))" } ?? "None", LessonSupport.fixed(leftOutChange, 6)],
                    ], marked: [1])),
                    .text("backward() filled fc3.bias.grad like any leaf that requires grad, but the optimizer only updates the \(partial.parameters.count) tensors it was given: fc3.bias did not move. This is how layers are frozen or trained with their own settings."),
                ]),
            ],
            answer: "Pass the parameters to an optimizer from torch.optim (SGD, Adam, ...). Each iteration: zero_grad(), compute the loss, loss.backward() to fill every .grad, then optimizer.step(), which updates each parameter it was given in place from its .grad (for SGD w' = w - lr * grad, plus momentum state if asked). Tensors with a .grad that were not given to the optimizer are not updated.",
            facts: facts)
    }
}
