/// How fast a running session trains: a learner's pace (20 steps a second shows the loss curve
/// falling; the blitz trains to 98% in about a second at full speed) or as fast as the machine
/// can. The pacing is the trainer loop's own (TrainingSession waits between steps, still
/// answering commands at once), so the UI never sleeps and headless runs stay at full speed.
public enum TrainingSpeed: Sendable, Equatable, CustomStringConvertible {
    case perSecond(Int)
    case max

    /// What `<` and `>` step through.
    public static let ladder: [TrainingSpeed] = [1, 2, 5, 10, 20, 50, 100, 200, 500].map { .perSecond($0) } + [.max]
    /// The UI's default: an epoch of the digits in about 18 s.
    public static let watchable = TrainingSpeed.perSecond(20)
    public static let highest = 1_000_000

    /// "20" or "max", as `--speed` takes it; nil for anything else.
    public init?(parsing text: String) {
        if text.lowercased() == "max" {
            self = .max
        } else if let n = Int(text), n >= 1, n <= TrainingSpeed.highest {
            self = .perSecond(n)
        } else {
            return nil
        }
    }

    /// "20/s" or "max".
    public var description: String {
        switch self {
        case .perSecond(let n): return "\(n)/s"
        case .max: return "max"
        }
    }

    /// Steps per second (infinite for max), to compare speeds.
    var rate: Double {
        switch self {
        case .perSecond(let n): return Double(n)
        case .max: return .infinity
        }
    }

    /// The next speed up the ladder (a speed between rungs goes to the rung above it).
    public var faster: TrainingSpeed {
        TrainingSpeed.ladder.first { $0.rate > rate } ?? .max
    }

    /// The next speed down the ladder; 1/s stays 1/s.
    public var slower: TrainingSpeed {
        TrainingSpeed.ladder.last { $0.rate < rate } ?? TrainingSpeed.ladder[0]
    }

    /// Nanoseconds between steps; nil at full speed.
    var interval: UInt64? {
        switch self {
        case .perSecond(let n): return 1_000_000_000 / UInt64(Swift.max(1, n))
        case .max: return nil
        }
    }
}

/// The session's pace as the snapshot carries it: the speed, and how many times the run was
/// reset (so the UI can forget what belonged to the run before).
public struct Pacing: Sendable, Equatable {
    public var speed: TrainingSpeed
    public var resets: Int

    public init(speed: TrainingSpeed = .max, resets: Int = 0) {
        self.speed = speed
        self.resets = resets
    }
}

/// When the next step is due. Steps keep to the speed on average: steps that ran late (a busy
/// machine wakes the trainer a few milliseconds late) are made up, but never more than 50 ms
/// of them (or one interval, when that is longer), so a stall is not followed by a burst.
struct Pacer {
    static let catchUp: UInt64 = 50_000_000

    var speed: TrainingSpeed
    private var due: UInt64?

    init(speed: TrainingSpeed) {
        self.speed = speed
    }

    /// Nanoseconds to wait before the next step (nil: step now).
    func delay(now: UInt64) -> UInt64? {
        guard speed.interval != nil, let due, due > now else { return nil }
        return due - now
    }

    mutating func stepped(now: UInt64) {
        guard let interval = speed.interval else { return }
        let backlog = Swift.max(interval, Pacer.catchUp)
        let floor = now > backlog ? now - backlog : 0
        due = Swift.max(due ?? now, floor) + interval
    }

    /// Starts over (after a pause, a new speed, a reset): the next step runs at once.
    mutating func restart() {
        due = nil
    }
}
