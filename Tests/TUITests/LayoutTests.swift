import Foundation
import Testing
import Trainer
import TUI

/// The whole frame at every size that matters, and many that should merely not crash.
@Suite struct LayoutTests {
    static var snapshots: [TrainingSnapshot] {
        var diverged = Fake.snapshot()
        diverged.losses.append(.infinity)
        diverged.diverged = true
        diverged.isRunning = false
        diverged.message = "loss is inf at step 1201 (in NllLossBackward0): training paused"
        var accumulating = Fake.stepping(run: 12)
        accumulating.zeroGradEnabled = false
        accumulating.accumulated = 37
        var extreme = Fake.snapshot(steps: 3)
        extreme.parameters[0].gradNorm = .infinity
        extreme.parameters[1].gradNorm = 0
        extreme.parameters[2].gradNorm = 1e-30
        extreme.learningRate = 1e-9
        extreme.stepsPerSecond = .nan
        extreme.model = String(repeating: "very-long-model-name-", count: 10)
        return [TrainingSnapshot(), Fake.snapshot(steps: 0), Fake.snapshot(), Fake.stepping(run: 1), Fake.stepping(run: 27),
                diverged, accumulating, extreme]
    }

    @Test(arguments: [(120, 40, false), (100, 30, false), (80, 24, true), (99, 40, true), (140, 29, true)])
    func panelsFitWithoutOverlapping(width: Int, height: Int, compact: Bool) {
        let layout = Layout(width: width, height: height)
        #expect(!layout.isTooSmall)
        #expect(layout.isCompact == compact)
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let rects = [layout.status, layout.caption, layout.loss, layout.gradients, layout.graph, layout.backward, layout.footer]
        for (i, a) in rects.enumerated() {
            #expect(a.intersection(screen) == a)
            #expect(!a.isEmpty)
            for b in rects[(i + 1)...] {
                #expect(a.intersection(b).isEmpty)
            }
        }
        // Every cell belongs to a panel.
        #expect(rects.reduce(0) { $0 + $1.width * $1.height } == width * height)
        #expect(layout.status.y == 0 && layout.caption.y == 1 && layout.footer.y == height - 1)
        // The other pages get everything between the caption and the footer.
        #expect(layout.page == Rect(x: 0, y: 2, width: width, height: height - 3))
    }

    @Test(arguments: [(79, 23), (79, 40), (120, 23), (1, 1), (0, 0), (0, 40), (200, 0)])
    func belowTheMinimumSaysTooSmall(width: Int, height: Int) {
        #expect(Layout(width: width, height: height).isTooSmall)
        let lines = TUIApp.renderFrame(snapshot: Fake.snapshot(), state: AppState(), width: width, height: height)
        #expect(lines.count == height)
        if width >= 40 && height >= 3 {
            #expect(lines.joined().contains("terminal too small: \(width)×\(height)"))
        }
    }

    /// At every size: the frame has exactly the terminal's rows, none wider than the terminal, no
    /// control character anywhere; below the minimum it says so (where the words fit), above it
    /// the status bar's contract words are on the first row and the footer on the last.
    @Test func everySizeRendersWithinBounds() {
        let sizes = (0...130).flatMap { w in [0, 1, 2, 5, 23, 24, 25, 30, 41].map { (w, $0) } }
            + (0...45).flatMap { h in [0, 1, 3, 79, 80, 81, 100, 121].map { ($0, h) } }
        let snapshots = LayoutTests.snapshots
        var state = AppState()
        for (i, (w, h)) in sizes.enumerated() {
            let s = snapshots[i % snapshots.count]
            state.showHelp = i % 3 == 0
            let lines = TUIApp.renderFrame(snapshot: s, state: state, width: w, height: h)
            #expect(lines.count == h)
            #expect(lines.allSatisfy { $0.count <= w }, "\(w)×\(h)")
            #expect(!lines.joined().unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(w)×\(h)")
            if Layout(width: w, height: h).isTooSmall {
                if w >= 40 && h >= 3 {
                    #expect(lines.joined().contains("terminal too small"), "\(w)×\(h)")
                }
            } else {
                let status = lines[0]
                #expect(status.contains("step \(s.step)"), "\(w)×\(h): \(status)")
                #expect(status.contains(s.isRunning ? "running" : "paused"), "\(w)×\(h): \(status)")
                #expect(!lines[h - 1].trimmingCharacters(in: .whitespaces).isEmpty, "\(w)×\(h): no footer")
            }
        }
    }

