import Autograd
import Models
import Testing
@testable import Trainer

/// TrainerError keeps its cause as data; the words live in one place per kind of cause.
@Suite struct TrainerErrorTests {
    @Test func causesAreTyped() {
        var c = TrainingConfiguration()
        c.dataset = "mnist:/nonexistent/blitz"
        guard case .dataset(.missingFolder("/nonexistent/blitz"))? = capture(c) else {
            Issue.record("expected a DatasetError, got \(String(describing: capture(c)))")
            return
        }
        c = TrainingConfiguration()
        c.learningRate = -1
        #expect(capture(c).map { "\($0)" } == "--lr (the learning rate) must be a finite number above 0 (got -1.0)")
        guard case .invalidFlag(let flag)? = capture(c) else { Issue.record("expected a FlagError"); return }
        #expect(flag.flag == "--lr" && flag.requirement == .positive)
        c = TrainingConfiguration()
        c.model = "resnet-900"
        guard case .model(.unknownModel(name: "resnet-900", _))? = capture(c) else { Issue.record("expected a ModelError"); return }
        c = TrainingConfiguration()
        c.savePath = "/nonexistent/blitz/x.st"
        guard case .save(let error)? = capture(c), error.problem == .badSavePath(.folderMissing("/nonexistent/blitz")) else {
            Issue.record("expected a save path error, got \(String(describing: capture(c)))")
            return
        }
        #expect(capture(c).map { "\($0)" } == "--save /nonexistent/blitz/x.st: the folder /nonexistent/blitz does not exist")
    }

    @Test func flagMessages() {
        #expect(FlagError(flag: "--threads", value: "0", requirement: .integer(atLeast: 1, atMost: 1024)).description
                == "--threads must be between 1 and 1024 (got 0)")
        #expect(FlagError(flag: "--format", value: "svg", requirement: .oneOf(["text", "dot", "json"])).description
                == "--format must be text, dot or json (got svg)")
        #expect(FlagError(flag: "--device", value: "tpu", requirement: .oneOf(["cuda", "cuda:N"])).description
                == "--device must be cuda or cuda:N (got tpu)")
        #expect(FlagError(flag: "--weight-decay", value: "-1.0", requirement: .nonNegative).description
                == "--weight-decay must be a finite number ≥ 0 (got -1.0)")
    }

    @Test func aBatchTooLargeForMemoryIsRefusedWithTheEstimate() {
        var c = TrainingConfiguration()
        c.model = "mlp:1048576"
        c.batchSize = 100_000
        guard case .memory(let estimate)? = capture(c) else { Issue.record("expected a memory estimate"); return }
        #expect(!estimate.fits)
        #expect(estimate.totalBytes > 1e12)
        #expect("\(estimate)".hasPrefix("--batch-size 100000 would need about "))
        // The blitz's own recipe is nowhere near.
        let small = MemoryEstimate(batchSize: 4, parameters: 61_706, inputFeatures: 1024,
                                   activationsPerSample: ModelCatalog.activationsPerSample("blitz-net", inputShape: [1, 32, 32], classes: 10)!,
                                   prefetch: 2)
        #expect(small.fits)
        #expect(small.totalBytes < 2_000_000)
    }

    private func capture(_ c: TrainingConfiguration) -> TrainerError? {
        do {
            _ = try TrainerCore(c)
            return nil
        } catch {
            return error
        }
    }
}
