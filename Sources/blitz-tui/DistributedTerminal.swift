import Glibc

/// Rank 0's UI under mpirun. mpirun gives its ranks a pipe for stdin and a pseudo-terminal of
/// its own for stdout, which it copies to the real one: no keys, no size, no UI. The ranks are
/// still in the session of the terminal mpirun was started from, so rank 0 opens that terminal
/// (/dev/tty) as its stdin and stdout and makes its process group the terminal's foreground
/// (mpirun then stops reading keys: it forwards stdin only while it is in the foreground).
/// `restore()` hands the foreground back before the process exits.
enum DistributedTerminal {
    /// The foreground process group before attaching, and the terminal's descriptor.
    nonisolated(unsafe) private static var previous: (group: pid_t, fd: Int32)?

    /// True when stdin and stdout now are the terminal.
    static func attach() -> Bool {
        if isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 { return true }
        let fd = open("/dev/tty", O_RDWR)
        guard fd >= 0 else { return false }
        // A process outside the foreground that changes it gets SIGTTOU unless it ignores it.
        signal(SIGTTOU, SIG_IGN)
        let group = tcgetpgrp(fd)
        if group != getpgrp() {
            guard tcsetpgrp(fd, getpgrp()) == 0 else {
                close(fd)
                return false
            }
            previous = (group, fd)
        }
        dup2(fd, STDIN_FILENO)
        dup2(fd, STDOUT_FILENO)
        return true
    }

    static func restore() {
        guard let (group, fd) = previous else { return }
        tcsetpgrp(fd, group)
        previous = nil
    }
}
