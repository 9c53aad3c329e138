// SIGINT, SIGTERM, SIGHUP and SIGQUIT set a flag that the UI loop reads every frame, so the loop
// (not a signal handler) restores the terminal and tells the trainer to stop; the exit status is
// 128 + the signal (131 for ctrl-\, which would otherwise paint a crash report over the screen).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

private let pendingSignal = Atomic<Int32>(0)

enum Signals {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// Installs the handlers; returns what was there before, for `uninstall`.
    static func install() -> [(Int32, sighandler_t?)] {
        pendingSignal.store(0, ordering: .relaxed)
        return handled.map { sig in
            (sig, signal(sig) { received in pendingSignal.store(received, ordering: .relaxed) })
        }
    }

    static func uninstall(_ previous: [(Int32, sighandler_t?)]) {
        for (sig, handler) in previous {
            signal(sig, handler)
        }
    }

    /// The signal that asked us to stop, if one did.
    static var pending: Int32? {
        let s = pendingSignal.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
