import Testing
import Trainer
import TUI

/// The status bar: the screen contract's words survive any width.
@Suite struct StatusBarTests {
    @Test func statusBarShowsTheContractWords() {
        var s = Fake.snapshot(steps: 1200)
        let wide = rendered(width: 100, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wide == [" blitz-net · digits · cpu │ step 1200 │ speed 20/s │ lr 0.001 sgd │ running │ zero_grad: on"])
        let runningFull = rendered(width: 140, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(runningFull == [" blitz-tui │ blitz-net · digits · cpu │ epoch 3 │ step 1200 │ speed 20/s │ 19.9 steps/s │ lr 0.001 sgd │ running │ zero_grad: on"])
        s.zeroGradEnabled = false
        s.accumulated = 3
        s.isRunning = false
        // Narrow: the descriptive parts go, the contract's words stay.
        let narrow = rendered(width: 60, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(narrow == [" step 1200 │ paused │ zero_grad: off  accumulated: 3"])
        let full = rendered(width: 140, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        // Paused: the speed it will run at, but no steps/s figure.
        #expect(full == [" blitz-tui │ blitz-net · digits · cpu │ epoch 3 │ step 1200 │ speed 20/s │ lr 0.001 sgd │ paused │ zero_grad: off  accumulated: 3"])
        s.pacing.speed = .max
        s.isRunning = true
        let fast = rendered(width: 140, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(fast[0].contains("│ speed max │ 19.9 steps/s │"))
    }

    @Test func stylesOfTheStateWords() {
        var s = Fake.snapshot(steps: 1200)
        let running = renderedBuffer(width: 120, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(style(of: "running", in: running) == colorTheme.running)
        #expect(style(of: "step 1200", in: running)?.attributes.contains(.bold) == true)
        #expect(style(of: "zero_grad: on", in: running) == colorTheme.statusBar)
        // The whole line is the bar, blanks included.
        #expect(running[119, 0].style.background == colorTheme.statusBar.background)
        s.isRunning = false
        s.zeroGradEnabled = false
        s.accumulated = 2
        let paused = renderedBuffer(width: 120, height: 1) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(style(of: "paused", in: paused) == colorTheme.paused)
        #expect(style(of: "zero_grad: off", in: paused) == colorTheme.zeroGradOff)
        // Monochrome: the states differ by attributes alone.
        let plain = renderedBuffer(width: 120, height: 1, theme: mono) { StatusBar(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(style(of: "paused", in: plain)?.attributes.contains(.bold) == true)
        #expect(style(of: "paused", in: plain)?.foreground == .default)
    }
}
