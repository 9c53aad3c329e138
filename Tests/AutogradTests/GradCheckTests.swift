import Autograd
import Testing

/// Every primitive's backward against central differences in float64, on the reference backend
/// (the definition) and on the CPU backend.
@Suite struct GradCheckTests {
    @Test(arguments: GradCheckRow.all, CheckedBackend.allCases)
    func analyticalGradientMatchesFiniteDifferences(row: GradCheckRow, backend: CheckedBackend) {
        Backends.withCPUBackend(backend.backend) {
            let inputs = row.makeInputs()
            let before = inputs.map(\.doubles)
            let result = row.check.check(inputs, row.function)
            #expect(result.passed, "\(row.name) on the \(backend) backend: \(result)")
            #expect(result.entries > 0)
            // The check leaves its inputs as it found them.
            #expect(inputs.map(\.doubles) == before)
            #expect(inputs.allSatisfy { $0.grad == nil })
        }
    }

    /// The graph each row records is the graph PyTorch records for the same computation: names,
    /// edges in input order (empty ones included) and the order backward runs the nodes.
    @Test(arguments: GradCheckRow.all)
    func rowGraphMatchesPyTorch(row: GradCheckRow) throws {
        let expected = try #require(PyTorchFixtures.graphs[row.name],
                                    "no PyTorch graph for row \(row.name): add it to scripts/pytorch_fixtures.py and rerun it")
        let output = row.function(row.makeInputs())
        let got = try recordBackward(output, gradient: Tensor.ones(like: output))
        #expect(got == expected, "\(row.name):\n\(describeDifference(got, expected))")
    }

    @Test func everyPrimitiveHasAGradCheckRow() {
        var seen: Set<String> = []
        for row in GradCheckRow.all {
            for node in reachableNodes(from: row.function(row.makeInputs())) { seen.insert(node.name) }
        }
        let missing = Primitives.nodeNames.filter { !seen.contains($0) }
        #expect(missing.isEmpty, "primitives no gradcheck row exercises: \(missing); add rows to GradCheckRow+Table.swift")
        let unknown = seen.subtracting(Primitives.nodeNames + [Primitives.accumulateGrad]).sorted()
        #expect(unknown.isEmpty, "rows record nodes Primitives.nodeNames does not list: \(unknown)")
    }

    @Test func primitivesListMatchesTheOpsSources() throws {
        let recorded = try nodeNamesInSources()
        #expect(!recorded.isEmpty)
        #expect(Set(Primitives.nodeNames).count == Primitives.nodeNames.count, "Primitives.nodeNames has duplicates")
        let unlisted = recorded.subtracting(Primitives.nodeNames).sorted()
        let stale = Set(Primitives.nodeNames).subtracting(recorded).sorted()
        #expect(unlisted.isEmpty, "ops record names missing from Primitives.nodeNames: \(unlisted)")
        #expect(stale.isEmpty, "Primitives.nodeNames lists names no op records: \(stale)")
    }

    @Test func everyRowHasAUniqueName() {
        let names = GradCheckRow.all.map(\.name)
        #expect(Set(names).count == names.count)
    }
}

/// The checker itself: it must catch a wrong gradient, say where, and refuse what it cannot check.
@Suite struct GradCheckSelfTests {
    @Test func catchesAWrongGradientAndNamesTheElement() {
        var generator = RandomGenerator(seed: 1)
        let a = GradCheck.randomInput([2, 3], generator: &generator)
        let b = GradCheck.randomInput([3], generator: &generator)
        // A hook corrupts the gradient reaching `b` in one element only (flat 1 of the product's
        // gradient is doubled), so only entries for row 0, column 1 of `a` can be wrong.
        let result = GradCheck().check([a, b]) { inputs in
            let product = inputs[0] * inputs[1]
            if product.requiresGrad {
                product.registerHook { g in g * Tensor([1, 2, 1, 1, 1, 1] as [Double], shape: [2, 3]) }
            }
            return product.sum()
        }
        #expect(!result.passed)
        #expect(result.problems.isEmpty)
        let worst = result.worst
        #expect(worst?.outputElement == 0)
        #expect(worst.map { $0.input == 0 || $0.input == 1 } == true)
        if worst?.input == 0 { #expect(worst?.element == [0, 1]) } else { #expect(worst?.element == [1]) }
        #expect(result.failures == 2)
        #expect(result.description.hasPrefix("gradcheck failed: 2 of 9 Jacobian entries differ; worst at input "))
    }

    @Test func passingResultReportsTheWorstError() {
        var generator = RandomGenerator(seed: 2)
        let x = GradCheck.randomInput([3], low: 0.5, high: 2, generator: &generator)
        let result = GradCheck().check([x]) { $0[0].log() }
        #expect(result.passed, "\(result)")
        #expect(result.entries == 9)
        #expect(result.maxError < 1e-8)
        #expect(result.nodeNames == ["LogBackward0", "AccumulateGrad"])
        #expect(result.description.hasPrefix("gradcheck passed: 9 Jacobian entries"))
    }

    @Test func refusesFloat32Inputs() throws {
        let x = try Tensor([1, 2] as [Float]).requireGrad()
        let result = GradCheck().check([x]) { $0[0] * 2 }
        #expect(!result.passed)
        #expect(result.problems == ["input 0 is torch.float32: gradcheck needs float64 inputs"])
    }

    @Test func refusesNonLeafInputs() throws {
        let x = try Tensor([1, 2] as [Double]).requireGrad() * 2
        let result = GradCheck().check([x]) { $0[0] * 2 }
        #expect(result.problems == ["input 0 is not a leaf (it has grad_fn MulBackward0)"])
    }

    @Test func refusesAnOutputWithoutGraph() {
        var generator = RandomGenerator(seed: 3)
        let x = GradCheck.randomInput([2], generator: &generator)
        let result = GradCheck().check([x]) { _ in Tensor([1, 2] as [Double]) }
        #expect(!result.passed)
        #expect(result.description == "gradcheck could not run: the output does not require grad: no input that requires grad reached it")
    }

    @Test func constantInputsPassThrough() {
        var generator = RandomGenerator(seed: 4)
        let x = GradCheck.randomInput([2, 3], generator: &generator)
        let index = Tensor([2, 0], shape: [2, 1])
        let result = GradCheck().check([x, index]) { $0[0].gather(dim: 1, index: $0[1]) }
        #expect(result.passed, "\(result)")
        #expect(result.entries == 12)
    }

    @Test func inputWithNoPathToTheOutputHasAZeroJacobian() {
        var generator = RandomGenerator(seed: 5)
        let x = GradCheck.randomInput([2], generator: &generator)
        let unused = GradCheck.randomInput([3], generator: &generator)
        let result = GradCheck().check([x, unused]) { $0[0].exp() }
        #expect(result.passed, "\(result)")
        #expect(result.entries == 10)
    }
}
