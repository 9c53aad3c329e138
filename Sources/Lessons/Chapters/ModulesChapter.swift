import Autograd
import Models

/// (b) nn.Module. The blitz Net's module tree and every parameter with its shape and count;
/// parameters() against named_parameters(); .to(device) tried for real (moved on a machine with
/// a GPU, refused with the engine's reason on one without); and what an optimizer holds after
/// the move.
enum ModulesChapter {
    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        let net = LessonSupport.net(seed: context.seed)
        let named = net.namedParameters()
        let rows = named.map { [$0.name, Shape.describe($0.tensor.shape), LessonSupport.grouped($0.tensor.numel)] }
        let total = net.parameterCount
        let threeChannels = LessonSupport.net(seed: context.seed, channels: 3).parameterCount
        facts += [
            LessonFact("parameters, 1 channel", String(total)),
            LessonFact("parameters, 3 channels", String(threeChannels)),
            LessonFact("parameter tensors", String(net.parameters().count)),
            LessonFact("print(net)", net.description),
        ]
        for (name, tensor) in named { facts.append(LessonFact("shape \(name)", Shape.describe(tensor.shape))) }

        // .to(device): tried for real.
        let optimizer = try! SGD(net.parameters(), lr: 0.001, momentum: 0.9)
        let before = net.parameters()
        var moveBlocks: [LessonBlock] = [
            .code(swift: "let optimizer = try SGD(net.parameters(), lr: 0.001)\ntry net.to(.cuda(0))",
                  pytorch: "optimizer = optim.SGD(net.parameters(), lr=0.001)\nnet.to(torch.device(\"cuda:0\"))"),
        ]
        var movedTo = Device.cpu
        do {
            try net.to(.cuda(0))
            movedTo = .cuda(0)
            moveBlocks.append(.text("A GPU is here: every parameter moved."))
        } catch {
            facts.append(LessonFact("to(cuda) error", error.description))
            moveBlocks.append(.error(LessonError(
                message: error.description, place: "net.to(.cuda(0))",
                why: "No CUDA driver or GPU could be loaded on this machine, so nothing can live on cuda:0; every parameter stays where it was.")))
        }
        let devices = net.namedParameters().map { [$0.name, $0.tensor.device.description] }
        moveBlocks.append(.table(LessonTable(headers: ["parameter", "device after .to"], rows: devices)))
        let sameObjects = zip(before, net.parameters()).allSatisfy { $0 === $1 }
            && zip(optimizer.parameters, net.parameters()).allSatisfy { $0 === $1 }
        facts.append(LessonFact("optimizer holds the module's tensors after .to", sameObjects ? "True" : "False"))
        facts.append(LessonFact("device after .to", movedTo.description))
        moveBlocks.append(.text("Module.to moves each parameter's data in place: the parameter tensors are the same objects afterwards (\(sameObjects ? "checked: the optimizer's list and net.parameters() are identical" : "they are not")). The optimizer's own state is another matter: SGD with momentum and Adam create buffers on the parameters' device at their first step, so an optimizer that has stepped before the move holds state on the old device. Build the optimizer after moving the model, as the tutorial does."))

        let listing = net.parameters().prefix(3).map { "Tensor \(Shape.describe($0.shape)), requiresGrad" }.joined(separator: "\n") + "\n..."
        return Chapter(
            id: .b, title: Lessons.title(of: .b),
            question: "What is the purpose of the torch.nn.Module class? What functionality does it provide?",
            predict: "The blitz Net is written as six layers. How many numbers will an optimizer have to train? (Hint: fc1 alone is a 120 x 400 matrix.)",
            sections: [
                LessonSection("The module tree", [
                    .code(swift: "let net = BlitzNet(inputChannels: 1, seed: \(context.seed))\nprint(net)",
                          pytorch: "net = Net()   # conv1 = nn.Conv2d(1, 6, 5)\nprint(net)"),
                    .output(net.description),
                    .text("A Module holds child modules and parameters, each registered under a name, so the tree can be walked: printed, saved, moved, switched to eval()."),
                ]),
                LessonSection("named_parameters() and parameters()", [
                    .code(swift: "for (name, p) in net.namedParameters() { ... }\nnet.parameterCount",
                          pytorch: "for name, p in net.named_parameters(): ...\nsum(p.numel() for p in net.parameters())"),
                    .table(LessonTable(headers: ["name", "shape", "count"],
                                       rows: rows + [["total", "", LessonSupport.grouped(total)]], marked: [rows.count])),
                    .text("With three input channels (CIFAR-10's colour images) conv1's weight is [6, 3, 5, 5] and the total is \(LessonSupport.grouped(threeChannels)). parameters() gives the same \(net.parameters().count) tensors without their names: that list is what an optimizer takes."),
                    .output(listing),
                ]),
                LessonSection(".to(device) moves every parameter", moveBlocks),
            ],
            answer: "nn.Module is the base class of every layer and model. It registers child modules and parameters by name, so that parameters() and named_parameters() can hand every trainable tensor to an optimizer (\(LessonSupport.grouped(total)) numbers here), state_dict() can save them, .to(device) can move them all, train()/eval() can switch every child's mode, and calling the module runs forward with its hooks.",
            facts: facts)
    }
}
