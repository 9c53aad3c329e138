import Testing
import Trainer
import TUI

/// Keys as pure state transitions: key → action → (new state, commands for the trainer).
@Suite struct AppStateTests {
    func press(_ keys: [Key], _ state: inout AppState, _ snapshot: TrainingSnapshot) -> [TrainerCommand] {
        var commands: [TrainerCommand] = []
        for key in keys {
            if let action = KeyMap.action(for: key) {
                commands += state.apply(action, snapshot: snapshot)
            }
        }
        return commands
    }

    @Test func trainingKeysSendTheirCommands() {
        var state = AppState()
        let running = Fake.snapshot(running: true)
        #expect(press([.character(" ")], &state, running) == [.pause])
        #expect(press([.character(" ")], &state, Fake.snapshot(running: false)) == [.resume])
        #expect(press([.character("n")], &state, running) == [.step])
        #expect(press([.character("b")], &state, running) == [.backwardNode])
        #expect(press([.character("f")], &state, running) == [.finishBackward])
        #expect(press([.character("z")], &state, running) == [.toggleZeroGrad])
        #expect(press([.character("+"), .character("=")], &state, running) == [.scaleLearningRate(2), .scaleLearningRate(2)])
        #expect(press([.character("-")], &state, running) == [.scaleLearningRate(0.5)])
        #expect(!state.shouldQuit)
        #expect(press([.character("q")], &state, running) == [.quit])
        #expect(state.shouldQuit)
        var other = AppState()
        #expect(press([.interrupt], &other, running) == [.quit])
    }

    @Test func speedAndResetKeys() {
        var state = AppState()
        let s = Fake.snapshot(running: true)
        #expect(press([.character(">"), .character(".")], &state, s) == [.changeSpeed(faster: true), .changeSpeed(faster: true)])
        #expect(press([.character("<"), .character(",")], &state, s) == [.changeSpeed(faster: false), .changeSpeed(faster: false)])
        #expect(press([.character("r")], &state, s) == [.reset])
        #expect(press([.character("R")], &state, Fake.snapshot(running: false)) == [.reset])
        #expect(state == AppState())
    }

    @Test func aResetRunForgetsTheOldRunsSelections() {
        var state = AppState()
        state.focus = .graph
        let s = Fake.stepping(run: 7)
        state.observe(s)
        _ = press([.down], &state, s)
        #expect(state.graphSelection != nil)
        var reset = Fake.snapshot(steps: 0)
        reset.pacing.resets = 1
        state.observe(reset)
        #expect(state.graphSelection == nil)
        #expect(state.seenResets == 1)
        #expect(state.gradientBaseline.allSatisfy { $0 == nil })
        #expect(state.focus == .graph)
    }

    @Test func uiKeysChangeOnlyTheUI() {
        var state = AppState()
        let s = Fake.snapshot()
        #expect(press([.tab], &state, s).isEmpty)
        #expect(state.focus == .gradients)
        _ = press([.tab, .tab, .tab], &state, s)
        #expect(state.focus == .loss)
        _ = press([.backTab], &state, s)
        #expect(state.focus == .backward)
        // 1-4 no longer focus panels (they are left to the pages); tab does.
        #expect(press([.character("3")], &state, s).isEmpty)
        #expect(state.focus == .backward)
        _ = press([.character("l")], &state, s)
        #expect(state.lossScale == .log)
        _ = press([.character("l")], &state, s)
        #expect(state.lossScale == .linear)
        _ = press([.character("?")], &state, s)
        #expect(state.showHelp)
        _ = press([.escape], &state, s)
        #expect(!state.showHelp)
        // Unmapped keys do nothing.
        let before = state
        #expect(press([.character("%"), .other(999), .backspace], &state, s).isEmpty)
        #expect(state == before)
    }

    @Test func arrowsZoomTheLossChart() {
        var state = AppState()
        let s = Fake.snapshot()
        #expect(state.lossWindow == nil)
        _ = press([.up], &state, s)
        #expect(state.lossWindow == 2000)
        _ = press([.up, .up, .up, .up], &state, s)
        #expect(state.lossWindow == 100)
        _ = press([.down], &state, s)
        #expect(state.lossWindow == 500)
        _ = press([.home], &state, s)
        #expect(state.lossWindow == nil)
    }

