import Glibc
import ArgumentParser
import Autograd
import Glibc
import Trainer

/// `blitz-tui`: train the 60-minute blitz's Net and watch autograd work. The subcommands are the
/// contract in ARCHITECTURE.md.
@main
struct BlitzTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blitz-tui",
        abstract: "Train the 60-minute blitz's Net and watch PyTorch's ideas happen: the graph, backward, zero_grad.",
        discussion: """
            Without a subcommand, blitz-tui trains blitz-net on the embedded digits in the terminal UI.

            Examples:
              blitz-tui                                  the TUI on the defaults (blitz-net, digits, SGD)
              blitz-tui train --headless --epochs 1      plain progress, no UI
              blitz-tui train --json --steps 100         one JSON line per step
              blitz-tui graph --format dot | dot -Tpng > graph.png
              blitz-tui devices
            """,
        subcommands: [TrainCommand.self, GraphCommand.self, DevicesCommand.self, SelftestCommand.self],
        defaultSubcommand: TrainCommand.self)

    /// Parses and runs; every failure is one clear line on stderr and exit status 1
    /// (ArgumentParser would use 64 for usage errors; the contract says 1 or 2).
    static func main() {
        // A checkpoint being written when a signal ends the process is removed, not left half-made.
        TemporaryFiles.installSignalCleanup()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitStatus {
            Glibc.exit(exit.code)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                self.exit(withError: error)
            }
            if let trainerError = error as? TrainerError {
                printError("blitz-tui: error: \(trainerError)")
            } else {
                printError(fullMessage(for: error))
            }
            Glibc.exit(1)
        }
    }
}

/// A command's chosen exit status (3 for a diverging run, 130 after ctrl-C).
struct ExitStatus: Error {
    let code: Int32
}
