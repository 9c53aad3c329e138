import Foundation
import Testing
import TestSupport
import Trainer

/// Every training flag, end to end: the real binary's `--json` losses against the hand-written
/// loop (HandLoop) run with the configuration the flag should give. Each case also runs the loop
/// with the flag mis-wired (ignored, or taken for its neighbour) and checks that this would have
/// printed different numbers, so the comparison can fail for the bug it is there to catch.
@Suite struct FlagWiringTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let flags: [String]
        let apply: @Sendable (inout TrainingConfiguration) -> Void
        /// The same run with the flag mis-wired.
        let miswired: @Sendable (inout TrainingConfiguration) -> Void
        var testDescription: String { flags.joined(separator: " ") }
    }

    static let steps = 6

    static let cases: [Case] = [
        Case(flags: ["--optimizer", "adam", "--weight-decay", "0.5", "--lr", "0.01"],
             apply: { $0.optimizer = .adam; $0.weightDecay = 0.5; $0.learningRate = 0.01 },
             miswired: { $0.optimizer = .adamw; $0.weightDecay = 0.5; $0.learningRate = 0.01 }),
        Case(flags: ["--optimizer", "adamw", "--weight-decay", "0.5", "--lr", "0.01"],
             apply: { $0.optimizer = .adamw; $0.weightDecay = 0.5; $0.learningRate = 0.01 },
             miswired: { $0.optimizer = .adam; $0.weightDecay = 0.5; $0.learningRate = 0.01 }),
        Case(flags: ["--optimizer", "sgd", "--lr", "0.05"],
             apply: { $0.learningRate = 0.05 },
             miswired: { $0.learningRate = 0.001 }),
        Case(flags: ["--lr", "0.05", "--momentum", "0"],
             apply: { $0.learningRate = 0.05; $0.momentum = 0 },
             miswired: { $0.learningRate = 0.05; $0.momentum = 0.9 }),
        Case(flags: ["--lr", "0.1", "--weight-decay", "2"],
             apply: { $0.learningRate = 0.1; $0.weightDecay = 2 },
             miswired: { $0.learningRate = 0.1; $0.weightDecay = 0 }),
        Case(flags: ["--batch-size", "16"],
             apply: { $0.batchSize = 16 },
             miswired: { $0.batchSize = 4 }),
        Case(flags: ["--no-shuffle"],
             apply: { $0.shuffle = false },
             miswired: { $0.shuffle = true }),
        Case(flags: ["--seed", "7"],
             apply: { $0.seed = 7 },
             miswired: { $0.seed = 0 }),
        Case(flags: ["--model", "mlp:32", "--lr", "0.05"],
             apply: { $0.model = "mlp:32"; $0.learningRate = 0.05 },
             miswired: { $0.model = "mlp"; $0.learningRate = 0.05 }),
        Case(flags: ["--dataset", "spirals", "--model", "mlp", "--lr", "0.05"],
             apply: { $0.dataset = "spirals"; $0.model = "mlp"; $0.learningRate = 0.05 },
             miswired: { $0.dataset = "shapes"; $0.model = "mlp"; $0.learningRate = 0.05 }),
    ]

    /// Relative agreement that separates "the same computation on other threads" from "another
    /// computation": float32 sums in another order differ in the 6th digit at most over a few steps.
    static let tolerance = 1e-4

    static func differ(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-12) }.max() ?? .infinity
    }

    @Test(arguments: cases)
    func flagChangesTheRunAsTheHandLoopSays(_ flagCase: Case) throws {
        var expected = TrainingConfiguration()
        expected.steps = Self.steps
        flagCase.apply(&expected)
        var wrong = TrainingConfiguration()
        wrong.steps = Self.steps
        flagCase.miswired(&wrong)

        let loop = try HandLoop.run(expected)
        let miswiredLoop = try HandLoop.run(wrong)
        #expect(Self.differ(miswiredLoop.losses, loop.losses) > 100 * Self.tolerance,
                "mis-wiring \(flagCase.flags) would not change the losses: the case proves nothing")

        let run = try JSONRun(flagCase.flags + ["--steps", "\(Self.steps)"])
        #expect(run.losses.count == Self.steps)
        #expect(Self.differ(run.losses, loop.losses) <= Self.tolerance,
                "binary \(run.losses) vs hand loop \(loop.losses)")
    }

    /// `--steps N` stops after exactly N steps; `--epochs N` after N passes over the data.
    @Test func stepsAndEpochsStopWhereTheySay() throws {
        let steps = try JSONRun(["--steps", "7"])
        #expect(steps.steps == Array(1...7))
        // digits: 1437 training images; at batch 512 an epoch is 3 batches (the last one partial).
        let epochs = try JSONRun(["--epochs", "2", "--batch-size", "512", "--eval-every", "1000"])
        #expect(epochs.steps == Array(1...6))
        #expect(epochs.epochs.last == 2)
        // Each epoch ends with an evaluation.
        #expect(epochs.evaluations.map(\.step) == [3, 6])
    }

    /// `--eval-every` evaluates on its multiples and at each epoch's end, and each printed test
    /// accuracy is the hand count of correct predictions of the same model at that step.
    @Test func evaluationsComeWhereAskedAndCountCorrectly() throws {
        let flags = ["--model", "mlp", "--optimizer", "adam", "--lr", "0.01", "--batch-size", "64"]
        let run = try JSONRun(flags + ["--steps", "40", "--eval-every", "15"])
        // 1437 training images at batch 64: an epoch is 23 steps.
        let expectedSteps = [15, 23, 30]
        #expect(run.evaluations.map(\.step).filter { $0 != 40 } == expectedSteps)

        var c = TrainingConfiguration()
        c.model = "mlp"
        c.optimizer = .adam
        c.learningRate = 0.01
        c.batchSize = 64
        c.steps = 40
        let loop = try HandLoop.run(c, evaluateAt: Set(expectedSteps))
        // Trained well past chance, so a prediction compared with the wrong label cannot pass.
        #expect(try #require(loop.accuracies[30]) > 0.5)
        // Digits' test split has 360 images: allow one prediction to flip on another thread count.
        for evaluation in run.evaluations where expectedSteps.contains(evaluation.step) {
            let counted = try #require(loop.accuracies[evaluation.step])
            #expect(abs(evaluation.accuracy - counted) <= 1.0 / 360 + 1e-12,
                    "step \(evaluation.step): printed \(evaluation.accuracy), counted \(counted)")
        }
    }

    /// `--threads N` reaches the CPU backend: the headless banner says how many it runs on.
    @Test(arguments: [1, 2])
    func threadsReachTheBackend(threads: Int) throws {
        let result = try Binary.run(["train", "--headless", "--steps", "1", "--threads", "\(threads)"])
        #expect(result.status == 0)
        let banner = try #require(result.lines.first)
        #expect(banner.contains(threads == 1 ? "1 thread)" : "\(threads) threads)"), "\(banner)")
    }
}

/// What `blitz-tui train --json` printed: one object per step, one per evaluation.
struct JSONRun {
    var steps: [Int] = []
    var epochs: [Int] = []
    var losses: [Double] = []
    var evaluations: [(step: Int, accuracy: Double)] = []

    init(_ flags: [String]) throws {
        let result = try Binary.run(["train", "--json", "--threads", "1"] + flags)
        #expect(result.status == 0, "exit \(result.status): \(result.stderr)")
        for line in result.lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            let step = try #require(object["step"] as? Int, "\(line)")
            if let loss = object["loss"] as? Double {
                steps.append(step)
                epochs.append(try #require(object["epoch"] as? Int, "\(line)"))
                losses.append(loss)
            } else if let accuracy = object["test_accuracy"] as? Double {
                evaluations.append((step, accuracy))
            }
        }
    }
}
