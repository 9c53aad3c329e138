import Synchronization

/// The backward engine, as PyTorch's runs it.
///
/// backward() first counts, for every node reachable from the root, how many edges point at it.
/// A node is ready when all of those have delivered their gradient (summed in its input buffer).
/// Ready nodes wait in a queue ordered by sequence number, highest (created last) first;
/// AccumulateGrad nodes count as created last of all, and ties run in the order they became
/// ready. `BackwardStepper` is that loop with the body exposed one node at a time; `backward()`
/// simply steps to the end, so stepping and backward() are one code path and give the same bits.

/// What one step of backward did: the node it ran, the gradient that node received and what it
/// passed on along each edge.
public struct BackwardStep {
    public let node: Node
    /// The gradient with respect to the node's output (nil when none reached it).
    public let gradIn: Tensor?
    /// One entry per edge of `node` (empty for AccumulateGrad), kept inline as the node returned it.
    public let gradients: Gradients

    /// One entry per edge of `node` (empty for AccumulateGrad).
    public var gradsOut: [Tensor?] { Array(gradients) }
}

public final class BackwardStepper {
    /// One per node reachable from the root, in discovery order: the node, its edges not yet
    /// delivered and the gradient summed so far. A node's slot is its index here. One array
    /// rather than three, so that a delivery checks one buffer for uniqueness and a pass grows
    /// one array.
    ///
    /// The node is held unretained: `root` keeps the whole graph alive (every node is reachable
    /// from it through edges, which hold their nodes strongly and never change), so the slots
    /// need not count references, which cost two atomic operations per node and pass.
    private struct Slot {
        let node: Unmanaged<Node>
        /// Copied from the node, so the queue can order it without touching the node.
        let sequenceNr: Int
        /// Where this node's edges start in `edgeSlots` (set when the walk visits the node).
        var firstEdge = 0
        var dependencies = 0
        var buffer: Tensor?

        init(node: Node) {
            self.sequenceNr = node.sequenceNr
            self.node = Unmanaged.passUnretained(node)
        }

        /// One edge delivers: its gradient (if any) is summed into the buffer. True when that
        /// was the last edge the node waited for. One call, so one copy-on-write check of the
        /// slots array per delivery instead of four.
        mutating func deliver(_ gradient: consuming Tensor?) -> Bool {
            if let g = gradient {
                if let existing = buffer.take() {
                    buffer = existing.adding(g)
                } else {
                    buffer = g
                }
            }
            dependencies -= 1
            return dependencies == 0
        }
    }
    private var slots: [Slot] = []
    /// The slot each edge points to, every node's edges in a row (`Slot.firstEdge`), -1 for an
    /// edge that points nowhere. Worked out once by the walk that counts dependencies, so
    /// delivering a gradient is index arithmetic: it touches no node (reading a node's edge
    /// costs an atomic retain and release) and needs no per-node stamp, which another stepper
    /// walking the same graph may since have overwritten.
    private var edgeSlots: [Int] = []
    /// This pass's number, stamped on the nodes the walk has reached (Node.passStamp).
    private let pass: Int
    /// The root's node, which keeps the pass's graph alive for the slots (see Slot); nil once
    /// the pass is over.
    private var root: Node?
    private static let passes = Atomic<Int>(1)
    private var queue = ReadyQueue()
    private let retainGraph: Bool
    private let detectAnomaly: Bool
    public private(set) var stepsRun = 0

