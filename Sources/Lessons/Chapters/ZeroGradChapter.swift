import Autograd
import Models

/// (f) zero_grad. Two backward passes on one fixed batch without zeroing: every .grad is exactly
/// twice the first. Accumulation on purpose: four micro-batches of one digit, each loss divided
/// by four, sum to the gradient of the batch of four. And training that never zeroes: each step
/// follows the sum of every gradient so far, and the loss climbs.
enum ZeroGradChapter {
    private static func number(_ value: Double) -> String {
        value.isFinite ? LessonSupport.fixed(value) : "nan"
    }

    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        let net = LessonSupport.net(seed: context.seed)
        let indices = LessonSupport.shuffledIndices(4, seed: context.seed)
        let (x, labels) = LessonSupport.digits(at: indices)

        // Backward twice on the same batch.
        try! Tensor.crossEntropy(net(x), labels).backward()
        let once = LessonSupport.grads(net).map { $0! }
        try! Tensor.crossEntropy(net(x), labels).backward()
        let twice = LessonSupport.grads(net).map { $0! }
        var smallest = Double.infinity, largest = -Double.infinity, offBy = 0.0
        for (a, b) in zip(once, twice) {
            for (u, v) in zip(a.doubles, b.doubles) {
                offBy = max(offBy, abs(v - 2 * u))
                if u != 0 {
                    smallest = min(smallest, v / u)
                    largest = max(largest, v / u)
                }
            }
        }
        facts += [
            LessonFact("ratio min", LessonSupport.fixed(smallest, 6)),
            LessonFact("ratio max", LessonSupport.fixed(largest, 6)),
            LessonFact("max |grad2 - 2 grad1|", LessonSupport.scientific(offBy)),
        ]
        let bias = net.fc3.bias!
        let biasIndex = net.parameters().firstIndex { $0 === bias }!
        let firstRows = (0..<4).map { i -> [String] in
            let u = once[biasIndex].doubles[i], v = twice[biasIndex].doubles[i]
            return ["fc3.bias[\(i)]", LessonSupport.fixed(u, 6), LessonSupport.fixed(v, 6), u == 0 ? "-" : LessonSupport.fixed(v / u, 6)]
        }

        // Accumulation as a technique: micro-batches give the big batch's gradient.
        net.zeroGrad()
        try! Tensor.crossEntropy(net(x), labels).backward()
        let whole = LessonSupport.grads(net).map { $0! }
        net.zeroGrad()
        for index in indices {
            let (one, label) = LessonSupport.digits(at: [index])
            try! (Tensor.crossEntropy(net(one), label) / Double(indices.count)).backward()
        }
        let accumulated = LessonSupport.grads(net).map { $0! }
        let accumulationDifference = LessonSupport.maxDifference(whole, accumulated)
        facts.append(LessonFact("accumulation max difference", LessonSupport.scientific(accumulationDifference)))

        // Training without zero_grad.
        let steps = 60
        let batches = LessonSupport.shuffledIndices(4 * steps, seed: context.seed &+ 1)
        func train(zeroing: Bool) -> [Double] {
            let model = LessonSupport.net(seed: context.seed)
            let optimizer = try! SGD(model.parameters(), lr: 0.01, momentum: 0.9)
            var losses: [Double] = []
            for step in 0..<steps {
                let (inputs, targets) = LessonSupport.digits(at: Array(batches[(4 * step)..<(4 * step + 4)]))
                if zeroing { optimizer.zeroGrad() }
                let loss = Tensor.crossEntropy(model(inputs), targets)
                try! loss.backward()
                optimizer.step()
                losses.append(loss.item())
            }
            return losses
        }
        let zeroed = train(zeroing: true)
        let piled = train(zeroing: false)
        // Single batches are noisy: the table shows the mean loss of each run of 10 steps.
        func mean(_ values: ArraySlice<Double>) -> Double { values.reduce(0, +) / Double(values.count) }
        let windows = stride(from: 0, to: steps, by: 10).map { ($0, min($0 + 10, steps)) }
        let trainingRows = windows.map { start, end in
            ["\(start + 1)-\(end)", LessonSupport.fixed(mean(zeroed[start..<end])), number(mean(piled[start..<end]))]
        }
        let firstZeroed = mean(zeroed[0..<10]), lastZeroed = mean(zeroed[(steps - 10)...])
        let firstPiled = mean(piled[0..<10]), lastPiled = mean(piled[(steps - 10)...])
        let climbs = !(lastPiled <= firstPiled)
        facts.append(LessonFact("loss with zero_grad falls", lastZeroed < firstZeroed ? "True" : "False"))
        facts.append(LessonFact("loss without zero_grad climbs", climbs ? "True" : "False"))

