import Dispatch
import Synchronization
import Autograd
import Models

/// (i) Devices and parallelism. Every tensor shown with its device; moving to a GPU tried for
/// real; the device-mismatch error (from real tensors when there is a GPU, otherwise from the
/// engine's own device check given the devices the operands would have, and the chapter says
/// which); data parallelism computed on two replicas running at once; model parallelism with
/// the Net split in two and the activation and its gradient crossing between the halves.
enum DevicesChapter {
    /// What one data-parallel replica computed, as values (it ran on a thread of its own).
    struct ReplicaResult: Sendable {
        let index: Int
        let device: Device
        let loss: Double
        let grads: [[Double]]
    }

    final class ReplicaResults: Sendable {
        let results = Mutex<[ReplicaResult]>([])
    }

    /// One replica: a copy of the model (same seed, same weights) on `device`, its share of the
    /// batch, forward, loss, backward; the gradients come back as values.
    static func replica(_ index: Int, seed: UInt64, indices: [Int], device: Device) -> ReplicaResult {
        let net = LessonSupport.net(seed: seed)
        var (x, labels) = LessonSupport.digits(at: indices)
        if device != .cpu {
            try! net.to(device)
            x = try! x.to(device)
            labels = try! labels.to(device)
        }
        let loss = Tensor.crossEntropy(net(x), labels)
        try! loss.backward()
        return ReplicaResult(index: index, device: device, loss: loss.item(), grads: net.parameters().map { $0.grad!.doubles })
    }

    static func norm(_ values: [Double]) -> Double { values.map { $0 * $0 }.reduce(0, +).squareRoot() }

    static func run(_ context: LessonContext) -> Chapter {
        var facts: [LessonFact] = []
        // GPUs count only if a tensor can really be put on one (a driver without its compiler can't).
        var gpuCount = 0
        var gpuReason = ""
        do {
            _ = try Tensor.ones([1]).to(.cuda(0))
            gpuCount = max(1, (try? CUDADevices.list())?.count ?? 1)
        } catch {
            gpuReason = error.description
        }
        facts.append(LessonFact("gpus", String(gpuCount)))

        // Every tensor with its device.
        let net = LessonSupport.net(seed: context.seed)
        let indices = LessonSupport.shuffledIndices(8, seed: context.seed)
        let (x, labels) = LessonSupport.digits(at: indices)
        let logits = net(x)
        let loss = Tensor.crossEntropy(logits, labels)
        try! loss.backward()
        let whole = net.parameters().map { $0.grad!.doubles }
        let tensorRows: [[String]] = [
            ["images", Shape.describe(x.shape), x.dtype.description, x.device.description],
            ["labels", Shape.describe(labels.shape), labels.dtype.description, labels.device.description],
            ["conv1.weight", Shape.describe(net.conv1.weight.shape), net.conv1.weight.dtype.description, net.conv1.weight.device.description],
            ["fc3.bias", Shape.describe(net.fc3.bias!.shape), net.fc3.bias!.dtype.description, net.fc3.bias!.device.description],
            ["logits", Shape.describe(logits.shape), logits.dtype.description, logits.device.description],
            ["loss", Shape.describe(loss.shape), loss.dtype.description, loss.device.description],
            ["fc3.bias.grad", Shape.describe(net.fc3.bias!.grad!.shape), net.fc3.bias!.grad!.dtype.description, net.fc3.bias!.grad!.device.description],
        ]
        facts.append(LessonFact("device of every tensor", Set(tensorRows.map { $0[3] }).sorted().joined(separator: " ")))

        // The mismatch.
        var mismatchBlocks: [LessonBlock] = []
        if gpuCount == 0 {
            let check = Device.mismatch([.cuda(0), .cpu])!
            facts.append(LessonFact("device mismatch", check.description))
            mismatchBlocks = [
                .text("No GPU here, so no tensor can be put on cuda:0 to try it for real: .to(.cuda(0)) says"),
                .error(LessonError(message: gpuReason, place: "Tensor.ones([1]).to(.cuda(0))",
                                   why: "The CUDA driver is looked for when it is first needed; without it cuda:0 cannot be used.")),
                .text("What a + b does first is the engine's device check, the same one every op runs before it computes. Given the devices the operands would have (a on cuda:0, b on cpu) it answers:"),
                .error(LessonError(message: check.description, place: "Device.mismatch([.cuda(0), .cpu]), the check a + b runs",
                                   why: "An op runs on one device and reads its operands there; a tensor elsewhere must be moved with .to(device) first.")),
            ]
        } else {
            let a = try! Tensor.ones([2]).to(.cuda(0))
            do {
                _ = try Tensor.checkedAdd(a, Tensor.ones([2]))
            } catch {
                facts.append(LessonFact("device mismatch", error.description))
                mismatchBlocks = [.error(LessonError(message: error.description, place: "a + b, a on cuda:0, b on cpu",
                                                     why: "An op runs on one device and reads its operands there; move b with .to(device) first."))]
            }
        }

        // Data parallelism: the batch of 8 split over two replicas running at once.
        let replicaDevices: [Device] = gpuCount >= 2 ? [.cuda(0), .cuda(1)] : [.cpu, .cpu]
        let halves = [Array(indices[0..<4]), Array(indices[4..<8])]
        let box = ReplicaResults()
        let seed = context.seed
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let result = replica(i, seed: seed, indices: halves[i], device: replicaDevices[i])
            box.results.withLock { $0.append(result) }
        }
        let replicas = box.results.withLock { $0 }.sorted { $0.index < $1.index }
        let average = zip(replicas[0].grads, replicas[1].grads).map { a, b in zip(a, b).map { ($0 + $1) / 2 } }
        var largest = 0.0
        for (w, v) in zip(whole, average) { for (p, q) in zip(w, v) { largest = max(largest, abs(p - q)) } }
        facts.append(LessonFact("data parallel max difference", LessonSupport.scientific(largest)))
        let names = net.namedParameters().map(\.name)
        let parallelRows = names.indices.map { i in
            [names[i], LessonSupport.fixed(norm(replicas[0].grads[i])), LessonSupport.fixed(norm(replicas[1].grads[i])),
             LessonSupport.fixed(norm(average[i])), LessonSupport.fixed(norm(whole[i]))]
        }
        let workerWords: String
        switch gpuCount {
        case 0: workerWords = "No GPUs here: the replicas are two CPU workers (threads) running at the same time, each with its own copy of the model."
        case 1: workerWords = "One GPU here, and data parallelism needs two devices: the replicas are two CPU workers (threads) running at the same time, each with its own copy of the model."
        default: workerWords = "Each replica runs on its own GPU (cuda:0 and cuda:1), on a thread of its own."
        }

