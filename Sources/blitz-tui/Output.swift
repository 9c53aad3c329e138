import Autograd
import Glibc
import Synchronization

/// Writes straight to file descriptors 1 and 2. (C's `stdout`/`stderr` are global mutable
/// variables that Swift 6 will not touch from concurrent code; the trainer's observer prints
/// from its own queue.)
///
/// A reader that goes away (`blitz-tui train --json | head`) closes the pipe: with SIGPIPE
/// ignored, the write fails with EPIPE instead of killing the process mid-save, and the
/// `onBrokenPipe` handler is called once, so the run can stop as if interrupted.
enum Output {
    private static let brokenPipeHandler = Mutex<(@Sendable () -> Void)?>(nil)
    private static let pipeBroken = Atomic<Bool>(false)

    /// Called once, from whichever thread was writing, when standard output's reader has gone.
    static func onBrokenPipe(_ handler: (@Sendable () -> Void)?) {
        brokenPipeHandler.withLock { $0 = handler }
    }

    static func write(_ text: String, to fd: Int32) {
        var text = text
        var failed: Int32 = 0
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    failed = n < 0 ? errno : EIO
                    return
                }
                offset += n
            }
        }
        if failed == EPIPE && fd == STDOUT_FILENO && !pipeBroken.exchange(true, ordering: .relaxed) {
            brokenPipeHandler.withLock { $0 }?()
        }
    }

    static func out(_ text: String) { write(text, to: STDOUT_FILENO) }
    static func err(_ text: String) { write(text, to: STDERR_FILENO) }
}

/// Prints a message on stderr; control characters that came from files or flags are escaped
/// here too, as the last line of defence for the terminal.
func printError(_ text: String) {
    let safe = PrintableText.safeMessage(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    Output.err(safe + "\n")
}
