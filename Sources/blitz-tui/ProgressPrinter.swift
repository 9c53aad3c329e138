import Autograd
import Glibc
import Synchronization
import Trainer
import TUI

/// Prints a headless run's progress: JSON lines, a redrawn bar on a terminal, or plain lines.
/// Called on the trainer's queue; the lock keeps the bar's state consistent with `end()`.
final class ProgressPrinter: Sendable {
    private struct State {
        var total = 0
        var stepsPerEpoch = 1
        var lastAccuracy: Double?
        var barShown = false
    }
    private let json: Bool
    private let interactive: Bool
    private let state = Mutex(State())

    init(json: Bool, interactive: Bool) {
        self.json = json
        self.interactive = interactive
    }

    func begin(_ snapshot: TrainingSnapshot, configuration: TrainingConfiguration) {
        state.withLock {
            $0.stepsPerEpoch = max(1, snapshot.stepsPerEpoch)
            $0.total = configuration.steps ?? configuration.epochs * $0.stepsPerEpoch
        }
        if !json {
            // The thread count the CPU backend really runs on, so a person (and a test) sees --threads took.
            let threads = Backends.cpu.numThreads
            let total = state.withLock { $0.total }
            write("training \(configuration.model) on \(snapshot.dataset) (\(snapshot.device), \(snapshot.optimizer) "
                  + "lr \(configuration.learningRate), batch \(configuration.batchSize), "
                  + "\(threads) thread\(threads == 1 ? "" : "s")): \(total) steps\n")
        }
    }

    func handle(_ event: TrainingEvent) {
        state.withLock { s in
            switch event {
            case .step(let step, let epoch, let loss):
                if json {
                    write("{\"step\":\(step),\"epoch\":\(epoch),\"loss\":\(jsonNumber(loss))}\n")
                } else if interactive {
                    drawBar(&s, step: step, epoch: epoch, loss: loss)
                } else if step % 50 == 0 || step == s.total {
                    write("step \(step)/\(s.total)  epoch \(epoch)  loss \(Format.fixed(loss, 4))\n")
                }
            case .evaluation(let step, let epoch, let accuracy):
                s.lastAccuracy = accuracy
                if json {
                    write("{\"step\":\(step),\"epoch\":\(epoch),\"test_accuracy\":\(jsonNumber(accuracy))}\n")
                } else {
                    clearBar(&s)
                    write("epoch \(epoch)  step \(step)  test accuracy \(Format.fixed(accuracy * 100, 2))%\n")
                }
            case .diverged(let step, let message):
                clearBar(&s)
                if json { write("{\"step\":\(step),\"diverged\":true,\"message\":\(jsonString(message))}\n") }
            case .saved(let path):
                clearBar(&s)
                if !json { write("saved \(PrintableText.escaped(path))\n") }
            case .savedBeside, .saveFailed:
                // Said once, on stderr, by the command that asked for the save.
                clearBar(&s)
            case .finished:
                clearBar(&s)
            }
        }
    }

    func end() {
        state.withLock { clearBar(&$0) }
    }

    private func drawBar(_ s: inout State, step: Int, epoch: Int, loss: Double) {
        let width = 30
        let filled = s.total > 0 ? min(width, width * step / s.total) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let accuracy = s.lastAccuracy.map { "  acc \(Format.fixed($0 * 100, 1))%" } ?? ""
        write("\r\(bar) step \(step)/\(s.total)  epoch \(epoch)  loss \(Format.fixed(loss, 4))\(accuracy)\u{1B}[K")
        s.barShown = true
    }

    private func clearBar(_ s: inout State) {
        if s.barShown {
            write("\r\u{1B}[K")
            s.barShown = false
        }
    }

    private func write(_ text: String) {
        Output.out(text)
    }
}

/// A JSON number; NaN and infinities (which JSON lacks) become null.
func jsonNumber(_ v: Double) -> String {
    v.isFinite ? "\(v)" : "null"
}
