import Autograd
import Testing

@Suite("NN layers")
struct NNLayerTests {
    @Test func linearRecordsPyTorchsGraph() throws {
        var g = RandomGenerator(seed: 1)
        let fc = Linear(3, 2, generator: &g)
        let x = Tensor.randn([4, 3], generator: &g)
        let y = fc(x)
        #expect(y.shape == [4, 2])
        let addmm = try #require(y.gradFn)
        #expect(addmm.name == "AddmmBackward0")
        // Edges in PyTorch's order: bias, input (needs no grad: no edge), weight.t().
        #expect(addmm.nextEdges.count == 3)
        #expect(addmm.nextEdges[0]?.name == "AccumulateGrad")
        #expect(addmm.nextEdges[0]?.variable === fc.bias)
        #expect(addmm.nextEdges[1] == nil)
        let t = try #require(addmm.nextEdges[2])
        #expect(t.name == "TBackward0")
        #expect(t.nextEdges.first??.variable === fc.weight)
        // y = x·Wᵀ + b.
        let expected = Tensor.addmm(fc.bias!.detach(), x, fc.weight.detach().t())
        #expect(y.doubles == expected.doubles)
    }

    @Test func linearWithoutBiasAndOnHigherRankInput() throws {
        var g = RandomGenerator(seed: 2)
        let fc = Linear(3, 2, bias: false, generator: &g)
        #expect(fc.namedParameters().map(\.name) == ["weight"])
        let x = Tensor.randn([2, 5, 3], generator: &g)
        let y = fc(x)
        #expect(y.shape == [2, 5, 2])
        #expect(y.gradFn?.name == "ViewBackward0")
        let flat = fc(x.reshape([10, 3]))
        #expect(flat.gradFn?.name == "MmBackward0")
        #expect(y.doubles == flat.doubles)
        let v = fc(Tensor.ones([3]))
        #expect(v.shape == [2])
    }

    @Test(arguments: [(4, 3), (400, 120), (1, 1)])
    func linearDefaultInitIsUniformInFanInBound(fanIn: Int, fanOut: Int) {
        var g = RandomGenerator(seed: UInt64(fanIn))
        let fc = Linear(fanIn, fanOut, generator: &g)
        let bound = 1 / Double(fanIn).squareRoot()
        for p in fc.parameters() {
            #expect(p.doubles.allSatisfy { abs($0) <= bound })
        }
        if fanIn * fanOut > 1000 {
            // Spread over the whole range, not a narrower one.
            let w = fc.weight.doubles
            #expect(w.max()! > 0.95 * bound && w.min()! < -0.95 * bound)
        }
    }

    @Test func conv2dInitAndForward() throws {
        var g = RandomGenerator(seed: 3)
        let conv = Conv2d(3, 6, 5, generator: &g)
        #expect(conv.weight.shape == [6, 3, 5, 5] && conv.bias!.shape == [6])
        let bound = 1 / Double(3 * 25).squareRoot()
        #expect(conv.weight.doubles.allSatisfy { abs($0) <= bound })
        let x = Tensor.randn([2, 3, 8, 8], generator: &g)
        let y = conv(x)
        #expect(y.shape == [2, 6, 4, 4])
        #expect(y.gradFn?.name == "ConvolutionBackward0")
        #expect(y.gradFn?.nextEdges.first! == nil)
        let direct = Tensor.conv2d(x, weight: conv.weight, bias: conv.bias)
        #expect(y.doubles == direct.doubles)
        let padded = Conv2d(3, 2, 3, stride: 2, padding: 1, generator: &g)
        #expect(padded(x).shape == [2, 2, 4, 4])
    }

    @Test func sameSeedSameWeights() {
        var a = RandomGenerator(seed: 42)
        var b = RandomGenerator(seed: 42)
        #expect(Linear(5, 4, generator: &a).weight.doubles == Linear(5, 4, generator: &b).weight.doubles)
        DefaultGenerator.manualSeed(7)
        let first = Linear(5, 4).weight.doubles
        DefaultGenerator.manualSeed(7)
        #expect(Linear(5, 4).weight.doubles == first)
    }