    @Test(arguments: [(120, 40), (100, 30), (80, 24)])
    func theScreenContractIsOnScreen(width: Int, height: Int) {
        var s = Fake.stepping(run: 7)
        var text = TUIApp.renderFrame(snapshot: s, state: AppState(), width: width, height: height).joined(separator: "\n")
        for words in ["paused", "step 1200", "zero_grad: on", "ran: ReluBackward0", "next: AddmmBackward0 (fc2)", "Loss",
                      "Gradient norms", "conv1.weight", "fc2.weight", "Graph", "ReluBackward0", "AccumulateGrad", "Backward step"] {
            #expect(text.contains(words), "\(words) at \(width)×\(height)")
        }
        s.isRunning = true
        s.zeroGradEnabled = false
        s.accumulated = 4
        text = TUIApp.renderFrame(snapshot: s, state: AppState(), width: width, height: height).joined(separator: "\n")
        #expect(text.contains("running"))
        #expect(text.contains("zero_grad: off  accumulated: 4"))
        #expect(!text.contains("paused"))
    }

    /// The pace, the accuracy's label and the gradient scale at the smallest and a roomy size.
    @Test(arguments: [(80, 24), (120, 40)])
    func speedAccuracyAndScaleAreLabelled(width: Int, height: Int) {
        var s = Fake.snapshot()
        s.isRunning = true
        let lines = TUIApp.renderFrame(snapshot: s, state: AppState(), width: width, height: height)
        let text = lines.joined(separator: "\n")
        #expect(lines[0].contains("speed 20/s"))
        #expect(lines[0].contains("running"))
        #expect(text.contains("100%") && (text.contains("test acc") || text.contains(" acc ")))
        #expect(lines[height - 1].contains("< > speed"))
        if width >= 120 {
            #expect(lines[0].contains("19.9 steps/s"))
            #expect(lines[height - 1].contains("r reset"))
            // A row under the bars for the scale's ends.
            #expect(text.contains("1e-2") && text.contains("1e1"))
        } else {
            #expect(lines.first { $0.contains("Gradient norms") }?.contains("log scale 1e-2…1e1") == true)
        }
        // Before any backward pass there is no scale to tell, only that .grad is None everywhere.
        let fresh = TUIApp.renderFrame(snapshot: Fake.snapshot(steps: 0), state: AppState(), width: width, height: height)
        #expect(fresh.first { $0.contains("Gradient norms") }?.contains("0/10 with .grad") == true)
        s.isRunning = false
        let paused = TUIApp.renderFrame(snapshot: s, state: AppState(), width: width, height: height)
        #expect(!paused[0].contains("steps/s"))
        #expect(paused[0].contains("speed 20/s"))
    }

    @Test func everyParameterIsListedFrom100x30() {
        let text = TUIApp.renderFrame(snapshot: Fake.snapshot(), state: AppState(), width: 100, height: 30).joined(separator: "\n")
        for (name, _) in Fake.parameterShapes {
            #expect(text.contains(name + " "), "\(name)")
        }
    }

    @Test func asciiFramesAreASCII() {
        for s in LayoutTests.snapshots {
            for (w, h) in [(120, 40), (100, 30), (80, 24), (79, 23), (30, 10)] {
                var state = AppState()
                state.showHelp = w == 100
                state.lossScale = h == 24 ? .log : .linear
                let lines = TUIApp.renderFrame(snapshot: s, state: state, width: w, height: h, ascii: true)
                let offending = lines.joined().filter { !$0.isASCII }
                #expect(offending.isEmpty, "\(w)×\(h): \(offending)")
            }
        }
    }

