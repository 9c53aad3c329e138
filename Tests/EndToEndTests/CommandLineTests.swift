import Foundation
import Testing

/// The real binary, end to end: the command-line contract of ARCHITECTURE.md.
@Suite(.serialized) struct CommandLineTests {
    /// PyTorch's order (pytorch-facts.md), each AccumulateGrad with its parameter so that two of
    /// them swapped cannot pass.
    static let blitzOrder = [
        "NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0", "AccumulateGrad(fc3.bias)", "TBackward0",
        "AccumulateGrad(fc3.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc2.bias)", "TBackward0",
        "AccumulateGrad(fc2.weight)", "ReluBackward0", "AddmmBackward0", "AccumulateGrad(fc1.bias)", "TBackward0",
        "AccumulateGrad(fc1.weight)", "ViewBackward0", "MaxPool2DWithIndicesBackward0", "ReluBackward0",
        "ConvolutionBackward0", "AccumulateGrad(conv2.weight)", "AccumulateGrad(conv2.bias)",
        "MaxPool2DWithIndicesBackward0", "ReluBackward0", "ConvolutionBackward0", "AccumulateGrad(conv1.weight)",
        "AccumulateGrad(conv1.bias)",
    ]

    @Test func jsonLinesOnePerStepAndReproducible() throws {
        let args = ["train", "--json", "--steps", "6", "--seed", "5", "--threads", "1", "--eval-every", "3"]
        let a = try Binary.run(args)
        #expect(a.status == 0, "\(a.stderr)")
        let objects = try a.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let steps = objects.filter { $0["loss"] != nil }
        #expect(steps.map { $0["step"] as? Int } == [1, 2, 3, 4, 5, 6])
        #expect(steps.allSatisfy { $0["epoch"] as? Int == 1 && ($0["loss"] as? Double ?? -1) > 0 })
        let evaluations = objects.filter { $0["test_accuracy"] != nil }
        #expect(evaluations.map { $0["step"] as? Int } == [3, 6])
        let b = try Binary.run(args)
        #expect(a.stdout == b.stdout)
    }

    @Test func jsonEndsWithTheTestAccuracyOffTheEvalGrid() throws {
        let r = try Binary.run(["train", "--json", "--steps", "7", "--seed", "5", "--threads", "1", "--eval-every", "3"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.filter { $0["test_accuracy"] != nil }.map { $0["step"] as? Int } == [3, 6, 7])
        #expect(objects.last?["test_accuracy"] != nil)
        #expect(objects.last?["step"] as? Int == 7)
    }

    @Test func graphHelpListsOnlyTheFlagsGraphUses() throws {
        let r = try Binary.run(["graph", "--help"])
        #expect(r.status == 0)
        for flag in ["--model", "--dataset", "--device", "--batch-size", "--seed", "--init", "--format"] {
            #expect(r.stdout.contains(flag), "\(flag)")
        }
        for flag in ["--lr", "--epochs", "--steps", "--momentum", "--optimizer", "--weight-decay", "--eval-every", "--no-shuffle", "--speed"] {
            #expect(!r.stdout.contains(flag), "\(flag)")
        }
        let train = try Binary.run(["train", "--help"])
        for flag in ["--model", "--lr", "--epochs", "--speed", "--paused", "--save"] {
            #expect(train.stdout.contains(flag), "\(flag)")
        }
    }

    @Test func graphJSONHasPyTorchsNamesAndOrder() throws {
        let r = try Binary.run(["graph", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let nodes = object["nodes"] as! [[String: Any]]
        #expect(nodes.count == 27)
        var names: [Int: String] = [:]
        for node in nodes {
            let name = node["name"] as! String
            names[node["id"] as! Int] = (node["parameter"] as? String).map { "\(name)(\($0))" } ?? name
        }
        let order = (object["execution_order"] as! [Int]).map { names[$0]! }
        #expect(order == Self.blitzOrder)
        let fc3 = nodes.first { $0["name"] as? String == "AddmmBackward0" && $0["module"] as? String == "fc3" }
        #expect(fc3 != nil)
        let text = try Binary.run(["graph"])
        #expect(text.stdout.contains("NllLossBackward0"))
        #expect(text.stdout.contains("AccumulateGrad conv1.weight"))
        let dot = try Binary.run(["graph", "--format", "dot"])
        #expect(dot.stdout.hasPrefix("digraph"))
    }

    @Test func initAndSaveRoundTripKeepsWeightsExactly() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.safetensors").path
        let b = dir.appendingPathComponent("b.safetensors").path
        let first = try Binary.run(["train", "--headless", "--steps", "3", "--save", a, "--threads", "1"])
        #expect(first.status == 0, "\(first.stderr)")
        // A learning rate below Float32's range moves no weight, so what was loaded is what is saved.
        let second = try Binary.run(["train", "--headless", "--steps", "1", "--init", a, "--save", b,
                                     "--lr", "1e-300", "--momentum", "0", "--threads", "1"])
        #expect(second.status == 0, "\(second.stderr)")
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a))
        let bytesB = try Data(contentsOf: URL(fileURLWithPath: b))
        #expect(bytesA == bytesB)
        #expect(bytesA.count > 61_556 * 4)  // blitz-net with one input channel (digits)
    }

