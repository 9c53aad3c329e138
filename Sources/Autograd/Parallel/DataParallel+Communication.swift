/// DataParallel's three collective moves between devices (PyTorch's torch.cuda.comm): broadcast
/// the parameters to the replicas, scatter the batch's rows to them, gather their outputs back.
/// Each records the node PyTorch records (BroadcastBackward, ScatterBackward, GatherBackward),
/// whose backward is the opposite move: a broadcast's gradient goes back to the source device
/// (the engine then sums the replicas' there), a scatter's rows go back to their place in the
/// batch, a gather's gradient is cut into the replicas' rows.
///
/// Rows travel through host memory: the batches and outputs DataParallel moves are small next to
/// the work done on them, and every backend already knows how to upload and download.
extension DataParallel {
    /// Replicate: point every busy replica's parameters at the module's values on its device
    /// (the same memory on the same device, a copy elsewhere) and, when a graph is recorded, make
    /// each one the output of a BroadcastBackward node whose edge leads to the module's parameter.
    func broadcast(to busy: Int, recording: Bool) {
        for r in 0..<busy {
            for (i, original) in originals.enumerated() {
                let copy = replicaParameters[r][i]
                let storage = original.device == devices[r] ? original.storage : Module.move(original.storage, to: backends[r])
                copy.replaceStorage(with: storage)
                copy.requiresGrad = original.requiresGrad
                guard recording, let edge = original.gradientEdge() else {
                    copy.gradFn = nil
                    continue
                }
                let source = original.device
                let recorder = self.recorder
                copy.gradFn = ModuleScope.withCurrent(replicaParameterModules[r][i]) {
                    Node(name: "BroadcastBackward", forwardOp: "broadcast", edges: [edge], saved: [],
                         outputShape: copy.shape, outputDType: copy.dtype) { g, _ in
                        recorder.add(g, replica: r)
                        // The source device was usable when the module was wrapped.
                        return [try! g.to(source)]
                    }
                }
            }
        }
    }

    /// Scatter: rows `rows[r]` of `input` to replica r's device. When the input requires grad,
    /// each chunk's ScatterBackward puts its gradient back at its rows (zeros elsewhere).
    func scatter(_ input: Tensor, rows: [Range<Int>]) -> [Tensor] {
        let tail = Array(input.shape.dropFirst())
        let rowBytes = Shape.count(tail) * input.dtype.byteSize
        let bytes = input.rawBytes()
        let fullShape = input.shape
        let sourceBackend = input.backend
        var chunks: [Tensor] = []
        for (r, range) in rows.enumerated() {
            let storage = bytes.withUnsafeBytes { raw in
                backends[r].upload(UnsafeRawBufferPointer(rebasing: raw[range.lowerBound * rowBytes ..< range.upperBound * rowBytes]),
                                   count: range.count * Shape.count(tail), dtype: input.dtype)
            }
            chunks.append(Tensor.record(storage, shape: [range.count] + tail, inputs: [input], name: "ScatterBackward", op: "scatter") { g, _ in
                [DataParallel.placeRows(g, at: range, in: fullShape, on: sourceBackend)]
            })
        }
        return chunks
    }

    /// Gather: the replicas' outputs joined along dimension 0 on the output device. Its
    /// GatherBackward cuts the incoming gradient into each replica's rows, on that replica's device.
    func gather(_ outputs: [Tensor], rows: [Range<Int>]) -> Tensor {
        let tail = Array(outputs[0].shape.dropFirst())
        let dtype = outputs[0].dtype
        for (r, output) in outputs.enumerated() {
            ensure(output.rank >= 1 && output.shape[0] == rows[r].count && Array(output.shape.dropFirst()) == tail && output.dtype == dtype,
                   "DataParallel: replica \(r) returned \(Shape.describe(output.shape)) \(output.dtype); gather needs [\(rows[r].count), ...] like replica 0's \(Shape.describe(outputs[0].shape)) \(dtype)")
        }
        let rowBytes = Shape.count(tail) * dtype.byteSize
        let total = rows[outputs.count - 1].upperBound
        var bytes = [UInt8](repeating: 0, count: total * rowBytes)
        for (r, output) in outputs.enumerated() {
            let part = output.rawBytes()
            bytes.replaceSubrange(rows[r].lowerBound * rowBytes ..< rows[r].upperBound * rowBytes, with: part)
        }
        let backends = self.backends
        let storage = bytes.withUnsafeBytes { backends[0].upload($0, count: total * Shape.count(tail), dtype: dtype) }
        let busyRows = Array(rows.prefix(outputs.count))
        return Tensor.record(storage, shape: [total] + tail, inputs: SmallList(outputs.map { $0 }), name: "GatherBackward", op: "gather") { g, _ in
            let host = g.rawBytes()
            return Gradients(busyRows.enumerated().map { r, range -> Tensor? in
                let part = host.withUnsafeBytes { raw in
                    backends[r].upload(UnsafeRawBufferPointer(rebasing: raw[range.lowerBound * rowBytes ..< range.upperBound * rowBytes]),
                                       count: range.count * Shape.count(tail), dtype: dtype)
                }
                return Tensor(storage: part, shape: [range.count] + tail)
            })
        }
    }

    /// A tensor of `shape` on `backend`, zero except rows `range`, which hold `rows`.
    static func placeRows(_ rows: Tensor, at range: Range<Int>, in shape: [Int], on backend: any Backend) -> Tensor {
        let rowBytes = Shape.count(Array(shape.dropFirst())) * rows.dtype.byteSize
        var bytes = [UInt8](repeating: 0, count: shape[0] * rowBytes)
        bytes.replaceSubrange(range.lowerBound * rowBytes ..< range.upperBound * rowBytes, with: rows.rawBytes())
        let storage = bytes.withUnsafeBytes { backend.upload($0, count: Shape.count(shape), dtype: rows.dtype) }
        return Tensor(storage: storage, shape: shape)
    }
}

/// The squared gradient norms each replica sent back through its BroadcastBackward nodes during
/// the last backward: only the engine's thread touches it, so a plain class does.
final class ReplicaGradientRecorder {
    private var squares: [Double] = []
    private var reached: [Bool] = []
    private var enabled = false

    func reset(replicas: Int, enabled: Bool) {
        squares = Array(repeating: 0, count: replicas)
        reached = Array(repeating: false, count: replicas)
        self.enabled = enabled
    }

    func add(_ grad: Tensor, replica: Int) {
        guard enabled, replica < squares.count else { return }
        squares[replica] += grad.backend.sumOfSquares(grad.storage)
        reached[replica] = true
    }

    var norms: [Double?] {
        zip(squares, reached).map { $1 ? $0.squareRoot() : nil }
    }
}
