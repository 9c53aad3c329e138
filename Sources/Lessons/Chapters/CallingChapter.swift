import Autograd
import Models

/// (c) Calling a module. `net(x)` runs the module's hooks around forward; `net.forward(x)` skips
/// the module's own (its children, called inside forward, still run theirs). Under no_grad the
/// output has no grad_fn and backward raises; eval() changes what Dropout does, not the graph.
enum CallingChapter {
    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        let net = LessonSupport.net(seed: context.seed)
        let (x, labels, _) = LessonSupport.digits(4, seed: context.seed)
        var log: [String] = []
        net.registerForwardPreHook { module, _ in
            log.append("pre-hook \(module.typeName)")
            return nil
        }
        net.registerForwardHook { module, _, output in
            log.append("hook \(module.typeName) \(Shape.describe(output.shape))")
            return nil
        }
        for (name, child) in net.namedChildren {
            child.registerForwardHook { _, _, output in
                log.append("hook \(name) \(Shape.describe(output.shape))")
                return nil
            }
        }
        let called = net(x)
        let callLog = log
        log = []
        _ = net.forward(x)
        let forwardLog = log
        facts.append(LessonFact("call log", callLog.joined(separator: "\n")))
        facts.append(LessonFact("forward log", forwardLog.joined(separator: "\n")))
        let hookRows = (0..<max(callLog.count, forwardLog.count)).map { i -> [String] in
            [i < callLog.count ? callLog[i] : "", i < forwardLog.count ? forwardLog[i] : ""]
        }
        let missing = callLog.indices.filter { !forwardLog.contains(callLog[$0]) }

        // no_grad: nothing recorded, nothing saved, nothing to differentiate.
        let quiet = noGrad { net(x) }
        let lossWithGraph = Tensor.crossEntropy(called, labels)
        var noGradError = "(no error)"
        do {
            try Tensor.crossEntropy(quiet, labels).backward()
        } catch {
            noGradError = error.description
        }
        facts += [
            LessonFact("grad_fn", called.gradFn?.name ?? "None"),
            LessonFact("no_grad grad_fn", quiet.gradFn?.name ?? "None"),
            LessonFact("no_grad requires_grad", quiet.requiresGrad ? "True" : "False"),
            LessonFact("no_grad backward", noGradError),
            LessonFact("graph nodes with grad", String(LessonSupport.graphSize(lossWithGraph))),
            LessonFact("graph nodes under no_grad", String(LessonSupport.graphSize(quiet))),
        ]

        // eval() is not no_grad.
        var generator = RandomGenerator(seed: context.seed)
        let dropNet = Sequential(Linear(8, 8, generator: &generator), Dropout(p: 0.5, generator: &generator),
                                 Linear(8, 2, generator: &generator))
        let input = Tensor.randn([3, 8], generator: &generator)
        let trainA = dropNet(input), trainB = dropNet(input)
        dropNet.eval()
        let evalA = dropNet(input), evalB = dropNet(input)
        let trainDiff = LessonSupport.maxDifference([trainA], [trainB])
        let evalDiff = LessonSupport.maxDifference([evalA], [evalB])
        facts += [
            LessonFact("eval grad_fn", evalA.gradFn?.name ?? "None"),
            LessonFact("train outputs differ", trainDiff > 0 ? "True" : "False"),
            LessonFact("eval outputs differ", evalDiff > 0 ? "True" : "False"),
        ]
        let modes = LessonTable(headers: ["mode", "two calls differ by", "grad_fn", "graph nodes"], rows: [
            ["train()", LessonSupport.fixed(trainDiff), trainA.gradFn?.name ?? "None", String(LessonSupport.graphSize(trainA))],
            ["eval()", LessonSupport.fixed(evalDiff), evalA.gradFn?.name ?? "None", String(LessonSupport.graphSize(evalA))],
            ["eval() + no_grad", "-", noGrad { dropNet(input) }.gradFn?.name ?? "None", String(LessonSupport.graphSize(noGrad { dropNet(input) }))],
        ])

        return Chapter(
            id: .c, title: Lessons.title(of: .c),
            question: "What function is required to make a Module callable? What does calling the Module do for neural networks?",
            predict: "Hooks are registered on the Net and on each of its layers. Which of them fire for net(x), and which for net.forward(x)?",
            sections: [
                LessonSection("net(x) against net.forward(x)", [
                    .code(swift: "net.registerForwardPreHook { m, _ in log(\"pre-hook\") }\nnet.registerForwardHook { ... }\nlet out = net(x)\n_ = net.forward(x)",
                          pytorch: "net.register_forward_pre_hook(...)\nnet.register_forward_hook(...)\nout = net(x)\nnet.forward(x)"),
                    .table(LessonTable(headers: ["net(x)", "net.forward(x)"], rows: hookRows, marked: missing)),
                    .text("Calling the module (__call__) runs its pre-hooks, then forward, then its hooks. net.forward(x) runs only forward: the Net's own \(missing.count) hooks never fire, though its layers' do, because forward calls them as self.conv1(x). The pool layer fires twice: the Net uses it twice."),
                ]),
                LessonSection("no_grad: nothing recorded", [
                    .code(swift: "let y = noGrad { net(x) }\ntry Tensor.crossEntropy(y, labels).backward()",
                          pytorch: "with torch.no_grad():\n    y = net(x)\nF.cross_entropy(y, labels).backward()"),
                    .table(LessonTable(headers: ["", "grad_fn", "requires_grad", "graph nodes kept"], rows: [
                        ["net(x)", called.gradFn?.name ?? "None", called.requiresGrad ? "True" : "False", String(LessonSupport.graphSize(called))],
                        ["under no_grad", quiet.gradFn?.name ?? "None", quiet.requiresGrad ? "True" : "False", String(LessonSupport.graphSize(quiet))],
                    ])),
                    .error(LessonError(message: noGradError, place: "backward() of a loss computed under no_grad",
                                       why: "No op was recorded, so there is no graph to walk back: the loss has no grad_fn.")),
                    .text("With the graph, forward keeps every input that backward will need (the convolutions' inputs, the ReLU outputs, the pooling indices). Under no_grad none of that is kept: evaluation is faster and lighter."),
                ]),
                LessonSection("eval() is not no_grad", [
                    .code(swift: "let net = Sequential(Linear(8, 8), Dropout(p: 0.5), Linear(8, 2))\nnet.eval()",
                          pytorch: "net = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5), nn.Linear(8, 2))\nnet.eval()"),
                    .table(modes),
                    .text("eval() switches layers like Dropout to their evaluation behaviour (the same output every call); the graph is still recorded. no_grad stops the recording; it does not change Dropout. Evaluate with both."),
                ]),
            ],
            answer: "forward is required: it is the computation, and autograd derives backward from it. Calling the module (module(x), i.e. __call__) runs forward wrapped in the module's machinery: forward pre-hooks and hooks fire (net.forward(x) skips them), and every op is recorded for backward, saving what backward needs. torch.no_grad() turns that recording off for evaluation; eval() only changes layers such as Dropout.",
            facts: facts)
    }
}
