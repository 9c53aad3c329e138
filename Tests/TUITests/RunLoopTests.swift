#if canImport(Glibc)
import Glibc
#endif
import Testing
import Trainer
import TUI

/// The UI loop on an in-memory terminal: scripted keys go in, trainer commands and drawn cells
/// come out. Serialized: the loop installs process-wide signal handlers.
@Suite(.serialized) struct RunLoopTests {
    @Test func keysBecomeTrainerCommands() {
        let control = RecordingControl(snapshot: Fake.snapshot(running: true))
        let terminal = MemoryTerminal(width: 100, height: 30, events: [
            .key(.character("b")), .key(.character("z")), .key(.character("+")), .key(.character("-")),
            .key(.character("n")), .key(.character(" ")), .key(.tab), .key(.character("?")), .key(.character(">")),
            .key(.character("<")), .key(.character("r")), .key(.character("q")),
        ])
        let status = TUIApp.run(control: control, terminal: terminal, theme: mono)
        #expect(status == 0)
        #expect(control.commands == [.backwardNode, .toggleZeroGrad, .scaleLearningRate(2), .scaleLearningRate(0.5), .step, .pause,
                                     .changeSpeed(faster: true), .changeSpeed(faster: false), .reset, .quit])
        #expect(terminal.restored)
    }

    @Test func quitIsSentOnceAndTheTerminalRestored() {
        let control = RecordingControl(snapshot: Fake.snapshot())
        let terminal = MemoryTerminal(width: 80, height: 24, events: [.idle(1)])
        #expect(TUIApp.run(control: control, terminal: terminal, theme: mono) == 0)
        #expect(control.commands == [.quit])
        #expect(terminal.restored)
        #expect(terminal.lines[0].contains("step 1200"))
    }

    @Test func drawsOnlyWhenSomethingChangedAndOnlyTheChangedCells() {
        // The trainer answers n with a new snapshot in which only the step counter moved.
        let control = RecordingControl(snapshot: Fake.snapshot(steps: 1200)) { command, snapshot in
            if command == .step {
                snapshot.step += 1
                snapshot.version += 1
            }
        }
        let terminal = MemoryTerminal(width: 120, height: 40, events: [.idle(3), .key(.character("n")), .idle(3)])
        _ = TUIApp.run(control: control, terminal: terminal, theme: mono)
        // The first frame writes every cell; idle frames nothing; the step's frame one digit.
        #expect(terminal.writes == [120 * 40, 1])
        #expect(terminal.lines[0].contains("step 1201"))
    }

    @Test func aBurstOfKeysIsOneFrame() {
        let control = RecordingControl(snapshot: Fake.snapshot())
        let tabs = Array(repeating: MemoryTerminal.Event.key(.tab), count: 41)
        let terminal = MemoryTerminal(width: 100, height: 30, events: tabs + [.idle(3)])
        _ = TUIApp.run(control: control, terminal: terminal, theme: mono)
        #expect(terminal.writes.count == 2)
    }

    @Test func resizesRepaintEverythingAtTheNewSize() {
        let control = RecordingControl(snapshot: Fake.stepping(run: 5))
        let terminal = MemoryTerminal(width: 120, height: 40, events: [
            .idle(1), .resize(TerminalSize(width: 79, height: 23)), .idle(2),
        ])
        _ = TUIApp.run(control: control, terminal: terminal, theme: mono)
        #expect(terminal.invalidations == 1)
        #expect(terminal.writes == [120 * 40, 79 * 23])
        #expect(terminal.lines.joined().contains("terminal too small: 79×23"))
    }

    @Test func aResizeStormNeverCrashes() {
        var events: [MemoryTerminal.Event] = []
        for i in 0..<300 {
            events.append(.resize(TerminalSize(width: (i * 37) % 170, height: (i * 23) % 61)))
            if i % 25 == 0 {
                events.append(.idle(1))
            }
        }
        events += [.resize(TerminalSize(width: 100, height: 30)), .idle(2)]
        let control = RecordingControl(snapshot: Fake.stepping(run: 9))
        let terminal = MemoryTerminal(width: 120, height: 40, events: events)
        #expect(TUIApp.run(control: control, terminal: terminal, theme: mono) == 0)
        // The last frame is whole and at the last size.
        #expect(terminal.lines.count == 30)
        #expect(terminal.lines[0].contains("step 1200"))
        #expect(terminal.lines[29].contains("q quit"))
    }

    @Test(arguments: [SIGTERM, SIGINT, SIGHUP])
    func aSignalRestoresTheTerminalAndStopsTheTrainer(signal: Int32) {
        let control = RecordingControl(snapshot: Fake.snapshot()) { command, _ in
            // To the process, as a terminal's ctrl-C or a kill would (test threads block signals).
            if command == .step {
                kill(getpid(), signal)
            }
        }
        let terminal = MemoryTerminal(width: 100, height: 30, events: [.key(.character("n"))], afterScript: nil)
        let status = TUIApp.run(control: control, terminal: terminal, theme: mono)
        #expect(status == 128 + signal)
        #expect(control.commands == [.step, .quit])
        #expect(terminal.restored)
    }
}
