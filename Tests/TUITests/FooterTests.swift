import Testing
import Trainer
import TUI

/// The footer: the key table's hints that fit, and always how to get help and quit.
@Suite struct FooterTests {
    @Test func keysThatFitAndAlwaysHelpAndQuit() {
        let s = Fake.snapshot(running: true)
        let wide = rendered(width: 100, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        // Below room for the six page names, the pages' number range and the page's name.
        #expect(wide == [" 1-6 train  space pause  n step  b backward node  z zero_grad  +/- lr  < > speed  ? help  q quit"])
        let wider = rendered(width: 120, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wider == [" 1 Train 2 Model 3 Forward 4 Optimizer 5 Data 6 Distributions  space pause  n step  b backward node  ? help  q quit"])
        let medium = rendered(width: 80, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(medium == [" 1-6 train  space pause  n step  b backward node  z zero_grad  ? help  q quit"])
        let narrow = rendered(width: 40, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(narrow == [" 1-6 train  n step  ? help  q quit"])
        // The page being shown is highlighted among the pages; the Optimizer page adds its keys.
        var buffer = ScreenBuffer(width: 120, height: 1)
        Footer(snapshot: s, page: .optimizer).render(in: buffer.area, buffer: &buffer, theme: mono)
        #expect(buffer.line(0) == " 1 Train 2 Model 3 Forward 4 Optimizer 5 Data 6 Distributions  x in/out of optimizer  ↑↓ parameter  ? help  q quit")
        let optimizer = Array(buffer.line(0)).firstIndex(of: "O")!
        #expect(buffer[optimizer, 0].style.attributes.contains(.reverse))
        #expect(!buffer[optimizer - 2, 0].style.attributes.contains(.reverse))
        #expect(buffer[optimizer - 2, 0].style == mono.key)
    }

    @Test func aLongMessageLeavesRoomForHelpAndQuit() {
        var s = Fake.snapshot(running: false)
        s.diverged = true
        s.message = "loss became inf at step 1201 in NllLossBackward0: lower the learning rate with - and resume with space"
        let lines = rendered(width: 80, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(lines == [" loss became inf at step 1201 in NllLossBackward0:…  1-6 train  ? help  q quit"])
        #expect(lines[0].hasSuffix("? help  q quit"))
    }

    @Test func keysStandOutFromTheirWords() {
        var s = Fake.snapshot(running: true)
        s.message = "finished: 900 steps"
        let b = renderedBuffer(width: 100, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: colorTheme) }
        #expect(style(of: "space", in: b) == colorTheme.key)
        #expect(style(of: " pause", in: b) == colorTheme.dim)
        #expect(style(of: "finished", in: b) == colorTheme.warning)
    }
}
