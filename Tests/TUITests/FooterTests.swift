import Testing
import Trainer
import TUI

/// The footer: the key table's hints that fit, and always how to get help and quit.
@Suite struct FooterTests {
    @Test func keysThatFitAndAlwaysHelpAndQuit() {
        let s = Fake.snapshot(running: true)
        let wide = rendered(width: 100, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wide == [" space pause  n step  b backward node  z zero_grad  +/- lr  < > speed  r reset  ? help  q quit"])
        let wider = rendered(width: 120, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wider == [" space pause  n step  b backward node  z zero_grad  +/- lr  < > speed  r reset  l log  tab panel  ? help  q quit"])
        let narrow = rendered(width: 40, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(narrow == [" space pause  n step  ? help  q quit"])
    }

    @Test func aLongMessageLeavesRoomForHelpAndQuit() {
        var s = Fake.snapshot(running: false)
        s.diverged = true
        s.message = "loss became inf at step 1201 in NllLossBackward0: lower the learning rate with - and resume with space"
        let lines = rendered(width: 80, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(lines == [" loss became inf at step 1201 in NllLossBackward0: lower the l…  ? help  q quit"])
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

    @Test func theOptimizerPagePutsItsKeysFirst() {
        let s = Fake.snapshot(running: true)
        let lines = rendered(width: 100, height: 1) { Footer(snapshot: s, page: .optimizer).render(in: $0, buffer: &$1, theme: mono) }
        #expect(lines == [" x in/out of optimizer  ↑↓ parameter  space pause  n step  b backward node  +/- lr  ? help  q quit"])
        let wide = rendered(width: 150, height: 1) { Footer(snapshot: s).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wide[0].contains("1-6 pages"))
    }
}

/// The caption: the page's number and name, what it shows, and the pages when they fit.
@Suite struct CaptionTests {
    @Test func namesThePageAndListsThePagesWhenThereIsRoom() {
        let wide = renderedBuffer(width: 160, height: 1) { Caption(page: .forward).render(in: $0, buffer: &$1, theme: mono) }
        #expect(wide.line(0).hasPrefix(" 3 Forward  output = net(x): each module's forward, hook and output shape   "))
        #expect(wide.line(0).hasSuffix(" 1 Train 2 Model 3 Forward 4 Optimizer 5 Data 6 Distributions"))
        let forward = Array(wide.line(0)).lastIndex(of: "F")!
        #expect(wide[forward, 0].style.attributes.contains(.reverse))
        #expect(wide[1, 0].style.attributes.contains(.reverse))
        let narrow = rendered(width: 80, height: 1) { Caption(page: .data).render(in: $0, buffer: &$1, theme: mono) }
        #expect(narrow == [" 5 Data  DataLoader(dataset, batch_size, shuffle): the batches a step sees"])
    }
}
