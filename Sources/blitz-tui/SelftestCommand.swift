import ArgumentParser
import Autograd

/// `blitz-tui selftest --device cuda`: every kernel on the device against the CPU backend.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Check a device's kernels against the CPU backend on fresh random inputs.",
        discussion: """
            Example:
              blitz-tui selftest --device cuda
            """)

    @Option(help: "Device to check: cuda or cuda:N.")
    var device = "cuda"

    func run() throws {
        guard let parsed = Device(parsing: device), case .cuda(let index) = parsed else {
            printError("blitz-tui: error: --device must be cuda or cuda:N (got \(device))")
            throw ExitStatus(code: 1)
        }
        do {
            _ = try CUDADevices.backend(index: index)
        } catch {
            printError("blitz-tui: error: \(error)")
            throw ExitStatus(code: 1)
        }
    }
}
