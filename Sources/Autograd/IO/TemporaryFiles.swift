#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Temporary files being written (a checkpoint before its rename), removed if a signal ends the
/// process, so no `.NAME.PID.N.tmp` survives a kill, a hang-up, a closed pipe or SIGUSR1.
///
/// A signal handler may only call async-signal-safe functions, so the paths live in fixed C
/// buffers allocated once, and which slots hold a path is one atomic bit mask. The handler
/// unlinks every registered path, puts the signal's default action back and raises it again:
/// the process still ends by that signal, as its parent expects, just without the debris.
public enum TemporaryFiles {
    static let slots = 8
    static let capacity = Int(PATH_MAX) + 1

    /// Catchable signals whose default action ends the process. (Faults and aborts are left to
    /// the crash reporter.)
    public static let terminatingSignals: [Int32] = {
        var signals: [Int32] = [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2, SIGIO,
                                SIGPROF, SIGVTALRM, SIGXCPU, SIGXFSZ, SIGSYS]
        #if os(Linux)
        signals += [SIGSTKFLT, SIGPWR]
        #endif
        return signals
    }()

    /// Claims a slot for `path` and records it; nil when every slot is taken or the path is too long
    /// (the write still goes ahead; only the clean-up on a signal is lost).
    static func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard bytes.count < capacity else { return nil }
        var current = claimed.load(ordering: .acquiring)
        while true {
            guard let slot = (0..<slots).first(where: { current & (1 << $0) == 0 }) else { return nil }
            let (exchanged, original) = claimed.compareExchange(expected: current, desired: current | (1 << slot),
                                                                ordering: .acquiringAndReleasing)
            guard exchanged else {
                current = original
                continue
            }
            let buffer = buffers + slot * capacity
            for (i, byte) in bytes.enumerated() { buffer[i] = CChar(bitPattern: byte) }
            buffer[bytes.count] = 0
            ready.bitwiseOr(1 << slot, ordering: .releasing)
            return slot
        }
    }

    /// Forgets a slot (after the file was renamed into place or removed).
    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        ready.bitwiseAnd(~(1 << slot), ordering: .releasing)
        claimed.bitwiseAnd(~(1 << slot), ordering: .releasing)
    }

    /// The paths registered now (for tests).
    static var registered: [String] {
        let mask = ready.load(ordering: .acquiring)
        return (0..<slots).filter { mask & (1 << $0) != 0 }.map { String(cString: buffers + $0 * capacity) }
    }

    /// Unlinks every registered path: async-signal-safe (an atomic load and unlink).
    static func removeAll() {
        let mask = ready.load(ordering: .acquiring)
        for slot in 0..<slots where mask & (1 << slot) != 0 {
            unlink(buffers + slot * capacity)
        }
    }

    /// Installs the clean-up handler for every terminating signal whose action is still the
    /// default; handlers the program installs later (graceful stops) take precedence and put
    /// this one back when they are removed.
    public static func installSignalCleanup() {
        // Initialise the globals the handler reads now, outside any handler.
        _ = buffers
        _ = ready.load(ordering: .relaxed)
        for sig in terminatingSignals {
            var current = sigaction()
            guard sigaction(sig, nil, &current) == 0, current.__sigaction_handler.sa_handler == nil else { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                TemporaryFiles.removeAll()
                signal(sig, SIG_DFL)
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
    }

    private static let claimed = Atomic<Int>(0)
    private static let ready = Atomic<Int>(0)
}

/// The path buffers: allocated once, never freed, written only by the thread holding the slot
/// and read by the signal handler after the slot's ready bit is set (release/acquire on `ready`).
nonisolated(unsafe) private let buffers: UnsafeMutablePointer<CChar> = {
    let p = UnsafeMutablePointer<CChar>.allocate(capacity: TemporaryFiles.slots * TemporaryFiles.capacity)
    p.initialize(repeating: 0, count: TemporaryFiles.slots * TemporaryFiles.capacity)
    return p
}()
