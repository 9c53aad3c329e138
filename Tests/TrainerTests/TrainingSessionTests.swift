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
    var steps: [Int] {
        log.withLock { $0.compactMap { if case .step(let s, _, _) = $0 { return s } else { return nil } } }
    }
}

import Synchronization
#if canImport(Glibc)
import Glibc
#endif
