/// One graph node as the last backward ran it (the Train page's node inspector): the gradient
/// it received, what it passed along each edge and to which node (`next_functions`), and what
/// it had saved for backward, under PyTorch's names (`_saved_mat1`, `_saved_result`, …).
public struct NodeRecord: Sendable, Equatable {
    public struct Edge: Sendable, Equatable {
        /// The graph id of the node the edge leads to, its name and, for AccumulateGrad, the parameter.
        public var to: Int?
        public var name: String
        public var parameter: String?
        /// What was sent along it (nil: nothing, the input needed no gradient).
        public var gradient: GradientSummary?

        public init(to: Int?, name: String, parameter: String?, gradient: GradientSummary?) {
            self.to = to
            self.name = name
            self.parameter = parameter
            self.gradient = gradient
        }
    }

    /// A tensor saved for backward: PyTorch's name for it (`grad_fn._saved_result`) and its shape.
    public struct Saved: Sendable, Equatable {
        public var name: String
        public var shape: [Int]

        public init(_ name: String, _ shape: [Int]) {
            self.name = name
            self.shape = shape
        }
    }

    public var id: Int
    public var name: String
    public var module: String?
    /// The training step whose backward this was (1-based).
    public var step: Int
    public var gradIn: GradientSummary?
    public var edges: [Edge]
    /// The tensors saved for backward, in the order the forward saved them.
    public var saved: [Saved]
    /// A Python-number operand kept on the node (`_saved_other` of `x * 2`), with its name.
    public var savedScalar: Saved.Scalar?

    public init(id: Int, name: String, module: String?, step: Int, gradIn: GradientSummary?, edges: [Edge], saved: [Saved],
                savedScalar: Saved.Scalar? = nil) {
        self.id = id
        self.name = name
        self.module = module
        self.step = step
        self.gradIn = gradIn
        self.edges = edges
        self.saved = saved
        self.savedScalar = savedScalar
    }
}

extension NodeRecord.Saved {
    public struct Scalar: Sendable, Equatable {
        public var name: String
        public var value: Double

        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }
}
