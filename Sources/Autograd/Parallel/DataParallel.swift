/// DataParallel: one module run on several devices at once, like torch.nn.DataParallel.
///
/// Each forward does what PyTorch's does, in the same four moves:
/// 1. **scatter**: the batch is cut along dimension 0 into `devices.count` chunks (as
///    `tensor.chunk` cuts: ⌈B/N⌉ rows each, the last one shorter, fewer chunks when B < N);
/// 2. **replicate**: every replica's parameters become copies of the wrapped module's (on the
///    CPU they share its memory; on another GPU they are copied there);
/// 3. **parallel apply**: each replica runs its chunk on a thread of its own (one per device;
///    CPU replicas are CPU workers);
/// 4. **gather**: the outputs are joined along dimension 0 on the first device.
///
/// The graph it records is PyTorch's: the output's grad_fn is `GatherBackward`, whose edges lead
/// into each replica's own nodes (module names `replica0.fc1`, `replica1.fc1`, ...), and each
/// replica parameter is the output of a `BroadcastBackward` node whose edge leads to the wrapped
/// module's parameter (its AccumulateGrad). So backward sends each replica's gradient back to
/// the original parameter, and the engine sums them there: the reduce-add of PyTorch's
/// Broadcast backward. PyTorch's Broadcast is one node with an output per copy; blitz-tui's nodes
/// have one output each, so there is one BroadcastBackward per replica parameter.
///
/// The gradient in the original parameters is the gradient of the whole batch computed on one
/// device, up to the order of float32 additions. Backward itself runs on the engine's one thread
/// (as PyTorch's does for CPU work); on GPUs the kernels it queues still run on every device at
/// once, since launches do not wait.
public final class DataParallel: Module {
    /// The wrapped module (PyTorch's `.module`): its parameters are the ones an optimizer updates.
    public let module: Module
    /// One replica per entry; CPU may repeat (CPU workers), a GPU may not.
    public let devices: [Device]
    /// Where the gathered output lives: `devices[0]`, as PyTorch's default output_device.
    public var outputDevice: Device { devices[0] }
    /// Whether backward records each replica's gradient norm (`replicaGradientNorms`). On a GPU
    /// that reads a number back per parameter, so a fast run may switch it off.
    public var recordsReplicaGradients = true

    let backends: [any Backend]
    let replicas: [Module]
    /// [replica][parameter], in the order of `module.parameters()`.
    let replicaParameters: [[Tensor]]
    /// The module path each replica parameter belongs to (so its BroadcastBackward names it).
    let replicaParameterModules: [[String]]
    let originals: [Tensor]
    let recorder = ReplicaGradientRecorder()

    /// The rows of the last batch each replica received (empty ranges for replicas left idle).
    public private(set) var lastScatter: [Range<Int>] = []
    /// Each busy replica's output from the last forward, detached, on its own device.
    public private(set) var lastReplicaOutputs: [Tensor] = []

    /// Wraps `module` for `devices`, building one replica per device with `makeReplica`, which
    /// must build the same architecture (same parameter names and shapes); the replicas' own
    /// weights are overwritten by the module's at every forward. The module must already be on
    /// `devices[0]`, as PyTorch requires.
    public init(_ module: Module, devices: [Device], replica makeReplica: () throws -> Module) throws(DataParallelError) {
        guard !devices.isEmpty else { throw .noDevices }
        var seenGPUs: [Device] = []
        var backends: [any Backend] = []
        for device in devices {
            if device.isCUDA {
                if seenGPUs.contains(device) { throw .repeatedDevice(device) }
                seenGPUs.append(device)
            }
            do {
                backends.append(try Backends.backend(for: device))
            } catch {
                throw .deviceUnavailable(device, error.message)
            }
        }
        let named = module.namedParameters()
        if let stray = named.first(where: { $0.tensor.device != devices[0] }) {
            throw .moduleNotOnFirstDevice(expected: devices[0], parameter: stray.name, found: stray.tensor.device)
        }
        var replicas: [Module] = []
        var replicaParameters: [[Tensor]] = []
        var replicaParameterModules: [[String]] = []
        for (index, device) in devices.enumerated() {
            let replica: Module
            do {
                replica = try makeReplica()
            } catch {
                throw .replicaFailed("\(error)")
            }
            let path = "replica\(index)"
            replica.setPath(path)
            let theirs = replica.namedParameters()
            let ours = named.map { ($0.name, $0.tensor.shape, $0.tensor.dtype) }
            let got = theirs.map { ($0.name, $0.tensor.shape, $0.tensor.dtype) }
            guard ours.count == got.count, !zip(ours, got).contains(where: { $0.0 != $1.0 || $0.1 != $1.1 || $0.2 != $1.2 }) else {
                throw .replicaMismatch(expected: named.map(\.name), got: theirs.map(\.name))
            }
            do {
                try replica.to(device)
            } catch {
                throw .deviceUnavailable(device, error.message)
            }
            replicas.append(replica)
            replicaParameters.append(theirs.map(\.tensor))
            replicaParameterModules.append(theirs.map { name in
                let dotted = Module.join(path, name.name)
                return String(dotted[..<(dotted.lastIndex(of: ".") ?? dotted.endIndex)])
            })
        }
        self.module = module
        self.devices = devices
        self.backends = backends
        self.replicas = replicas
        self.replicaParameters = replicaParameters
        self.replicaParameterModules = replicaParameterModules
        self.originals = named.map(\.tensor)
        super.init()
        registerModule("module", module)
    }

