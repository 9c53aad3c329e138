import Glibc

/// When mpirun ends a job because a rank failed (or someone pressed ctrl-C), it sends SIGTERM
/// to every other rank, which may be waiting inside an MPI call that never returns. This
/// handler says so on stderr and exits at once: a clear line instead of a silent kill.
enum DistributedSignals {
    // Written once by `install`, before the handler that reads it is installed, and never again:
    // the handler only ever reads a finished buffer.
    nonisolated(unsafe) private static var message: [UInt8] = []

    static func install(rank: Int, worldSize: Int) {
        message = Array("blitz-tui (rank \(rank) of \(worldSize)): stopped by the MPI launcher (another rank failed, or the job was interrupted)\n".utf8)
        signal(SIGTERM) { _ in
            // Only async-signal-safe calls: write(2) of a prepared buffer, then _exit.
            DistributedSignals.message.withUnsafeBytes { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
            _exit(143)
        }
    }
}
