#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Autograd
import Models

/// Small helpers the chapters share: real data, the blitz Net, number formatting, a backward
/// pass recorded node by node.
enum LessonSupport {
    /// `count` digits from the embedded training set, picked by `seed`, as the blitz feeds them.
    static func digits(_ count: Int, seed: UInt64) -> (inputs: Tensor, labels: Tensor, indices: [Int]) {
        let train = Digits.split().train
        var generator = RandomGenerator(seed: seed)
        let indices = Array(generator.permutation(train.count).prefix(count))
        let (inputs, labels) = Batch.gather(indices, from: train).tensors()
        return (inputs, labels, indices)
    }

    /// The blitz Net on one input channel (the tutorial's neural-network page; the digits are grey).
    static func net(seed: UInt64, channels: Int = 1) -> BlitzNet {
        BlitzNet(inputChannels: channels, seed: seed)
    }

    /// `value` with `digits` decimals, as C's printf rounds it (correctly, like Python's format).
    static func fixed(_ value: Double, _ digits: Int = 4) -> String {
        printf("%.\(digits)f", value)
    }

    /// `1.23e-08` style, for differences that should be tiny.
    static func scientific(_ value: Double) -> String {
        printf("%.2e", value)
    }

    private static func printf(_ format: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// 61706 → "61,706".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// The largest |a − b| over matching tensors.
    static func maxDifference(_ a: [Tensor], _ b: [Tensor]) -> Double {
        var largest = 0.0
        for (x, y) in zip(a, b) {
            for (u, v) in zip(x.doubles, y.doubles) { largest = Swift.max(largest, Swift.abs(u - v)) }
        }
        return largest
    }

    /// Every parameter's gradient, copied (nil where there is none).
    static func grads(_ module: Module) -> [Tensor?] {
        module.parameters().map { $0.grad.map { Tensor($0.doubles.map { Float($0) }, shape: $0.shape) } }
    }

    /// Who a node belongs to in a listing: the parameter of an AccumulateGrad, else the module.
    static func owner(_ node: Node) -> String {
        if let variable = node.variable { return variable.name ?? "leaf" }
        return node.module ?? ""
    }

    /// One node of a backward pass as the stepper ran it.
    struct SteppedNode {
        let name: String
        let owner: String
        let received: String
        let sent: String
    }

    /// One backward pass run node by node with the engine's stepper (the Train page's `b`): what
    /// each node received and where it sent gradients. `retainGraph` keeps the graph for another.
    static func steppedBackward(_ loss: Tensor, retainGraph: Bool = false) throws(AutogradError) -> [SteppedNode] {
        let stepper = try BackwardStepper(root: loss, retainGraph: retainGraph)
        var rows: [SteppedNode] = []
        while let step = try stepper.step() {
            let received = step.gradIn.map { Shape.describe($0.shape) } ?? "-"
            let sent: String
            if step.node.isAccumulateGrad {
                sent = "adds into .grad"
            } else {
                let targets = zip(step.node.nextEdges, step.gradsOut).compactMap { edge, grad -> String? in
                    guard let edge, grad != nil else { return nil }
                    return edge.name.hasSuffix("Backward0") ? String(edge.name.dropLast(9)) : edge.name
                }
                sent = targets.isEmpty ? "-" : targets.joined(separator: ", ")
            }
            rows.append(SteppedNode(name: step.node.name, owner: owner(step.node), received: received, sent: sent))
        }
        return rows
    }

    /// A PyTorch size as PyTorch prints it.
    static func size(_ shape: [Int]) -> String { "torch.Size(\(Shape.describe(shape)))" }
}

extension LessonSupport {
    /// The nodes reachable from `tensor`'s grad_fn (AccumulateGrad included): the graph that
    /// backward would walk, and everything it keeps alive. 0 for a tensor with no grad_fn.
    static func graphSize(_ tensor: Tensor) -> Int {
        guard let root = tensor.gradFn else { return 0 }
        var seen: [ObjectIdentifier] = [ObjectIdentifier(root)]
        var stack = [root]
        while let node = stack.popLast() {
            for next in node.nextNodes where !seen.contains(ObjectIdentifier(next)) {
                seen.append(ObjectIdentifier(next))
                stack.append(next)
            }
        }
        return seen.count
    }
}

extension LessonSupport {
    /// The digits at `indices` of the training set, as one batch.
    static func digits(at indices: [Int]) -> (inputs: Tensor, labels: Tensor) {
        Batch.gather(indices, from: Digits.split().train).tensors()
    }

    /// `count` shuffled training indices for `seed`.
    static func shuffledIndices(_ count: Int, seed: UInt64) -> [Int] {
        var generator = RandomGenerator(seed: seed)
        return Array(generator.permutation(Digits.split().train.count).prefix(count))
    }
}
