import Foundation
import Testing
import TestSupport

/// The real binary in a real terminal (tmux): what a person sees and does.
@Suite(.serialized) struct TerminalUITests {
    /// A private tmux server, so the test never touches a user's sessions.
    struct Tmux {
        let socket = "blitz-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let session = "ui"

        @discardableResult
        func run(_ arguments: [String]) throws -> String {
            // Only capture-pane's output is read: a command that starts the tmux server would
            // otherwise hand it our output files for the server's whole life.
            let wantsOutput = arguments.first == "capture-pane"
            return try Subprocess.run(["tmux", "-L", socket] + arguments, captureOutput: wantsOutput).stdout
        }

        func screen() throws -> String { try run(["capture-pane", "-p", "-t", session]) }

        func keys(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }

        /// Waits until the screen satisfies `condition` (or 30 s pass) and returns it.
        @discardableResult
        func waitFor(_ what: String, _ condition: (String) -> Bool) throws -> String {
            let deadline = Date().addingTimeInterval(30)
            var text = ""
            while Date() < deadline {
                text = try screen()
                if condition(text) { return text }
                Thread.sleep(forTimeInterval: 0.1)
            }
            Issue.record("timed out waiting for \(what); the screen was:\n\(text)")
            return text
        }

        func waitFor(_ needle: String) throws -> String {
            try waitFor(needle) { $0.contains(needle) }
        }
    }

    /// tmux as the shell finds it; `make test` installs it. Under CI a missing tmux fails the test.
    static var tmuxAvailable: Bool {
        Requirement.met(Requirement.onPath("tmux") != nil, "tmux is not on PATH (make test installs it)")
    }

    /// `accumulated: K` from the status bar.
    static func accumulated(_ screen: String) -> Int? {
        guard let range = screen.range(of: "accumulated: ") else { return nil }
        return Int(screen[range.upperBound...].prefix { $0.isNumber })
    }

