@testable import Autograd
import Testing

/// SmallList keeps three elements inline and spills the rest; it must read like the array it
/// replaced, whatever its length.
@Suite("SmallList")
struct SmallListTests {
    @Test(arguments: [0, 1, 2, 3, 4, 7])
    func readsBackWhatWasAppended(count: Int) {
        let tensors = (0..<count).map { i -> Tensor? in i % 3 == 1 ? nil : Tensor(scalar: Double(i)) }
        let list = Gradients(tensors)
        #expect(list.count == count)
        #expect(list.isEmpty == (count == 0))
        for i in 0..<count { #expect(list[i] === tensors[i]) }
        #expect(Array(list).map { $0.map(\.doubles) } == tensors.map { $0.map(\.doubles) })
        #expect(Gradients(nils: count).allSatisfy { $0 == nil } && Gradients(nils: count).count == count)
    }

    @Test func arrayLiteralsBuildIt() {
        let a = Tensor(scalar: 1.0), b = Tensor(scalar: 2.0)
        let list: Gradients = [a, nil, b, nil, a]
        #expect(list.count == 5)
        #expect(list[0] === a && list[1] == nil && list[2] === b && list[3] == nil && list[4] === a)
        let empty: Gradients = []
        #expect(empty.isEmpty)
    }

    /// A node with more than three edges (DataParallel's gather over many replicas) runs like
    /// any other: every edge gets its gradient, in order.
    @Test func aNodeWithFiveEdgesDeliversToEach() throws {
        let xs = try (0..<4).map { try Tensor(scalar: Double($0)).requireGrad() }
        var edges: SmallList<Node> = [xs[0].gradientEdge(), nil]
        for x in xs.dropFirst() { edges.append(x.gradientEdge()) }
        let node = Node(name: "ManyBackward", forwardOp: "many", edges: edges, saved: [], outputShape: [],
                        outputDType: .float64) { g, _ in
            [g, nil, g.scaled(by: 2), g.scaled(by: 3), g.scaled(by: 4)]
        }
        let out = Tensor(storage: Tensor(scalar: 1.0).storage, shape: [], requiresGrad: true, gradFn: node)
        #expect(node.nextEdges.count == 5 && node.nextEdges[1] == nil)
        #expect(node.nextNodes.map { $0.variable === xs[0] || $0.variable === xs[3] }.filter { $0 }.count == 2)
        try out.backward()
        #expect(xs.map { $0.grad?.doubles ?? [] } == [[1], [2], [3], [4]])
    }

    @Test(arguments: [0, 1, 2, 3, 4, 7])
    func takeMovesEachElementOutAndLeavesNil(count: Int) {
        let tensors = (0..<count).map { i -> Tensor? in i % 3 == 1 ? nil : Tensor(scalar: Double(i)) }
        var list = Gradients(tensors)
        for i in (0..<count).reversed() {
            #expect(list.take(at: i) === tensors[i])
            #expect(list[i] == nil)
        }
        #expect(list.count == count && list.allSatisfy { $0 == nil })
    }

    @Test func oneAndTwoElementInitialisersMatchTheLiterals() {
        let a = Tensor(scalar: 1.0), b = Tensor(scalar: 2.0)
        let one = Gradients(a), two = Gradients(a, nil), both = Gradients(a, b)
        #expect(one.count == 1 && one[0] === a)
        #expect(two.count == 2 && two[0] === a && two[1] == nil)
        #expect(both.count == 2 && both[0] === a && both[1] === b)
    }

    @Test(arguments: [0, 2, 3, 5])
    func forEachUnretainedVisitsEveryElementInOrder(count: Int) {
        let tensors = (0..<count).map { i -> Tensor? in i == 1 ? nil : Tensor(scalar: Double(i)) }
        let list = Gradients(tensors)
        var seen: [(Int, Tensor?)] = []
        list.forEachUnretained { i, element in seen.append((i, element?.takeUnretainedValue())) }
        #expect(seen.map(\.0) == Array(0..<count))
        for (i, element) in seen { #expect(element === tensors[i]) }
    }
}