    @Test func compactFrameAt80x24() {
        let lines = TUIApp.renderFrame(snapshot: Fake.stepping(run: 7), state: AppState(), width: 80, height: 24)
        expectLines(lines, [
            " step 1200 │ speed 20/s │ lr 0.001 sgd │ paused │ zero_grad: on",
            " 1 Train  loss.backward() fills every .grad, then optimizer.step() uses it",
            "╭ Loss ──────────────────────── linear ╮╭ Gradient norms ── log scale 1e-2…1e1 ╮",
            "│loss 0.847  mean(60) 0.794  acc 63.5% ││conv1.weight ████████▋           0.412│",
            "│ 2.44│⡆                           100%││conv1.bias   ███▉               0.0521│",
            "│     │⢿⡄                              ││conv2.weight ██████████▍         0.903│",
            "│     │⠘⢿⣄           ⢀⣀⣀⣀⠤⠤            ││conv2.bias   ████▋              0.0733│",
            "│ 1.51│ ⠈⢿⣷⣄⡀   ⠐⠒⠊⠉⠉⠁                 ││fc1.weight   ███████████▎         1.27│",
            "│     │   ⠙⠻⣿⣷⣶⣤⣀⣀⡀                    ││fc1.bias     █▌                 0.0191│",
            "│     │      ⠉⠙⠛⠿⢿⣿⣿⣿⣷⣷⣶⣶⣶⣴⣤⣤⣤⣤⣤⣤⣄     ││fc2.weight   █████████▌          0.611│",
            "│0.585│             ⠈⠉⠉⠉⠋⠋⠛⠛⠛⠛⠛⠟⠿⠻   0%││fc2.bias     ██▉                0.0348│",
            "│     └1 ─────────────── step 1200     ││fc3.weight   ██████████▎         0.845│",
            "╰──────────────────────────────────────╯╰──────────────────────────────────────╯",
            "╭ Graph (last iteration) ──── 27 nodes ╮╭ Backward step ────────── b: one node ╮",
            "│✓   ├─AccumulateGrad     fc3.bias     ││ran: ReluBackward0   node 7/27        │",
            "│✓   └─TBackward0         fc3          ││next: AddmmBackward0 (fc2)            │",
            "│✓     └─AccumulateGrad   fc3.weight   ││computes  grad_input = grad where the │",
            "│●   ReluBackward0                     ││          input was > 0, and 0 where  │",
            "│▶ ▾ AddmmBackward0       fc2          ││          ReLU clipped it             │",
            "│    ├─AccumulateGrad     fc2.bias     ││received  [4, 84]  norm 0.412         │",
            "│    └─TBackward0         fc2          ││          min -0.231  max 0.193       │",
            "│      └─AccumulateGrad   fc2.weight   ││          [-0.0213, 0.0344, -0.110,  ↓│",
            "╰──────────────────────────────────────╯╰──────────────────────────────────────╯",
            " space resume  n step  b backward node  z zero_grad  < > speed  ? help  q quit",
        ])
    }

    @Test(arguments: Page.allCases)
    func theHelpFitsAt80x24(page: Page) {
        var state = AppState()
        state.viewport = TerminalSize(width: 80, height: 24)
        state.page = page
        let s = Fake.snapshot()
        _ = state.apply(.toggleHelp, snapshot: s)
        // First the page's own symbols, each with its meaning...
        var text = TUIApp.renderFrame(snapshot: s, state: state, width: 80, height: 24).joined(separator: "\n")
        #expect(text.contains("Help: \(page.title)"))
        for entry in page.explanations {
            #expect(text.contains(entry.symbol), "\(entry.symbol)")
            #expect(text.contains(String(entry.meaning.prefix(20))), "\(entry.meaning)")
        }
        // ...then, on a second ?, every key; a third closes.
        _ = state.apply(.toggleHelp, snapshot: s)
        text = TUIApp.renderFrame(snapshot: s, state: state, width: 80, height: 24).joined(separator: "\n")
        for entry in KeyMap.help {
            #expect(text.contains(String(entry.action.prefix(30))), "\(entry.action)")
        }
        _ = state.apply(.toggleHelp, snapshot: s)
        #expect(!state.showHelp)
    }

    @Test func theHelpShowsPageAndKeysAtOnceWhenTheyFit() {
        var state = AppState()
        state.viewport = TerminalSize(width: 120, height: 40)
        state.page = .optimizer
        let s = Fake.snapshot()
        _ = state.apply(.toggleHelp, snapshot: s)
        let text = TUIApp.renderFrame(snapshot: s, state: state, width: 120, height: 40).joined(separator: "\n")
        #expect(text.contains("momentum_buffer") && text.contains("learning rate ×2"))
        _ = state.apply(.toggleHelp, snapshot: s)
        #expect(!state.showHelp)
    }
}
