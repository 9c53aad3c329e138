import Testing
import Trainer
@testable import TUI

@Test func preview() {
    for (w, h) in [(120, 40), (100, 30), (80, 24)] {
        let lines = TUIApp.renderFrame(snapshot: Fake.stepping(run: 7), state: AppState(), width: w, height: h)
        print(lines.joined(separator: "\n"))
        print(String(repeating: "=", count: w))
    }
}
