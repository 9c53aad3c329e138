import Autograd

/// The trainer's side of the pages: which page is on screen, which parameter the Optimizer page
/// looks at, and the records computed so far. Lives on the trainer's queue with TrainerCore.
final class PageState {
    var visible: Page = .train
    var selectedParameter = 0
    let forward = ForwardRecorder()
    var model: ModelRecord
    var optimizerUpdate: ParameterUpdate?
    var data: DataRecord?
    var confusion: ConfusionMatrix?
    /// Whether to record every graph node as backward runs it, and the records by node id.
    var inspecting = false
    var nodes: [NodeRecord?] = []
    /// The first indices of an epoch's order, computed once per epoch while the Data page shows.
    var orderPrefix: (epoch: Int, order: [Int], previous: [Int]?)?

    /// How many elements of a parameter the Optimizer page writes out, and how many indices
    /// of the loader's order the Data page lists.
    static let elementsShown = 3
    static let orderShown = 16

    init(model: Module) {
        self.model = PageState.modelRecord(model)
        forward.install(on: model)
    }

    /// `print(net)`'s lines with the module each opens, and every parameter's attributes.
    static func modelRecord(_ model: Module) -> ModelRecord {
        var stack: [String] = []
        var lines: [ModelLine] = []
        for (i, line) in model.description.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = String(line)
            let trimmed = text.drop { $0 == " " }
            let depth = (text.count - trimmed.count) / 2
            if i == 0 {
                lines.append(ModelLine(text: text, module: ""))
            } else if trimmed.hasPrefix("("), let close = trimmed.firstIndex(of: ")"),
                      trimmed[trimmed.index(after: close)...].hasPrefix(": ") {
                let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                stack = Array(stack.prefix(max(0, depth - 1))) + [name]
                lines.append(ModelLine(text: text, module: stack.joined(separator: ".")))
            } else {
                lines.append(ModelLine(text: text, module: nil))
            }
        }
        let parameters = model.namedParameters().map { name, p in
            ParameterRecord(name: name, module: name.split(separator: ".").dropLast().joined(separator: "."),
                            shape: p.shape, numel: p.numel, dtype: p.dtype.description, device: p.device.description,
                            requiresGrad: p.requiresGrad, hasGrad: p.grad != nil)
        }
        return ModelRecord(lines: lines, parameters: parameters)
    }
}
