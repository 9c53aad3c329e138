/// What a node saved for its backward: tensors (detached aliases, freed after a backward that
/// does not retain the graph) and, for an op with a Python-number operand, that number.
///
/// PyTorch keeps such a number on the node too (MulBackward0's `_saved_other`,
/// DivBackward0's, PowBackward0's `_saved_exponent`). Here it also means the backward closure of
/// `x * 2` captures nothing: a closure that captures a Double needs a heap context, one malloc
/// per recorded op, while one that captures nothing needs none.
public struct SavedValues: RandomAccessCollection, ExpressibleByArrayLiteral {
    var tensors: [Tensor]
    /// The op's Python-number operand (0 when it has none); kept when the tensors are freed.
    public let scalar: Double

    init(_ tensors: [Tensor], scalar: Double = 0) {
        self.tensors = tensors
        self.scalar = scalar
    }

    public init(arrayLiteral tensors: Tensor...) {
        self.init(tensors)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { tensors.count }
    public subscript(index: Int) -> Tensor { tensors[index] }
}
