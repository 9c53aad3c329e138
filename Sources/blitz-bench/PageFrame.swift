import Trainer
import TUI

/// What one frame of the Data page costs the UI thread: the page at 120×40 (four 32×32 digit
/// images in grey levels, the loader's order, the confusion matrix) rendered into a
/// ScreenBuffer from a real snapshot. The UI's budget for a frame is 2 ms.
enum PageFrame {
    static func dataPage() -> Row {
        var configuration = TrainingConfiguration()
        configuration.steps = 1_000_000
        configuration.evaluateEvery = 5
        let session = try! TrainingSession(configuration: configuration, startRunning: false, endWhenFinished: false)
        session.start()
        session.send(.showPage(.data))
        for _ in 0..<5 { session.send(.step) }
        var snapshot = session.latestSnapshot
        while snapshot.pages.data == nil || snapshot.pages.confusion == nil || snapshot.step < 5 {
            snapshot = session.latestSnapshot
        }
        session.send(.quit)
        session.waitUntilDone()
        var state = AppState()
        state.page = .data
        let theme = Theme(colors: true, ascii: false)
        let us = medianMicroseconds(Budget(warmup: 20, minReps: 200, maxReps: 5000, seconds: 1)) {
            let buffer = TUIApp.render(snapshot: snapshot, state: state, width: 120, height: 40, theme: theme)
            precondition(buffer.width == 120)
        }
        return Row(name: "tui_frame_data_page_120x40", value: us, unit: .microseconds)
    }
}
