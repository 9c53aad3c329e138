import Foundation
import Testing

/// How the real binary meets the terminal it is given: the locale, TERM, and ctrl-\.
@Suite(.serialized) struct TerminalStartTests {
    static func start(_ tmux: TerminalUITests.Tmux, _ command: String) throws {
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "40", command + "; echo EXIT=$?; sleep 60"])
    }

    @Test(.enabled(if: TerminalUITests.tmuxAvailable, "make test installs tmux"))
    func aLocaleThatIsNotUTF8DrawsInASCII() throws {
        let tmux = TerminalUITests.Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try Self.start(tmux, "LC_ALL=C LANG=C '\(Binary.path)' --threads 1")
        let screen = try tmux.waitFor("the screen") { $0.contains("step ") && $0.contains("Gradient norms") }
        // No box drawing or braille: each would show as garbage under a C locale.
        #expect(!screen.unicodeScalars.contains { $0.value > 0x7F }, "\(screen)")
        #expect(screen.contains("+-"), "\(screen)")
        try tmux.keys("q")
        #expect(try tmux.waitFor("EXIT=").contains("EXIT=0"))
    }

    @Test(.enabled(if: TerminalUITests.tmuxAvailable, "make test installs tmux"))
    func aTerminalWithoutCursorAddressingIsRefused() throws {
        for term in ["dumb", "no-such-terminal-type"] {
            let tmux = TerminalUITests.Tmux()
            defer { _ = try? tmux.run(["kill-server"]) }
            try Self.start(tmux, "TERM=\(term) '\(Binary.path)' --threads 1")
            let screen = try tmux.waitFor("EXIT=")
            #expect(screen.contains("EXIT=1"), "\(term): \(screen)")
            #expect(screen.contains("--headless"), "\(term): \(screen)")
            #expect(!screen.contains("BLAS"), "\(term): \(screen)")
        }
    }

    @Test(.enabled(if: TerminalUITests.tmuxAvailable, "make test installs tmux"))
    func ctrlBackslashRestoresTheTerminalAndExits131() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("net.safetensors").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let tmux = TerminalUITests.Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try Self.start(tmux, "'\(Binary.path)' --threads 1 --save '\(path)'")
        try tmux.waitFor("training") { $0.contains("running") && $0.contains("step ") }
        try tmux.keys("C-\\")
        let screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains("EXIT=131"), "\(screen)")
        #expect(!screen.contains("Crash") && !screen.contains("Backtrace"), "\(screen)")
        // The UI is gone: the shell's line is on a clean screen, not under the panels.
        #expect(!screen.contains("Gradient norms"), "\(screen)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("precious".utf8))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("net.interrupted.safetensors").path))
    }

    /// A shared library that loads but is not OpenBLAS (the C maths library under OpenBLAS's name,
    /// first on LD_LIBRARY_PATH): the run stops with one line naming what is missing, before the
    /// screen is taken, and the terminal is left as it was (canonical mode, echo on).
    @Test(.enabled(if: TerminalUITests.tmuxAvailable, "make test installs tmux"))
    func anOpenBLASThatCannotBeLoadedStopsTheRunBeforeTheScreen() throws {
        let folders = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                       "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64"]
        let libm = try #require(folders.map { $0 + "/libm.so.6" }.first { FileManager.default.fileExists(atPath: $0) })
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(atPath: libm, toPath: dir.appendingPathComponent("libopenblas.so.0").path)

        let headless = try Subprocess.run(["env", "LD_LIBRARY_PATH=\(dir.path)", Binary.path, "train", "--headless", "--steps", "1"])
        #expect(headless.status == 1)
        #expect(headless.stderr.contains("--device cpu: the OpenBLAS library found lacks cblas_sgemm"), "\(headless.stderr)")
        #expect(headless.stderr.contains("apt-get install libopenblas0"), "\(headless.stderr)")

        let tmux = TerminalUITests.Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "40",
                      "LD_LIBRARY_PATH='\(dir.path)' '\(Binary.path)' --threads 1; echo EXIT=$?; stty -a | tr ' ' '\\n' | "
                        + "grep -x -e '-*icanon' -e '-*echo' | tr '\\n' ' '; echo; sleep 60"])
        let screen = try tmux.waitFor("the exit and the terminal's modes") { $0.contains("EXIT=") && $0.contains("icanon") }
        #expect(screen.contains("EXIT=1"), "\(screen)")
        #expect(screen.contains("OpenBLAS"), "\(screen)")
        #expect(screen.contains("icanon echo") || screen.contains("echo icanon"), "the terminal was left raw: \(screen)")
        #expect(!screen.contains("Gradient norms"), "\(screen)")
    }
}