        return Chapter(
            id: .f, title: Lessons.title(of: .f),
            question: "What is the purpose of the zero_grad method? What happens if this method is not called?",
            predict: "The same batch goes forward and backward twice, with no zero_grad between. What will each .grad be after the second backward?",
            sections: [
                LessonSection("backward twice on one batch", [
                    .code(swift: "try Tensor.crossEntropy(net(x), labels).backward()\ntry Tensor.crossEntropy(net(x), labels).backward()",
                          pytorch: "F.cross_entropy(net(x), labels).backward()\nF.cross_entropy(net(x), labels).backward()"),
                    .table(LessonTable(headers: ["element", "grad after 1", "grad after 2", "ratio"], rows: firstRows)),
                    .output("all \(LessonSupport.grouped(net.parameterCount)) elements: ratio \(LessonSupport.fixed(smallest, 6)) to \(LessonSupport.fixed(largest, 6))\nlargest |grad2 - 2 * grad1|: \(LessonSupport.scientific(offBy))"),
                    .text("backward() adds into .grad; it never overwrites it. The second pass computed the same gradient and added it: exactly twice."),
                ]),
                LessonSection("accumulation on purpose", [
                    .code(swift: "net.zeroGrad()\nfor i in 0..<4 { try (loss(net(x[i]), y[i]) / 4).backward() }",
                          pytorch: "net.zero_grad()\nfor i in range(4): (loss_fn(net(x[i:i+1]), y[i:i+1]) / 4).backward()"),
                    .output("largest difference from the batch-of-4 gradient: \(LessonSupport.scientific(accumulationDifference))"),
                    .text("Four micro-batches of one digit, each loss divided by 4, accumulate to the gradient of the batch of four (up to float32 rounding). This is how a large batch is trained when it does not fit in memory: zero once, backward k times, step once."),
                ]),
                LessonSection("training without zero_grad", [
                    .code(swift: "for batch in loader {\n  // optimizer.zeroGrad() left out\n  try loss.backward(); optimizer.step()\n}",
                          pytorch: "for x, y in loader:\n    # optimizer.zero_grad() left out\n    loss.backward(); optimizer.step()"),
                    .table(LessonTable(headers: ["steps", "mean loss, zero_grad", "mean loss, without"], rows: trainingRows)),
                    .text("The same model, data and SGD(lr=0.01, momentum=0.9). With zero_grad the mean loss went from \(LessonSupport.fixed(firstZeroed)) to \(LessonSupport.fixed(lastZeroed)); without it, from \(number(firstPiled)) to \(number(lastPiled)). Without zeroing, step n follows the sum of all n gradients so far, most of them computed for weights that no longer exist: the steps grow and point the wrong way, and the loss \(climbs ? "climbs instead of falling" : "does not fall as it should")."),
                ]),
            ],
            answer: "zero_grad() clears every parameter's .grad (to None by default since PyTorch 2.0) before the next backward, because backward() accumulates (adds) into .grad rather than overwriting it. If it is not called, each update uses the sum of the current gradient and all earlier ones, so training goes wrong; calling backward several times before one step is only right when you mean to accumulate, as with micro-batches.",
            facts: facts)
    }
}
