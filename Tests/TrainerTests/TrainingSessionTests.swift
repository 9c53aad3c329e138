import Autograd
import Dispatch
import Testing
import Trainer

/// The session across threads: commands in, snapshots out. Run under the thread sanitizer with
/// `swift test --sanitize=thread --filter TrainingSessionTests`.
@Suite(.serialized) struct TrainingSessionTests {
    func waitFor(_ session: TrainingSession, _ condition: (TrainingSnapshot) -> Bool) -> TrainingSnapshot {
        let deadline = DispatchTime.now().uptimeNanoseconds + 60_000_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let s = session.latestSnapshot
            if condition(s) { return s }
            usleep(2_000)
        }
        return session.latestSnapshot
    }

    @Test func commandsTakeEffectInOrder() throws {
        var c = TrainingConfiguration()
        c.steps = 1000
        c.threads = 1
        let session = try TrainingSession(configuration: c, startRunning: false, endWhenFinished: false)
        session.start()
        #expect(!session.latestSnapshot.isRunning)
        session.send(.step)
        var s = waitFor(session) { $0.step == 1 }
        #expect(s.step == 1 && !s.isRunning)
        session.send(.backwardNode)
        s = waitFor(session) { $0.cursor?.ranName != nil }
        #expect(s.cursor?.ranName == "NllLossBackward0")
        #expect(s.cursor?.nextName == "LogSoftmaxBackward0")
        session.send(.finishBackward)
        s = waitFor(session) { $0.step == 2 }
        #expect(s.step == 2)
        session.send(.toggleZeroGrad)
        session.send(.step)
        session.send(.step)
        s = waitFor(session) { $0.step == 4 }
        #expect(!s.zeroGradEnabled)
        #expect(s.accumulated == 3)
        session.send(.scaleLearningRate(2))
        s = waitFor(session) { $0.learningRate == 0.002 }
        #expect(s.learningRate == 0.002)
        session.send(.resume)
        s = waitFor(session) { $0.step >= 10 && $0.isRunning }
        #expect(s.isRunning)
        session.send(.pause)
        s = waitFor(session) { !$0.isRunning }
        let paused = s.step
        usleep(50_000)
        #expect(session.latestSnapshot.step == paused)
        session.send(.quit)
        #expect(session.waitUntilDone() == .quit)
    }

    @Test func resetStartsTheRunOverFromTheSameSeed() throws {
        var c = TrainingConfiguration()
        c.steps = 1000
        c.threads = 1
        let session = try TrainingSession(configuration: c, startRunning: false, endWhenFinished: false, speed: .watchable)
        let initial = session.latestSnapshot
        #expect(initial.pacing == Pacing(speed: .perSecond(20), resets: 0))
        session.start()
        // Break the run: zero_grad off, a higher learning rate, a few steps.
        session.send(.toggleZeroGrad)
        session.send(.scaleLearningRate(8))
        for _ in 0..<3 { session.send(.step) }
        var s = waitFor(session) { $0.step == 3 }
        #expect(!s.zeroGradEnabled && s.accumulated == 3 && s.losses.count == 3)
        #expect(s.parameters.map(\.norm) != initial.parameters.map(\.norm))
        session.send(.reset)
        s = waitFor(session) { $0.pacing.resets == 1 }
        #expect(s.step == 0)
        #expect(s.zeroGradEnabled && s.accumulated == 0)
        #expect(s.learningRate == 0.001)
        #expect(s.losses.isEmpty && s.accuracies.isEmpty)
        #expect(!s.isRunning)
        // The same weights as at the start, to the bit.
        #expect(s.parameters.map(\.norm) == initial.parameters.map(\.norm))
        #expect(s.parameters.allSatisfy { $0.gradNorm == nil })
        // The same first step as the first time round.
        session.send(.step)
        s = waitFor(session) { $0.step == 1 }
        let replay = try TrainingSession(configuration: c, startRunning: false, endWhenFinished: false)
        replay.start()
        replay.send(.step)
        let first = waitFor(replay) { $0.step == 1 }
        #expect(s.losses.recent == first.losses.recent)
        replay.send(.quit)
        replay.waitUntilDone()
        // A running run stays running after a reset, at its speed.
        session.send(.changeSpeed(faster: true))
        session.send(.resume)
        session.send(.reset)
        s = waitFor(session) { $0.pacing.resets == 2 }
        #expect(s.isRunning)
        #expect(s.pacing.speed == .perSecond(50))
        session.send(.quit)
        #expect(session.waitUntilDone() == .quit)
    }

    @Test func speedCommandsMoveAlongTheLadder() throws {
        var c = TrainingConfiguration()
        c.steps = 1000
        c.threads = 1
        let session = try TrainingSession(configuration: c, startRunning: false, endWhenFinished: false)
        #expect(session.latestSnapshot.pacing.speed == .max)
        session.start()
        session.send(.changeSpeed(faster: false))
        var s = waitFor(session) { $0.pacing.speed != .max }
        #expect(s.pacing.speed == .perSecond(500))
        session.send(.setSpeed(.perSecond(1)))
        session.send(.changeSpeed(faster: false))
        s = waitFor(session) { $0.pacing.speed == .perSecond(1) }
        session.send(.changeSpeed(faster: true))
        s = waitFor(session) { $0.pacing.speed == .perSecond(2) }
        #expect(s.pacing.speed == .perSecond(2))
        // A manual step is never held back by the pace.
        session.send(.step)
        session.send(.step)
        s = waitFor(session) { $0.step == 2 }
        #expect(s.step == 2)
        session.send(.quit)
        #expect(session.waitUntilDone() == .quit)
    }

    @Test func aRunEndsWithItsTestAccuracy() throws {
        var c = TrainingConfiguration()
        c.steps = 7
        c.evaluateEvery = 3
        c.threads = 1
        let events = EventLog()
        let session = try TrainingSession(configuration: c, startRunning: true, endWhenFinished: true) { events.add($0) }
        session.start()
        #expect(session.waitUntilDone() == .finished)
        #expect(events.evaluations == [3, 6, 7])
        #expect(session.latestSnapshot.accuracies.last?.step == 7)
    }

    @Test func headlessRunEndsWhenDone() throws {
        var c = TrainingConfiguration()
        c.steps = 5
        c.threads = 1
        let events = EventLog()
        let session = try TrainingSession(configuration: c, startRunning: true, endWhenFinished: true) { events.add($0) }
        session.start()
        #expect(session.waitUntilDone() == .finished)
        #expect(session.latestSnapshot.step == 5)
        #expect(events.steps == [1, 2, 3, 4, 5])
    }
}

final class EventLog: Sendable {
    private let log = Mutex<[TrainingEvent]>([])
    func add(_ e: TrainingEvent) { log.withLock { $0.append(e) } }
    var evaluations: [Int] {
        log.withLock { $0.compactMap { if case .evaluation(let s, _, _) = $0 { return s } else { return nil } } }
    }
    var steps: [Int] {
        log.withLock { $0.compactMap { if case .step(let s, _, _) = $0 { return s } else { return nil } } }
    }
}

import Synchronization
#if canImport(Glibc)
import Glibc
#endif