        // Model parallelism: conv half on one device, fc half on the other.
        let stageDevices: [Device] = gpuCount >= 2 ? [.cuda(0), .cuda(1)] : [.cpu, .cpu]
        let split = LessonSupport.net(seed: context.seed)
        var (x4, labels4) = LessonSupport.digits(at: Array(indices[0..<4]))
        let reference = LessonSupport.net(seed: context.seed)
        let referenceLoss = Tensor.crossEntropy(reference(x4), labels4)
        try! referenceLoss.backward()
        if stageDevices != [.cpu, .cpu] {
            // Each half's layers (and what it reads) on its own device.
            for layer in [split.conv1, split.conv2] as [Module] { try! layer.to(stageDevices[0]) }
            for layer in [split.fc1, split.fc2, split.fc3] as [Module] { try! layer.to(stageDevices[1]) }
            x4 = try! x4.to(stageDevices[0])
            labels4 = try! labels4.to(stageDevices[1])
        }
        // Worker 0: the convolutions.
        let features = split.pool(split.conv2(split.pool(split.conv1(x4).relu())).relu()).flatten(startDim: 1)
        // The activation crosses: a copy on the other device, a leaf there so its gradient can come back.
        let crossed = try! Tensor(features.doubles.map { Float($0) }, shape: features.shape).to(stageDevices[1]).requireGrad()
        // Worker 1: the fully connected layers and the loss.
        let splitLoss = Tensor.crossEntropy(split.fc3(split.fc2(split.fc1(crossed).relu()).relu()), labels4)
        try! splitLoss.backward()
        // The gradient crosses back and worker 0 finishes backward through the convolutions.
        let returned = try! crossed.grad!.to(stageDevices[0])
        try! features.backward(returned)
        let splitGrads = split.parameters().map { $0.grad! }
        let referenceGrads = reference.parameters().map { $0.grad! }
        let modelDifference = LessonSupport.maxDifference(splitGrads, referenceGrads)
        facts += [
            LessonFact("activation crossing", Shape.describe(features.shape)),
            LessonFact("model parallel max difference", LessonSupport.scientific(modelDifference)),
            LessonFact("model parallel loss difference", LessonSupport.scientific(abs(splitLoss.item() - referenceLoss.item()))),
        ]
        let bytes = features.numel * features.dtype.byteSize
        let crossingRows = [
            ["forward", "activation", Shape.describe(features.shape), "\(LessonSupport.grouped(bytes)) B", "half 0 (\(stageDevices[0])) -> half 1 (\(stageDevices[1]))"],
            ["backward", "its gradient", Shape.describe(returned.shape), "\(LessonSupport.grouped(bytes)) B", "half 1 (\(stageDevices[1])) -> half 0 (\(stageDevices[0]))"],
        ]