    @Test(arguments: [
        (["--batch-size", "0"], "batch-size"),
        (["--lr", "nan"], "--lr"),
        (["--lr", "-1"], "--lr"),
        (["--threads", "0"], "threads"),
        (["--model", "resnet-900"], "resnet-900"),
        (["--dataset", "imagenet"], "imagenet"),
        (["--dataset", "mnist:/nonexistent/dir"], "/nonexistent/dir"),
        (["--dataset", "cifar10:/nonexistent/dir"], "/nonexistent/dir"),
        (["--dataset", "spirals"], "blitz-net"),
        (["--device", "tpu"], "--device"),
        (["--device", "cuda"], "cuda"),
        (["--optimizer", "lbfgs"], "optimizer"),
        (["--init", "/nonexistent.safetensors"], "/nonexistent.safetensors"),
        (["--frobnicate"], "frobnicate"),
        (["--steps", "x"], "steps"),
        (["--speed", "0"], "--speed"),
        (["--speed", "fast"], "--speed"),
        (["--paused"], "--paused"),
        (["--background", "blue"], "--background"),
    ] as [([String], String)])
    func badFlagsExitOneWithAMessage(arguments: [String], mentions: String) throws {
        let r = try Binary.run(["train", "--headless", "--steps", "1"] + arguments)
        #expect(r.status == 1, "\(arguments): status \(r.status), stderr \(r.stderr)")
        #expect(r.stderr.contains(mentions), "\(arguments): \(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func brokenCheckpointIsAClearErrorAndNothingIsOverwritten() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let broken = dir.appendingPathComponent("broken.safetensors")
        try Data("not a checkpoint".utf8).write(to: broken)
        let existing = dir.appendingPathComponent("keep.safetensors")
        try Data("precious".utf8).write(to: existing)
        let r = try Binary.run(["train", "--headless", "--steps", "1", "--init", broken.path, "--save", existing.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("broken.safetensors"))
        #expect(try Data(contentsOf: existing) == Data("precious".utf8))
    }

    @Test func divergingLearningRateExitsThreeAndKeepsFiles() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let existing = dir.appendingPathComponent("keep.safetensors")
        try Data("precious".utf8).write(to: existing)
        let r = try Binary.run(["train", "--headless", "--steps", "500", "--lr", "1e12", "--momentum", "0",
                                "--save", existing.path, "--threads", "1"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("step"))
        #expect(try Data(contentsOf: existing) == Data("precious".utf8))
    }

    @Test func interruptSavesAndExits130() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("interrupted.safetensors").path
        let r = try Binary.run(["train", "--headless", "--epochs", "1000", "--save", path], interruptAfter: 3)
        #expect(r.status == 130, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func helpAndDevices() throws {
        for command in [[], ["train"], ["graph"], ["devices"], ["selftest"]] {
            let r = try Binary.run(command + ["--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("USAGE"))
        }
        let train = try Binary.run(["train", "--help"])
        #expect(train.stdout.contains("Examples"))
        let devices = try Binary.run(["devices"])
        #expect(devices.status == 0)
        #expect(devices.stdout.hasPrefix("cpu"))
        #expect(devices.stdout.contains(" kernels"))
        #expect(devices.stdout.contains("\nblas     OpenBLAS core: "))
        #expect(devices.stdout.contains("\ngemm     float"))
    }
}

/// `blitz-tui learn --plain`: a chapter run on the engine and printed, through the real binary.
@Suite struct LearnCommandTests {
    @Test func flattenChapterPrintsTheRibbonAndPyTorchsError() throws {
        let result = try Binary.run(["learn", "--chapter", "d", "--plain"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.lines
        #expect(lines.first == "(d) Flatten: from convolutions to fully connected layers")
        #expect(lines.contains("▶ flatten  [4, 16, 5, 5]    [4, 400]"))
        #expect(lines.contains("  fc3      [4, 84]          [4, 10]"))
        #expect(lines.contains("▶ fc1    [4, 16, 5, 5]    error"))
        #expect(lines.contains("! RuntimeError: addmm: mat1 and mat2 shapes cannot be multiplied (320x5 and"))
        #expect(lines.contains("  400x120)"))
        #expect(lines.contains("  at: fc1 = Linear(400, 120), given [4, 16, 5, 5]"))
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(result.stdout.contains("── Answer "))
    }

    @Test func asciiPlainTextIsAllASCII() throws {
        let result = try Binary.run(["learn", "--chapter", "a", "--plain", "--ascii"])
        #expect(result.status == 0)
        #expect(result.stdout.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(result.stdout.contains("RuntimeError: only Tensors of floating point dtype can require gradients"))
    }

    @Test func theViewerWithoutATerminalPointsAtPlain() throws {
        let result = try Binary.run(["learn", "--chapter", "b"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("use --plain to print the chapters as text"))
    }

    @Test func anUnknownChapterIsAClearError() throws {
        let result = try Binary.run(["learn", "--chapter", "z", "--plain"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--chapter must be a, b, c, d, e, f, g, h or i (got z)"))
        #expect(result.stdout.isEmpty)
    }
}
