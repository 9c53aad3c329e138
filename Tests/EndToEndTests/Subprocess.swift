import Foundation

/// Runs a program and waits for it with posix_spawn and waitpid. (Foundation's Process relies on
/// a run loop to notice the child's exit, which the test runner's threads do not spin.) Output
/// goes to temporary files, so no pipe can fill up or be held open by a daemon the child starts.
enum Subprocess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `arguments[0]` (searched in PATH) and returns its exit status (128+signal if killed)
    /// and output; `interruptAfter` sends SIGINT after that many seconds.
    static func run(_ arguments: [String], captureOutput: Bool = true, interruptAfter seconds: Double? = nil,
                    signal signalNumber: Int32 = SIGINT, environment: [String: String] = [:]) throws -> Result {
        let folder = FileManager.default.temporaryDirectory
        let outPath = captureOutput ? folder.appendingPathComponent("blitz-out-\(UUID().uuidString)").path : "/dev/null"
        let errPath = captureOutput ? folder.appendingPathComponent("blitz-err-\(UUID().uuidString)").path : "/dev/null"
        defer {
            if captureOutput {
                try? FileManager.default.removeItem(atPath: outPath)
                try? FileManager.default.removeItem(atPath: errPath)
            }
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // The test runner's worker threads block signals, and a spawned child inherits that mask
        // (tmux would pass it on, and the UI would never hear SIGWINCH): start with a clean one.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGWINCH, SIGPIPE, SIGCHLD, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in environment { variables[key] = value }
        var envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, &argv, &envp)
        guard spawned == 0 else {
            throw NSError(domain: "Subprocess", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(arguments[0])"])
        }
        if let seconds {
            usleep(UInt32(seconds * 1_000_000))
            kill(pid, signalNumber)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus: Int32
        if status & 0x7f == 0 {
            exitStatus = (status >> 8) & 0xff
        } else {
            exitStatus = 128 + (status & 0x7f)
        }
        let out = captureOutput ? (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" : ""
        let err = captureOutput ? (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" : ""
        return Result(status: exitStatus, stdout: out, stderr: err)
    }
}