    @Test func maxPoolFlattenReLU() throws {
        let x = Tensor((0..<16).map { Float($0) - 8 }, shape: [1, 1, 4, 4])
        let pooled = MaxPool2d(2)(x)
        #expect(pooled.shape == [1, 1, 2, 2])
        #expect(pooled.doubles == [-3, -1, 5, 7])
        #expect(ReLU()(pooled).doubles == [0, 0, 5, 7])
        #expect(Flatten()(x).shape == [1, 16])
        #expect(Flatten(startDim: 2)(x).shape == [1, 1, 16])
    }

    @Test func dropoutIsSeededAndOffInEval() throws {
        let x = Tensor.ones([1000])
        let a = Dropout(p: 0.5, seed: 9)
        let b = Dropout(p: 0.5, seed: 9)
        let ya = a(x).doubles
        #expect(ya == b(x).doubles)
        #expect(Set(ya) == [0, 2])
        let kept = ya.filter { $0 != 0 }.count
        #expect(kept > 400 && kept < 600)
        // The generator moves on: the next mask differs.
        #expect(a(x).doubles != ya)
        a.eval()
        #expect(a(x) === x)
    }

    @Test func sequentialChainsAndNamesChildren() {
        var g = RandomGenerator(seed: 5)
        let l1 = Linear(4, 3, generator: &g)
        let l2 = Linear(3, 2, generator: &g)
        let seq = Sequential(l1, ReLU(), l2)
        #expect(seq.count == 3)
        #expect(seq.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        let x = Tensor.randn([5, 4], generator: &g)
        #expect(seq(x).doubles == l2(l1(x).relu()).doubles)
        #expect(seq(x).gradFn?.module == "2")
    }

    @Test func lossesMatchTheTensorFunctions() throws {
        var g = RandomGenerator(seed: 6)
        let logits = Tensor.randn([4, 3], generator: &g)
        let labels = Tensor([0, 2, 1, 2])
        let ce = CrossEntropyLoss()(logits, labels)
        #expect(ce.doubles == Tensor.crossEntropy(logits, labels).doubles)
        // mean of −log_softmax at the labels.
        let rows = logits.doubles
        var expected = 0.0
        for (i, label) in [0, 2, 1, 2].enumerated() {
            let row = rows[(3 * i)..<(3 * i + 3)]
            let logSum = row.map { exp($0) }.reduce(0, +)
            expected += -(row[3 * i + label] - log(logSum))
        }
        #expect(abs(ce.item() - expected / 4) < 1e-5)
        let target = Tensor.randn([4, 3], generator: &g)
        let mean = MSELoss()(logits, target).item()
        let sum = MSELoss(reduction: .sum)(logits, target).item()
        let direct = zip(logits.doubles, target.doubles).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        #expect(abs(sum - direct) < 1e-4)
        #expect(abs(mean - direct / 12) < 1e-5)
    }

    @Test func shapeInferenceExplainsMisfits() throws {
        var g = RandomGenerator(seed: 7)
        let seq = Sequential(Conv2d(1, 4, 3, generator: &g), MaxPool2d(2), Flatten(), Linear(144, 10, generator: &g))
        #expect(try seq.outputShape(for: [2, 1, 14, 14]) == [2, 10])
        let wrongChannels = #expect(throws: ShapeError.self) { try seq.outputShape(for: [2, 3, 14, 14]) }
        #expect(wrongChannels?.message == "0 (Conv2d) expects 1 input channel(s), got 3 (input shape [2, 3, 14, 14])")
        let wrongSize = #expect(throws: ShapeError.self) { try seq.outputShape(for: [2, 1, 16, 16]) }
        #expect(wrongSize?.message == "3 (Linear) expects 144 input features, got an input of shape [2, 196]")
        let tooSmall = #expect(throws: ShapeError.self) { try seq.outputShape(for: [1, 1, 2, 2]) }
        #expect(tooSmall?.message == "0 (Conv2d): a 2×2 input is smaller than its 3×3 kernel")
    }
}

#if canImport(Glibc)
import Glibc
#endif