        return Chapter(
            id: .i, title: Lessons.title(of: .i),
            question: "How does one take advantage of GPUs when training and testing PyTorch models?",
            predict: "A batch of 8 is split over two copies of the Net, 4 digits each. Is the average of their two gradients the gradient of the whole batch?",
            sections: [
                LessonSection("every tensor has a device", [
                    .code(swift: "print(x.device, net.conv1.weight.device)", pytorch: "print(x.device, net.conv1.weight.device)"),
                    .table(LessonTable(headers: ["tensor", "shape", "dtype", "device"], rows: tensorRows)),
                    .text("An op runs where its operands are, and its result (and later its gradient) lives there too. To use a GPU: model.to(device) for the parameters, and every batch moved with .to(device) in the loop."),
                ]),
                LessonSection("mixing devices", mismatchBlocks),
                LessonSection("data parallelism: split the batch", [
                    .code(swift: "// each replica: a copy of the model and 4 of the 8 digits\nlet grads = replica(i, indices: halves[i])\nlet average = (grads0 + grads1) / 2",
                          pytorch: "model = nn.DataParallel(model)   # or DistributedDataParallel\nloss = F.cross_entropy(model(x), y)\nloss.backward()"),
                    .text(workerWords),
                    .table(LessonTable(headers: ["parameter", "|grad| rep. 0", "|grad| rep. 1", "|average|", "|whole batch|"], rows: parallelRows)),
                    .output("largest |average - whole batch| over all \(LessonSupport.grouped(net.parameterCount)) gradient elements: \(LessonSupport.scientific(largest))"),
                    .text("The loss is a mean over the batch, so the whole batch's gradient is the mean of the two halves' gradients: averaging the replicas' gradients (an all-reduce) gives every replica the same update. DataParallel does exactly this, scattering the batch and gathering the gradients."),
                ]),
                LessonSection("model parallelism: split the model", [
                    .code(swift: "let a = convolutions(x)       // half 0\nlet b = a.to(d1).requireGrad() // crosses\nlet loss = fullyConnected(b)  // half 1\ntry loss.backward()\ntry a.backward(b.grad!.to(d0))",
                          pytorch: "a = self.convs(x.to('cuda:0'))\nb = a.to('cuda:1')\nloss = loss_fn(self.fcs(b), y.to('cuda:1'))\nloss.backward()   # crosses back itself"),
                    .text(gpuCount >= 2 ? "The convolutions live on cuda:0, the fully connected layers on cuda:1." : "\(gpuCount == 0 ? "No GPUs" : "Only one GPU") here: both halves live on the CPU and take turns, and the crossing is a copy from one half's tensors to the other's; with two GPUs the same code puts them on cuda:0 and cuda:1."),
                    .table(LessonTable(headers: ["pass", "what crosses", "shape", "size", "from -> to"], rows: crossingRows)),
                    .output("loss split vs. in one piece: difference \(LessonSupport.scientific(abs(splitLoss.item() - referenceLoss.item())))\nlargest gradient difference over all parameters: \(LessonSupport.scientific(modelDifference))"),
                    .text("Each half keeps its parameters; only activations go forward across the boundary and their gradients come back. This fits models too big for one device; data parallelism instead copies the whole model to fit more data."),
                ]),
            ],
            answer: "Move the model and the data to the GPU: model.to(device) (or .cuda()) moves every parameter, and each batch is moved with inputs.to(device), labels.to(device); then every op runs on the GPU, and mixing devices in one op is an error. To use several GPUs: data parallelism (DataParallel / DistributedDataParallel) gives each GPU a copy of the model and part of each batch and averages their gradients; model parallelism puts different layers on different GPUs and passes activations (forward) and their gradients (backward) between them.",
            facts: facts)
    }
}