    public override var typeName: String { "DataParallel" }

    /// Scatter, replicate, run the replicas in parallel, gather. The replicas follow the wrapped
    /// module's training mode (Dropout in a replica drops when the module's would).
    public override func forward(_ input: Tensor) -> Tensor {
        ensure(input.rank >= 1 && input.shape[0] >= 1, "DataParallel: the input needs a batch dimension with at least one sample (got \(Shape.describe(input.shape)))")
        let sizes = DataParallel.chunkSizes(batch: input.shape[0], parts: devices.count)
        var start = 0
        var rows: [Range<Int>] = []
        for size in sizes {
            rows.append(start..<start + size)
            start += size
        }
        lastScatter = rows + Array(repeating: start..<start, count: devices.count - sizes.count)
        let busy = sizes.count
        for r in 0..<busy {
            replicas[r].train(module.isTraining)
        }
        let recording = GradMode.isEnabled
        recorder.reset(replicas: busy, enabled: recording && recordsReplicaGradients)
        broadcast(to: busy, recording: recording)
        let chunks = scatter(input, rows: rows)
        let replicas = Array(self.replicas[0..<busy])
        let outputs = ParallelApply.run(busy) { r in replicas[r](chunks[r]) }
        lastReplicaOutputs = outputs.map { $0.detach() }
        return gather(outputs, rows: rows)
    }

    /// The sizes `tensor.chunk(parts)` gives a batch of `batch` rows: ⌈batch/parts⌉ each, the
    /// last one what is left, and only as many chunks as there are rows for.
    public static func chunkSizes(batch: Int, parts: Int) -> [Int] {
        ensure(batch >= 0 && parts >= 1, "DataParallel.chunkSizes: \(batch) rows into \(parts) parts")
        guard batch > 0 else { return [] }
        let size = (batch + parts - 1) / parts
        var sizes: [Int] = []
        var left = batch
        while left > 0 {
            sizes.append(Swift.min(size, left))
            left -= size
        }
        return sizes
    }

    /// Each replica's gradient norm from the last backward (‖Σ over its parameters‖₂), in replica
    /// order; nil for a replica no gradient reached.
    public var replicaGradientNorms: [Double?] { recorder.norms }
}

/// What can stop a DataParallel from being built.
public enum DataParallelError: Error, Sendable, Equatable, CustomStringConvertible {
    case noDevices
    case repeatedDevice(Device)
    case deviceUnavailable(Device, String)
    case moduleNotOnFirstDevice(expected: Device, parameter: String, found: Device)
    case replicaMismatch(expected: [String], got: [String])
    case replicaFailed(String)

    public var description: String {
        switch self {
        case .noDevices:
            return "DataParallel needs at least one device"
        case .repeatedDevice(let d):
            return "DataParallel: \(d) is listed twice (one replica per GPU; only cpu may repeat)"
        case .deviceUnavailable(let d, let why):
            return "DataParallel: \(d) cannot be used: \(why)"
        case .moduleNotOnFirstDevice(let expected, let parameter, let found):
            return "module must have its parameters and buffers on device \(expected) (device_ids[0]) but found one of them on device: \(found) (\(parameter))"
        case .replicaMismatch(let expected, let got):
            return "DataParallel: a replica must have the module's parameters; expected \(expected.joined(separator: ", ")), got \(got.joined(separator: ", "))"
        case .replicaFailed(let why):
            return "DataParallel: building a replica failed: \(why)"
        }
    }
}
