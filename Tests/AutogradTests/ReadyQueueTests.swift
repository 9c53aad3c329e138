@testable import Autograd
import Testing

/// The engine's ready queue (Engine.swift) keeps the entry that runs next apart from its heap;
/// whatever the pushes and pops, it must give PyTorch's order: highest sequence number first,
/// ties in the order they became ready.
@Suite struct ReadyQueueTests {
    /// A queue that finds the next entry by looking at all of them.
    struct Reference {
        var entries: [(sequenceNr: Int, order: Int, slot: Int)] = []
        var pushes = 0
        mutating func push(slot: Int, sequenceNr: Int) {
            entries.append((sequenceNr, pushes, slot))
            pushes += 1
        }
        var next: Int? {
            entries.indices.min { a, b in
                let x = entries[a], y = entries[b]
                return x.sequenceNr != y.sequenceNr ? x.sequenceNr > y.sequenceNr : x.order < y.order
            }
        }
        var peek: Int? { next.map { entries[$0].slot } }
        mutating func pop() -> Int? {
            guard let best = next else { return nil }
            return entries.remove(at: best).slot
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func popsInPyTorchsOrderWhateverTheInterleaving(seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        var queue = ReadyQueue()
        var reference = Reference()
        var slot = 0
        for _ in 0..<2000 {
            // Few distinct sequence numbers, so ties (and AccumulateGrad's Int.max) are common.
            if generator.nextInt(below: 100) < 55 {
                let draw = generator.nextInt(below: 6)
                let sequenceNr = draw == 5 ? Node.accumulateGradSequenceNr : draw
                queue.push(slot: slot, sequenceNr: sequenceNr)
                reference.push(slot: slot, sequenceNr: sequenceNr)
                slot += 1
            } else {
                #expect(queue.peek == reference.peek)
                #expect(queue.pop() == reference.pop())
            }
            #expect(queue.isEmpty == reference.entries.isEmpty)
        }
        while let expected = reference.pop() { #expect(queue.pop() == expected) }
        #expect(queue.isEmpty && queue.pop() == nil)
    }

    @Test func aChainPushesAndPopsOneAtATime() {
        var queue = ReadyQueue()
        for i in (0..<5).reversed() {
            queue.push(slot: i, sequenceNr: i)
            #expect(queue.peek == i)
            #expect(queue.pop() == i)
            #expect(queue.isEmpty)
        }
    }
}