    /// Prepares a backward pass from `root` (a scalar unless `gradient` is given).
    public init(root: Tensor, gradient: Tensor? = nil, retainGraph: Bool = false) throws(AutogradError) {
        guard root.requiresGrad, let rootNode = root.gradientEdge() else { throw .doesNotRequireGrad }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == root.shape else { throw .gradientShapeMismatch(expected: root.shape, got: gradient.shape) }
            seed = gradient.detach()
        } else {
            guard root.numel == 1 else { throw .nonScalarBackward(shape: root.shape) }
            seed = Tensor.ones(like: root)
        }
        self.retainGraph = retainGraph
        self.detectAnomaly = AnomalyMode.isEnabled
        self.pass = BackwardStepper.passes.wrappingAdd(1, ordering: .relaxed).oldValue
        self.root = rootNode
        countDependencies(from: rootNode)
        // The walk gave the root the first slot.
        slots[0].buffer = seed
        queue.push(slot: 0, sequenceNr: rootNode.sequenceNr)
    }

    /// The node the next `step()` will run, or nil when the pass is over.
    public var nextNode: Node? { queue.peek.map { slots[$0].node.takeUnretainedValue() } }
    public var isFinished: Bool { queue.isEmpty }

    /// Runs exactly one node; nil when nothing is left.
    ///
    /// Everything a step runs (hooks, the backward function, accumulation into `.grad`) runs
    /// with grad mode off, as in PyTorch's engine without create_graph: backward builds no graph.
    @discardableResult
    public func step() throws(AutogradError) -> BackwardStep? {
        // Switching the task-local costs more than a small node's whole backward, so it is
        // switched only when it is on (finish() switches it once for the whole pass).
        guard GradMode.isEnabled else { return try runNext(reporting: true) }
        let result: Result<BackwardStep?, AutogradError> = setGradEnabled(false) {
            do throws(AutogradError) { return .success(try runNext(reporting: true)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Runs every remaining node: the same `runNext` as `step()`, without building the report
    /// that nobody reads here (copying it cost a dozen reference counts per node).
    public func finish() throws(AutogradError) {
        let result: Result<Void, AutogradError> = setGradEnabled(false) {
            do throws(AutogradError) {
                while !queue.isEmpty { try runNext(reporting: false) }
                return .success(())
            } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Runs the next node with grad mode off; what it did when `reporting` (nil otherwise, and
    /// when nothing is left). Inlined into its two callers, so that `finish()`'s copy, where
    /// `reporting` is false, keeps no report and no copy of the gradients for one.
    @inline(__always)
    @discardableResult
    private func runNext(reporting: Bool) throws(AutogradError) -> BackwardStep? {
        guard let nodeSlot = queue.pop() else { return nil }
        // The node is used without a retain and release (an atomic pair per node that Swift
        // would otherwise spend): `root` keeps it alive until endPass(), which runs only after
        // the step.
        var failure: AutogradError?
        let step = slots[nodeSlot].node._withUnsafeGuaranteedRef { node in
            do throws(AutogradError) {
                return try run(node, inSlot: nodeSlot, reporting: reporting)
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        if queue.isEmpty { endPass() }
        return step
    }

    /// One node's step: hooks, its backward function, the deliveries along its edges.
    @inline(__always)
    private func run(_ node: Node, inSlot nodeSlot: Int, reporting: Bool) throws(AutogradError) -> BackwardStep? {
        var grad = slots[nodeSlot].buffer.take()
        stepsRun += 1

        // AccumulateGrad, hooks and retain_grad all live in the node's extras: one nil check
        // for the nodes of ordinary ops.
        if let extras = node.extras {
            if let variable = extras.variable {
                if reporting {
                    // The report keeps the gradient that arrived: `.grad` gets a tensor of its own.
                    if let g = grad { accumulate(g, into: variable, mayKeep: false) }
                    return BackwardStep(node: node, gradIn: grad, gradients: [])
                }
                if let g = grad.take() { accumulate(g, into: variable, mayKeep: true) }
                return nil
            }
            if var g = grad {
                for hook in extras.preHooks {
                    if let replaced = hook(g) { g = replaced }
                }
                // retain_grad runs after every other hook, whenever it was registered (as in PyTorch).
                if let retained = extras.retainedGradTensor {
                    retained.grad = retained.grad.map { $0.adding(g) } ?? g.detach()
                }
                grad = g
            }
        }
        var outputs: Gradients
        if let g = grad {
            outputs = try node.apply(g)
        } else {
            outputs = Gradients(nils: node.edges.count)
        }
        if !retainGraph { node.releaseSavedTensors() }
        if detectAnomaly { try checkAnomaly(node, outputs) }
        let edgeCount = node.edges.count
        ensure(outputs.count == edgeCount, "\(node.name) returned \(outputs.count) gradients for \(edgeCount) inputs")

        // The report shows what the node returned; without one, each gradient moves into its
        // slot instead of being copied there (a retain and a release saved per edge).
        let reported = reporting ? outputs : Gradients()
        let firstEdge = slots[nodeSlot].firstEdge
        for i in 0..<edgeCount {
            let nextSlot = edgeSlots[firstEdge + i]
            if nextSlot < 0 { continue }
            if slots[nextSlot].deliver(outputs.take(at: i)) {
                queue.push(slot: nextSlot, sequenceNr: slots[nextSlot].sequenceNr)
            }
        }
        return reporting ? BackwardStep(node: node, gradIn: grad, gradients: reported) : nil
    }

    /// The pass is over: let go of the graph now rather than when the stepper goes.
    private func endPass() {
        slots = []
        edgeSlots = []
        root = nil
    }

    private func countDependencies(from root: Node) {
        // Breadth first, with the slots array as the work list: a node's slot is made when the
        // walk first reaches it, and the walk visits the slots in order until none is left. No
        // recursion (deep graphs, long chains of small ops, cannot overflow the stack) and no
        // separate stack to push and pop. Room for a graph of a hundred nodes from the start:
        // growing from empty reallocates and copies the tables seven times on the way there.
        slots.reserveCapacity(128)
        edgeSlots.reserveCapacity(256)
        _ = slot(enrolling: Unmanaged.passUnretained(root))
        var index = 0
        while index < slots.count {
            slots[index].firstEdge = edgeSlots.count
            // Unretained: `root` keeps every node of the graph alive (see Slot).
            slots[index].node._withUnsafeGuaranteedRef { node in
                node.edges.forEachUnretained { _, edge in
                    let nextSlot = edge.map(slot(enrolling:)) ?? -1
                    edgeSlots.append(nextSlot)
                    if nextSlot >= 0 { slots[nextSlot].dependencies += 1 }
                }
            }
            index += 1
        }
    }

    /// The slot of `node`, made when the walk first reaches it.
    private func slot(enrolling node: Unmanaged<Node>) -> Int {
        node._withUnsafeGuaranteedRef { node in
            if node.passStamp == pass { return node.passIndex }
            let index = slots.count
            node.passStamp = pass
            node.passIndex = index
            slots.append(Slot(node: node))
            return index
        }
    }

    /// AccumulateGrad: runs the leaf's hooks, then adds the gradient into `.grad`. A first
    /// gradient is kept as it is when nothing else can see it (`mayKeep`, and no other reference
    /// to it: not the report, a hook's capture or another edge's slot), as PyTorch's
    /// AccumulateGrad steals a gradient whose use count says it is the only holder; otherwise
    /// `.grad` gets a detached alias of its own. Keeping it saves a tensor object per leaf.
    private func accumulate(_ incoming: consuming Tensor, into variable: Tensor, mayKeep: Bool) {
        var g = incoming
        for hook in variable.hooks {
            if let replaced = hook(g) { g = replaced }
        }
        if let existing = variable.grad {
            variable.grad = existing.adding(g)
        } else if mayKeep && g.gradFn == nil && !g.requiresGrad && g.extras == nil && isKnownUniquelyReferenced(&g) {
            variable.grad = g
        } else {
            variable.grad = g.detach()
        }
    }

    private func checkAnomaly(_ node: Node, _ outputs: Gradients) throws(AutogradError) {
        for (i, output) in outputs.enumerated() {
            guard let output, output.dtype.isFloatingPoint else { continue }
            // One pass on the device; only a sum that is not finite needs a look at the elements,
            // since large finite values (above ~1e154 in float64) overflow the sum of squares.
            let sum = output.backend.sumOfSquares(output.storage)
            if sum.isFinite { continue }
            let kind: String
            if sum.isNaN {
                kind = "nan"
            } else if output.doubles.contains(where: { $0.isInfinite }) {
                kind = "inf"
            } else {
                continue
            }
            throw .anomaly(node: node.name, forwardOp: node.forwardOp, module: node.module, output: i, kind: kind)
        }
    }
}

/// The ready nodes, by their slot in the stepper: higher sequence number first, then
/// first-come first-served. It holds slot indices and sequence numbers, not the nodes
/// themselves (the stepper's slots hold those), so pushing and popping count no references.
///
/// The entry that runs next is kept apart from the binary heap that holds the rest: in a chain
/// of ops (and in most of any graph) each node makes exactly one node ready, which is pushed and
/// then popped straight away, and that then costs no heap array operations at all.
struct ReadyQueue {
    private struct Entry {
        let sequenceNr: Int
        let order: Int
        let slot: Int

        func runsBefore(_ other: Entry) -> Bool {
            if sequenceNr != other.sequenceNr { return sequenceNr > other.sequenceNr }
            return order < other.order
        }
    }
    /// Runs before every entry of `heap` when set.
    private var top: Entry?
    private var heap: [Entry] = []
    private var pushes = 0

    var isEmpty: Bool { top == nil && heap.isEmpty }
    /// The slot of the node that runs next.
    var peek: Int? { top?.slot ?? heap.first?.slot }

    mutating func push(slot: Int, sequenceNr: Int) {
        let entry = Entry(sequenceNr: sequenceNr, order: pushes, slot: slot)
        pushes += 1
        if let current = top {
            if entry.runsBefore(current) {
                heapPush(current)
                top = entry
            } else {
                heapPush(entry)
            }
        } else if heap.isEmpty || entry.runsBefore(heap[0]) {
            top = entry
        } else {
            heapPush(entry)
        }
    }

    /// The slot of the node that runs next, taken off the queue.
    mutating func pop() -> Int? {
        if let current = top {
            top = nil
            return current.slot
        }
        return heapPop()?.slot
    }

    private mutating func heapPush(_ entry: Entry) {
        heap.append(entry)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].runsBefore(heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    private mutating func heapPop() -> Entry? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < heap.count && heap[l].runsBefore(heap[best]) { best = l }
            if r < heap.count && heap[r].runsBefore(heap[best]) { best = r }
            if best == i { break }
            heap.swapAt(i, best)
            i = best
        }
        return first
    }
}

extension Tensor {
    /// Computes the gradient of this tensor with respect to every leaf that requires grad and
    /// adds it into their `.grad`, like `loss.backward()`.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws(AutogradError) {
        try BackwardStepper(root: self, gradient: gradient, retainGraph: retainGraph).finish()
    }
}
