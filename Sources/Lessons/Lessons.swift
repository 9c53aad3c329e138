import Autograd

/// The catalogue: each chapter is a function of the engine, run when it is asked for.
public enum Lessons {
    /// Runs chapter `id`'s demonstration now and returns what it showed. `seed` picks the data
    /// and the initial weights, so `r` in the viewer re-runs it on other numbers.
    public static func chapter(_ id: ChapterID, seed: UInt64 = 1) -> Chapter {
        let context = LessonContext(seed: seed)
        switch id {
        case .a: return TensorsChapter.run(context)
        case .b: return ModulesChapter.run(context)
        case .c: return CallingChapter.run(context)
        case .d: return FlattenChapter.run(context)
        case .e: return BackwardChapter.run(context)
        case .f: return ZeroGradChapter.run(context)
        case .g: return OptimizerChapter.run(context)
        case .h: return DataChapter.run(context)
        case .i: return DevicesChapter.run(context)
        }
    }

    /// A chapter's title, in PyTorch's words.
    public static func title(of id: ChapterID) -> String {
        switch id {
        case .a: return "Tensors: requires_grad, grad_fn and .grad"
        case .b: return "Modules: parameters, named_parameters and .to(device)"
        case .c: return "Calling a module: __call__, hooks, no_grad and eval()"
        case .d: return "Flatten: from convolutions to fully connected layers"
        case .e: return "Backward and the dynamic graph"
        case .f: return "zero_grad: gradients accumulate"
        case .g: return "The optimizer: step() updates what it was given"
        case .h: return "Data: Dataset and DataLoader"
        case .i: return "Devices and parallelism"
        }
    }
}

/// What every demonstration may use: the seed of its data and weights.
struct LessonContext {
    let seed: UInt64
}
