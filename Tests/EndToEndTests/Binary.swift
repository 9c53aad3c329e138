import Foundation

/// Runs the built `blitz-tui` binary (from `swift build`, found next to the test bundle's
/// .build folder, or at $BLITZ_TUI_BINARY) and collects what it printed.
enum Binary {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["BLITZ_TUI_BINARY"] { return explicit }
        for configuration in ["debug", "release"] {
            let candidate = repositoryRoot.appendingPathComponent(".build/\(configuration)/blitz-tui").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/blitz-tui").path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// Runs blitz-tui with `arguments`; `interruptAfter` sends SIGINT after that many seconds.
    static func run(_ arguments: [String], interruptAfter seconds: Double? = nil, signal: Int32 = SIGINT,
                    environment: [String: String] = [:]) throws -> Result {
        let r = try Subprocess.run([path] + arguments, interruptAfter: seconds, signal: signal, environment: environment)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
