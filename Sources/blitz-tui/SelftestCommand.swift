import Synchronization
import ArgumentParser
import Autograd
import Dispatch
import Synchronization
import Trainer
import TUI

/// `blitz-tui selftest --device cuda`: every kernel on the device against the CPU backend, then
/// blitz-net trained on both devices with the losses compared, and the GPU's training step timed.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Check a device's kernels and training against the CPU backend on fresh random inputs.",
        discussion: """
            Example:
              blitz-tui selftest --device cuda
            Exit status 0 when every check passes, 1 otherwise (or when the device cannot be used).
            """)

    @Option(help: "Device to check: cuda or cuda:N.")
    var device = "cuda"

    @Option(parsing: .unconditional, help: "Training steps of blitz-net on shapes to compare between the CPU and the device.")
    var steps = 200

    @Option(help: "Seed of the random inputs.")
    var seed: UInt64 = 0

    func run() throws {
        guard let parsed = Device(parsing: device), case .cuda(let index) = parsed else {
            throw TrainerError.invalidFlag(FlagError(flag: "--device", value: device, requirement: .oneOf(["cuda", "cuda:N"])))
        }
        guard steps >= 1 else {
            throw TrainerError.invalidFlag(FlagError(flag: "--steps", value: "\(steps)", requirement: .integer(atLeast: 1, atMost: nil)))
        }
        let checks = [TrainingComparison.check(steps: steps, seed: seed),
                      TrainingComparison.timing(batchSize: 256, seed: seed)]
        do {
            let report = try CUDASelfTest.run(device: index, seed: seed, extraChecks: checks)
            print(report.table, terminator: "")
            if !report.passed { throw ExitStatus(code: 1) }
        } catch let error as DeviceError {
            printError("blitz-tui: error: \(error)")
            throw ExitStatus(code: 1)
        }
    }
}

/// The self-test's training rows: the same run on the CPU and the device, step by step.
enum TrainingComparison {
    static func configuration(device: Device, steps: Int, batchSize: Int, seed: UInt64) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.model = "blitz-net"
        c.dataset = "shapes"
        c.device = device
        c.steps = steps
        c.batchSize = batchSize
        c.seed = seed
        c.evaluateEvery = steps + 1
        return c
    }

    static func losses(_ c: TrainingConfiguration) throws -> [Double] {
        let session = try TrainingSession(configuration: c, startRunning: true, endWhenFinished: true)
        session.start()
        session.waitUntilDone()
        return session.latestSnapshot.losses.recent
    }

    /// blitz-net on shapes for `steps` steps on both devices: each step's loss within 1e-3
    /// (relative) at first, and the last within 1e-2, since rounding differences compound.
    static func check(steps: Int, seed: UInt64) -> SelfTestCheck {
        SelfTestCheck(name: "train") { device in
            let cpu = try losses(configuration(device: .cpu, steps: steps, batchSize: 4, seed: seed))
            let gpu = try losses(configuration(device: device, steps: steps, batchSize: 4, seed: seed))
            guard cpu.count == steps, gpu.count == steps else {
                return [SelfTestRow(name: "train blitz-net/shapes", dtype: "float32", detail: "\(steps) steps",
                                    maxError: .infinity, passed: false, note: "ran \(cpu.count) and \(gpu.count) steps")]
            }
            var worstEarly = 0.0
            for i in 0..<min(10, steps) {
                worstEarly = max(worstEarly, abs(cpu[i] - gpu[i]) / max(abs(cpu[i]), 1e-12))
            }
            let last = abs(cpu[steps - 1] - gpu[steps - 1]) / max(abs(cpu[steps - 1]), 1e-12)
            let finite = gpu.allSatisfy(\.isFinite)
            return [
                SelfTestRow(name: "train blitz-net/shapes", dtype: "float32", detail: "first 10 losses", maxError: worstEarly,
                            passed: finite && worstEarly < 1e-3),
                SelfTestRow(name: "train blitz-net/shapes", dtype: "float32", detail: "loss at step \(steps)", maxError: last,
                            passed: finite && last < 1e-2,
                            note: "cpu \(cpu[steps - 1]) device \(gpu[steps - 1])"),
            ]
        }
    }

    /// The training step at a large batch on the device, in this one process: the median of the
    /// steps that stay inside an epoch (StepTimes), after ten of warm-up. Each step uploads its
    /// batch and reads its loss back, as training does.
    static func timing(batchSize: Int, seed: UInt64) -> SelfTestCheck {
        SelfTestCheck(name: "timing") { device in
            let times = StepTimesLog(StepTimes(warmUp: 10))
            let c = configuration(device: device, steps: 60, batchSize: batchSize, seed: seed)
            let session = try TrainingSession(configuration: c, startRunning: true, endWhenFinished: true) { event in
                if case .step(let step, let epoch, _) = event {
                    let now = DispatchTime.now().uptimeNanoseconds
                    times.value.withLock { $0.record(step: step, epoch: epoch, nanoseconds: now) }
                }
            }
            session.start()
            session.waitUntilDone()
            let kept = times.value.withLock { $0 }
            guard let median = kept.median, kept.milliseconds.count >= 10 else {
                return [SelfTestRow(name: "time blitz-net step", dtype: "float32", detail: "batch \(batchSize)", maxError: 0,
                                    passed: false, note: "only \(kept.milliseconds.count) steps inside an epoch ran")]
            }
            return [SelfTestRow(name: "time blitz-net step", dtype: "float32", detail: "batch \(batchSize)", maxError: 0,
                                passed: true,
                                note: "median \(Format.fixed(median, 3)) ms per step (\(kept.milliseconds.count) in-epoch steps)")]
        }
    }
}

/// The step times, shared with the session's event handler (a Mutex cannot be captured itself).
final class StepTimesLog: Sendable {
    let value: Mutex<StepTimes>

    init(_ times: StepTimes) {
        value = Mutex(times)
    }
}