    @Test func arrowsSelectParameters() {
        var state = AppState()
        state.focus = .gradients
        let s = Fake.snapshot()
        _ = press([.down, .down], &state, s)
        #expect(state.gradientSelection == 2)
        _ = press([.end], &state, s)
        #expect(state.gradientSelection == 9)
        _ = press([.down], &state, s)
        #expect(state.gradientSelection == 9)
        _ = press([.pageUp, .up, .up, .up, .up, .up, .up], &state, s)
        #expect(state.gradientSelection == 0)
    }

    @Test func graphSelectionFollowsTheStepperUntilMoved() {
        var state = AppState()
        state.focus = .graph
        let s = Fake.stepping(run: 7)   // next: AddmmBackward0 of fc2 (id 19)
        let rows = state.graphRows(s)
        #expect(state.selectedGraphRow(rows, s) == 7)
        _ = press([.down], &state, s)
        #expect(state.graphSelection == 16)   // AccumulateGrad(fc2.bias)
        #expect(state.selectedGraphRow(rows, s) == 8)
        _ = press([.escape], &state, s)
        #expect(state.graphSelection == nil)
        _ = press([.up, .up], &state, s)
        #expect(state.graphSelection == 22)   // AccumulateGrad(fc3.weight), two rows above
        // b follows the stepper again.
        #expect(press([.character("b")], &state, s) == [.backwardNode])
        #expect(state.graphSelection == nil)
    }

    @Test func enterFoldsTheSelectedModule() {
        var state = AppState()
        state.focus = .graph
        let s = Fake.stepping(run: 7)
        #expect(press([.enter], &state, s).isEmpty)
        #expect(state.collapsedModules == ["fc2"])
        let rows = state.graphRows(s)
        #expect(rows.count == 24)
        #expect(state.selectedGraphRow(rows, s) == 7)
        #expect(rows[7].kind == .group(module: "fc2", nodes: [19, 16, 18, 17]))
        _ = press([.character("c")], &state, s)
        #expect(state.collapsedModules.isEmpty)
        _ = press([.left], &state, s)
        _ = press([.left], &state, s)
        #expect(state.collapsedModules == ["fc2"])
        _ = press([.right], &state, s)
        #expect(state.collapsedModules.isEmpty)
        _ = press([.character("a")], &state, s)
        #expect(state.collapsedModules == ["conv1", "pool", "conv2", "fc1", "fc2", "fc3"])
        #expect(state.graphRows(s).count == 14)
        _ = press([.character("a")], &state, s)
        #expect(state.collapsedModules.isEmpty)
        // Outside the graph panel, enter folds nothing.
        state.focus = .loss
        _ = press([.enter], &state, s)
        #expect(state.collapsedModules.isEmpty)
    }

    @Test func nodesWithoutAModuleDoNotFold() {
        var state = AppState()
        state.focus = .graph
        let s = Fake.stepping(run: 1)   // next: LogSoftmaxBackward0, no module
        _ = press([.enter], &state, s)
        #expect(state.collapsedModules.isEmpty)
    }

    @Test func backwardPanelScrollsWithinItsText() {
        var state = AppState()
        state.focus = .backward
        state.viewport = TerminalSize(width: 80, height: 24)
        let s = Fake.stepping(run: 3)
        _ = press([.pageDown, .pageDown, .pageDown, .pageDown], &state, s)
        let limit = state.backwardScroll
        #expect(limit > 0)
        _ = press([.down], &state, s)
        #expect(state.backwardScroll == limit)
        _ = press([.up], &state, s)
        #expect(state.backwardScroll == limit - 1)
        // A new node scrolls back to the top.
        state.observe(Fake.stepping(run: 4))
        #expect(state.backwardScroll == 0)
    }

    @Test func observeRemembersSinglePassNorms() {
        var state = AppState()
        var s = Fake.snapshot()
        state.observe(s)
        #expect(state.gradientBaseline == Fake.norms.map { Optional($0) })
        s.zeroGradEnabled = false
        s.accumulated = 3
        s.parameters[0].gradNorm = 5
        state.observe(s)
        #expect(state.gradientBaseline[0] == Fake.norms[0])
        // A different model: the baseline starts over.
        s.parameters = [ParameterStats(name: "w", shape: [1], gradNorm: nil, norm: 1)]
        state.observe(s)
        #expect(state.gradientBaseline == [nil])
        #expect(state.gradientSelection == 0)
    }
}