    @Test(.enabled(if: tmuxAvailable, "make test installs tmux; without it this test cannot run"))
    func pauseStepBackwardToggleZeroGradResizeQuit() throws {
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        let command = "'\(Binary.path)' --threads 1 --seed 2; echo EXIT=$?; sleep 60"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "40", command])

        // The panels and the status bar.
        var screen = try tmux.waitFor("training running") { $0.contains("running") && $0.contains("step ") }
        for panel in ["Loss", "Gradient norms", "conv1.weight", "fc3.bias", "Graph", "Backward step", "zero_grad: on"] {
            #expect(screen.contains(panel), "missing \(panel)")
        }

        // Pause, then one backward node: PyTorch's first two.
        try tmux.keys("Space")
        try tmux.waitFor("paused")
        try tmux.keys("b")
        screen = try tmux.waitFor("ran: NllLossBackward0")
        #expect(screen.contains("next: LogSoftmaxBackward0"))
        try tmux.keys("b")
        screen = try tmux.waitFor("ran: LogSoftmaxBackward0")
        #expect(screen.contains("next: AddmmBackward0"))

        // zero_grad off: every step adds one more backward pass into .grad.
        try tmux.keys("z")
        screen = try tmux.waitFor("zero_grad: off")
        let before = Self.accumulated(screen) ?? 0
        try tmux.keys("n")
        try tmux.keys("n")
        try tmux.keys("n")
        screen = try tmux.waitFor("accumulated to rise") { (Self.accumulated($0) ?? 0) >= before + 2 }
        #expect((Self.accumulated(screen) ?? 0) > before)

        // Help, then a resize below the minimum and back.
        try tmux.keys("?")
        try tmux.waitFor("help") { $0.lowercased().contains("keys") }
        try tmux.keys("?")
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "60", "-y", "15"])
        try tmux.waitFor("too small") { $0.lowercased().contains("too small") }
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "80", "-y", "24"])
        try tmux.waitFor("compact layout") { $0.contains("zero_grad") && !$0.lowercased().contains("too small") }
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "120", "-y", "40"])
        try tmux.waitFor("Gradient norms")

        // q quits cleanly and restores the terminal.
        try tmux.keys("q")
        screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains("EXIT=0"))
    }

    /// Pages 1-5 and `x`: each page shows what the engine computed, and a parameter taken out of
    /// the optimizer keeps its .grad while its values stop changing.
    @Test(.enabled(if: tmuxAvailable, "make test installs tmux; without it this test cannot run"))
    func pagesAndTakingAParameterOutOfTheOptimizer() throws {
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        let command = "'\(Binary.path)' --threads 1 --seed 2; echo EXIT=$?; sleep 60"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "40", command])
        try tmux.waitFor("training running") { $0.contains("running") && $0.contains("step ") }

        try tmux.keys("2")
        var screen = try tmux.waitFor("61,706 parameters")
        for text in ["2 Model", "Net(", "(conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))", "fc1.weight",
                     "[120, 400]", "48,000", "torch.float32", "requires_grad=True"] {
            #expect(screen.contains(text), "Model page: missing \(text)")
        }

        try tmux.keys("3")
        screen = try tmux.waitFor("8 forward hooks fired")
        for text in ["3 Forward", "conv1 (Conv2d)", "F.relu", "torch.flatten", "[4, 16, 5, 5]", "[4, 400]",
                     "net.train(), grad enabled"] {
            #expect(screen.contains(text), "Forward page: missing \(text)")
        }

        try tmux.keys("4")
        screen = try tmux.waitFor("the optimizer's arithmetic") { $0.contains("buf = 0.9⋅") && $0.contains("holds 10 of 10") }
        #expect(screen.contains("SGD (lr=0.001, momentum=0.9"))
        // x on conv1.weight (selected first): out of the optimizer, and the page says both facts.
        try tmux.keys("x")
        screen = try tmux.waitFor("conv1.weight taken out") {
            $0.contains("holds 9 of 10") && $0.contains("× conv1.weight") && $0.contains("not in the optimizer")
        }
        #expect(screen.contains("backward still filled its .grad"))
        #expect(screen.contains("‖Δp‖ = 0 "))
        try tmux.keys("x")
        try tmux.waitFor("conv1.weight put back") { $0.contains("holds 10 of 10") && $0.contains("buf = 0.9⋅") }

        try tmux.keys("5")
        screen = try tmux.waitFor("DataLoader(batch_size=4, shuffle=True)")
        for text in ["5 Data", "digits:", "batches per epoch", "epoch 1 order", "torch.Size([4, 1, 32, 32])", "→"] {
            #expect(screen.contains(text), "Data page: missing \(text)")
        }

        try tmux.keys("1")
        screen = try tmux.waitFor("Gradient norms")
        #expect(screen.contains("1 Train"))
        try tmux.keys("q")
        screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains("EXIT=0"))
    }

    /// `speed 20/s` and the like from the status bar.
    static func speed(_ screen: String) -> String? {
        guard let range = screen.range(of: "speed ") else { return nil }
        return String(screen[range.upperBound...].prefix { !$0.isWhitespace })
    }

    /// `step N` from the status bar.
    static func step(_ screen: String) -> Int? {
        guard let range = screen.range(of: "step ") else { return nil }
        return Int(screen[range.upperBound...].prefix { $0.isNumber })
    }

    @Test(.enabled(if: tmuxAvailable, "make test installs tmux; without it this test cannot run"))
    func speedKeysResetAndSaveOnExit() throws {
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let save = dir.appendingPathComponent("net.safetensors").path
        let command = "'\(Binary.path)' --threads 1 --seed 2 --paused --speed 2 --save '\(save)'; echo EXIT=$?; sleep 60"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "40", command])

        // --paused: step 0, paused, at the speed asked for, and no steps/s figure.
        var screen = try tmux.waitFor("paused on step 0") { $0.contains("paused") && Self.step($0) == 0 }
        #expect(Self.speed(screen) == "2/s")
        #expect(!screen.contains("steps/s"))

        // > and < walk the ladder: 2 → 5 → 10, then back to 5.
        try tmux.keys(">")
        try tmux.keys(">")
        try tmux.waitFor("speed 10/s") { Self.speed($0) == "10/s" }
        try tmux.keys("<")
        try tmux.waitFor("speed 5/s") { Self.speed($0) == "5/s" }
        for _ in 0..<8 { try tmux.keys(">") }
        try tmux.waitFor("speed max") { Self.speed($0) == "max" }

        // Break the run: zero_grad off, a higher lr, some steps.
        try tmux.keys("z")
        try tmux.keys("+")
        try tmux.keys("Space")
        screen = try tmux.waitFor("steps to run") { (Self.step($0) ?? 0) >= 20 && $0.contains("running") }
        #expect(screen.contains("zero_grad: off"))
        #expect(screen.contains("lr 0.002"))
        try tmux.keys("Space")
        try tmux.waitFor("paused")
        // r: step 0, zero_grad on, the first lr, the loss history gone; still paused, same speed.
        try tmux.keys("r")
        screen = try tmux.waitFor("the run reset") { Self.step($0) == 0 && $0.contains("zero_grad: on") }
        #expect(screen.contains("lr 0.001"))
        #expect(screen.contains("paused"))
        #expect(Self.speed(screen) == "max")
        #expect(screen.contains("no loss yet"))
        // The reset run trains again.
        try tmux.keys("n")
        try tmux.waitFor("step 1") { Self.step($0) == 1 }

        // q: the TUI says where it saved.
        try tmux.keys("q")
        screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains("EXIT=0"))
        #expect(screen.contains("saved \(save)") || screen.replacingOccurrences(of: "\n", with: "").contains("saved \(save)"))
        #expect(FileManager.default.fileExists(atPath: save))
    }

    /// `--ascii` reaches the screen: the same frame drawn with ASCII only, where without it the
    /// panels have rounded corners and the loss is drawn in braille (both in a UTF-8 locale).
    @Test(.enabled(if: tmuxAvailable, "make test installs tmux; without it this test cannot run"))
    func asciiFlagDrawsWithASCIIOnly() throws {
        for ascii in [true, false] {
            let tmux = Tmux()
            defer { _ = try? tmux.run(["kill-server"]) }
            let flag = ascii ? " --ascii" : ""
            let command = "LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(Binary.path)'\(flag) --threads 1 --steps 30 --speed max; sleep 60"
            try tmux.run(["-u", "new-session", "-d", "-s", tmux.session, "-x", "100", "-y", "30", command])
            let screen = try tmux.waitFor("30 steps trained") { $0.contains("step 30") && $0.contains("Gradient norms") }
            let nonASCII = screen.unicodeScalars.filter { !$0.isASCII }
            if ascii {
                #expect(nonASCII.isEmpty, "--ascii drew \(String(String.UnicodeScalarView(nonASCII.prefix(20))))")
            } else {
                #expect(screen.contains("╭"), "without --ascii the panels have rounded corners")
            }
            try tmux.keys("q")
        }
    }

    /// `blitz-tui learn --chapter d` at 80×24: predict, two steps, the error at fc1, the answer, q.
    @Test(.enabled(if: tmuxAvailable, "make test installs tmux; without it this test cannot run"))
    func lessonsViewerStepsThroughFlatten() throws {
        let tmux = Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        let command = "LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(Binary.path)' learn --chapter d; echo EXIT=$?; sleep 60"
        try tmux.run(["-u", "new-session", "-d", "-s", tmux.session, "-x", "80", "-y", "24", command])
        var screen = try tmux.waitFor("space: run the next step (0 of 2 shown)")
        #expect(screen.contains("Lessons · (d) Flatten: from convolutions to fully connected layers"))
        try tmux.keys("Space")
        screen = try tmux.waitFor("1. Shapes, layer by layer")
        try tmux.keys("Space")
        screen = try tmux.waitFor("RuntimeError: addmm: mat1 and mat2 shapes cannot be multiplied (320x5 and")
        #expect(screen.contains("fc1    [4, 16, 5, 5]    error"))
        try tmux.keys("a")
        _ = try tmux.waitFor("── Answer")
        try tmux.keys("n")
        _ = try tmux.waitFor("(e) Backward and the dynamic graph")
        try tmux.keys("q")
        _ = try tmux.waitFor("EXIT=0")
    }
}
