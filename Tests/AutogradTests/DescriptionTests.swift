import Autograd
import Testing

/// `print(tensor)` against the text real PyTorch printed for the same tensor
/// (scripts/pytorch_fixtures.py wrote both the expected text and the Swift that builds the tensor).
@Suite struct DescriptionTests {
    @Test(arguments: PyTorchFixtures.descriptions)
    func printsAsPyTorchDoes(fixture: DescriptionFixture) {
        let text = fixture.make().description
        #expect(text == fixture.text, "\(fixture.name):\n\(text)\nPyTorch:\n\(fixture.text)")
    }

    @Test func nonLeafShowsItsGradFnAfterRealOps() throws {
        let net = BlitzNetByHand(seed: 21)
        let logits = net.logits(BlitzNetByHand.batch(1, seed: 22).images)
        #expect(logits.description.hasSuffix(", grad_fn=<AddmmBackward0>)"))
        #expect(logits.description.hasPrefix("tensor([["))
    }
}
