import Autograd
import Glibc
import Trainer
import TUI

/// How much the TUI costs training: steps per second of a real TrainingSession (blitz-net on the
/// digits, the blitz's recipe) while this thread runs the UI's frame loop — poll the snapshot,
/// render a 120×40 frame into a ScreenBuffer when it changed, at most 30 times a second — over
/// the same session with no UI. Headless and UI runs alternate in pairs, so a drift in the
/// machine's speed hits both sides of a pair; the median of the pairs' ratios is reported.
enum TUIOverhead {
    static let steps = 2000

    static func stepsPerSecond(withUI: Bool) -> Double {
        var configuration = TrainingConfiguration()
        configuration.steps = steps
        configuration.evaluateEvery = steps + 1
        let session = try! TrainingSession(configuration: configuration, startRunning: true, endWhenFinished: true)
        let start = nanoseconds()
        session.start()
        if withUI {
            let state = AppState()
            let theme = Theme(colors: true, ascii: false)
            var shown = -1
            var frames = 0
            while true {
                let snapshot = session.latestSnapshot
                if snapshot.isFinished { break }
                if snapshot.version != shown {
                    let buffer = TUIApp.render(snapshot: snapshot, state: state, width: 120, height: 40, theme: theme)
                    frames += buffer.width > 0 ? 1 : 0
                    shown = snapshot.version
                }
                usleep(33_000)
            }
        }
        session.waitUntilDone()
        let seconds = Double(nanoseconds() - start) / 1e9
        return Double(steps) / seconds
    }

    static func row() -> Row {
        var ratios: [Double] = []
        for pair in 0..<6 {
            // Alternate which side goes first, so neither always runs on a warmer machine.
            if pair % 2 == 0 {
                let headless = stepsPerSecond(withUI: false)
                ratios.append(stepsPerSecond(withUI: true) / headless)
            } else {
                let ui = stepsPerSecond(withUI: true)
                ratios.append(ui / stepsPerSecond(withUI: false))
            }
        }
        return Row(name: "tui_overhead", value: median(ratios), unit: .ratio)
    }
}
