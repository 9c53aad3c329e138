/// One graph node as the last backward ran it (the Train page's node inspector): the gradient
/// it received, what it passed along each edge and to which node (`next_functions`), and the
/// shapes of the tensors it had saved for backward.
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

    public var id: Int
    public var name: String
    public var module: String?
    /// The training step whose backward this was (1-based).
    public var step: Int
    public var gradIn: GradientSummary?
    public var edges: [Edge]
    /// Shapes of `saved_tensors`, in the order the forward saved them.
    public var saved: [[Int]]

    public init(id: Int, name: String, module: String?, step: Int, gradIn: GradientSummary?, edges: [Edge], saved: [[Int]]) {
        self.id = id
        self.name = name
        self.module = module
        self.step = step
        self.gradIn = gradIn
        self.edges = edges
        self.saved = saved
    }
}
