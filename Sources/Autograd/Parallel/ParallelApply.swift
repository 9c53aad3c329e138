import Dispatch

/// PyTorch's parallel_apply: runs one closure per replica, each on a thread of its own, and
/// returns their results in replica order once every one has finished.
///
/// Grad mode, anomaly mode and the CPU backend choice are task-locals, which a new thread does
/// not inherit: they are read here and set again on each worker, so replicas run under no_grad
/// when their caller does.
enum ParallelApply {
    static func run(_ count: Int, _ body: (Int) -> Tensor) -> [Tensor] {
        if count == 1 { return [body(0)] }
        let grad = GradMode.isEnabled
        let anomaly = AnomalyMode.isEnabled
        let cpu = Backends.cpuOverride
        return withoutActuallyEscaping(body) { escaping in
            let work = ReplicaWork(count: count, body: escaping)
            DispatchQueue.concurrentPerform(iterations: count) { r in
                setGradEnabled(grad) {
                    AnomalyMode.$isEnabled.withValue(anomaly) {
                        Backends.$cpuOverride.withValue(cpu) { work.run(r) }
                    }
                }
            }
            return work.results()
        }
    }
}

/// The replicas' work, handed to Dispatch's threads. It holds Modules and Tensors, which are not
/// Sendable, and is sound to share for these reasons: iteration r calls the body for replica r
/// only, which touches that replica's module, its input chunk and its own result slot; replicas
/// share no mutable state (their parameters alias the wrapped module's storage, read only, and
/// the nodes that lead back to the module were made before the threads started); what they do
/// share is thread-safe (node numbering and live-tensor counts are atomics, the CPU buffer pool
/// and CUDA allocators lock, each CUDA call makes its device's context current on its thread);
/// and `run` reads the results only after concurrentPerform has returned, i.e. after every
/// iteration has finished. The body does not outlive the call (withoutActuallyEscaping).
private final class ReplicaWork: @unchecked Sendable {
    private let body: (Int) -> Tensor
    private let slots: UnsafeMutablePointer<Tensor?>
    private let count: Int

    init(count: Int, body: @escaping (Int) -> Tensor) {
        self.count = count
        self.body = body
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    func run(_ r: Int) {
        slots[r] = body(r)
    }

    func results() -> [Tensor] {
        (0..<count).map { slots[$0]! }
    }
}
