@testable import Trainer
import Testing

/// The speed ladder and the pacer, on a made-up clock (no test depends on real time).
@Suite struct TrainingSpeedTests {
    @Test func theLadderStepsThroughItsRungs() {
        var speed = TrainingSpeed.perSecond(1)
        var seen: [String] = [speed.description]
        for _ in 0..<10 {
            speed = speed.faster
            seen.append(speed.description)
        }
        #expect(seen == ["1/s", "2/s", "5/s", "10/s", "20/s", "50/s", "100/s", "200/s", "500/s", "max", "max"])
        #expect(TrainingSpeed.max.slower == .perSecond(500))
        #expect(TrainingSpeed.perSecond(1).slower == .perSecond(1))
        // Between rungs: to the rung above or below.
        #expect(TrainingSpeed.perSecond(30).faster == .perSecond(50))
        #expect(TrainingSpeed.perSecond(30).slower == .perSecond(20))
        #expect(TrainingSpeed.perSecond(5000).faster == .max)
        #expect(TrainingSpeed.perSecond(5000).slower == .perSecond(500))
        #expect(TrainingSpeed.watchable == .perSecond(20))
    }

    @Test func parsingTheFlag() {
        #expect(TrainingSpeed(parsing: "20") == .perSecond(20))
        #expect(TrainingSpeed(parsing: "max") == .max)
        #expect(TrainingSpeed(parsing: "MAX") == .max)
        for bad in ["0", "-3", "1.5", "fast", "", "1000001"] {
            #expect(TrainingSpeed(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func thePacerKeepsTheAverageWithoutBursts() {
        let ms: UInt64 = 1_000_000
        var pacer = Pacer(speed: .perSecond(20))   // every 50 ms
        #expect(pacer.delay(now: 1000 * ms) == nil)  // the first step runs at once
        pacer.stepped(now: 1000 * ms)
        #expect(pacer.delay(now: 1010 * ms) == 40 * ms)
        #expect(pacer.delay(now: 1050 * ms) == nil)
        // A step that starts 10 ms late does not push the schedule back.
        pacer.stepped(now: 1060 * ms)
        #expect(pacer.delay(now: 1070 * ms) == 30 * ms)
        // Far behind (a slow step): one step at once, then the pace again, not a burst.
        pacer.stepped(now: 2000 * ms)
        #expect(pacer.delay(now: 2000 * ms) == nil)
        pacer.stepped(now: 2000 * ms)
        #expect(pacer.delay(now: 2000 * ms) == 50 * ms)
        pacer.restart()
        #expect(pacer.delay(now: 2001 * ms) == nil)
        // Fast: late wake-ups are made up, up to 50 ms of them.
        var fast = Pacer(speed: .perSecond(200))   // every 5 ms
        fast.stepped(now: 1000 * ms)
        var now = 1020 * ms   // woken 15 ms late: three steps are owed
        var atOnce = 0
        while fast.delay(now: now) == nil && atOnce < 100 {
            fast.stepped(now: now)
            atOnce += 1
        }
        #expect(atOnce == 4)
        now = 2000 * ms   // a stall of a second: only 50 ms are made up
        atOnce = 0
        while fast.delay(now: now) == nil && atOnce < 100 {
            fast.stepped(now: now)
            atOnce += 1
        }
        #expect(atOnce == 11)
        let full = Pacer(speed: .max)
        #expect(full.delay(now: 0) == nil)
    }
}
