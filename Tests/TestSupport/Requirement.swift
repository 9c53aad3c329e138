import Foundation

/// What a conditional test needs, and what happens when it is missing.
///
/// On a developer's machine a test whose need is missing (NVRTC, the CUDA emulator's compiler,
/// tmux, gzip...) is skipped, and the reason is printed. Under CI, `.ci/run` sets
/// `BLITZ_REQUIRE_ALL_TESTS=1`: then the test runs anyway and fails with its real error, so CI runs
/// every test or says why it cannot; a skip can never hide there.
public enum Requirement {
    public static let everyTestRequired = ProcessInfo.processInfo.environment["BLITZ_REQUIRE_ALL_TESTS"] == "1"

    /// Whether a test that needs `available` should run. Prints why when the need is missing.
    public static func met(_ available: Bool, _ why: @autoclosure () -> String) -> Bool {
        if !available {
            let verdict = everyTestRequired ? "required, so it runs and fails" : "skipped"
            FileHandle.standardError.write(Data("test requirement missing (\(verdict)): \(why())\n".utf8))
        }
        return available || everyTestRequired
    }

    /// The first executable named `tool` on PATH, as a shell would find it.
    public static func onPath(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}
