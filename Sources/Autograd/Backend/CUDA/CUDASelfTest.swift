/// `blitz-tui selftest --device cuda`: every Backend kernel, and a few composite ops with
/// their backward, run on a GPU and on the CPU on the same fresh random inputs; each answer
/// must be within a relative error of 1e-4 of the CPU's (NaN never passes). Device outputs are
/// poisoned with NaN before each run (see `CUDABackend.poisonsAllocations`), so an element a
/// kernel forgets to write is caught.
///
/// Checks that need the model zoo or the trainer (the 200-step training comparison, the
/// batch-256 step timing) are passed in as `SelfTestCheck`s by the caller, which can see them.
public enum CUDASelfTest {
    /// The largest relative error that passes.
    public static let tolerance = SelfTestComparison.tolerance

    /// Runs the self-test on GPU `device`; throws when that GPU cannot be used at all.
    public static func run(device: Int, seed: UInt64 = 0, dtypes: [DType] = [.float32, .float64],
                           extraChecks: [SelfTestCheck] = []) throws(DeviceError) -> SelfTestReport {
        let backend = try CUDADevices.cudaBackend(index: device)
        return run(backend: backend, seed: seed, dtypes: dtypes, extraChecks: extraChecks)
    }

    /// Runs the self-test on `backend` (a device backend made by `CUDALibraries`).
    public static func run(backend: CUDABackend, seed: UInt64 = 0, dtypes: [DType] = [.float32, .float64],
                           extraChecks: [SelfTestCheck] = []) -> SelfTestReport {
        let poisoned = backend.poisonsAllocations
        backend.poisonsAllocations = true
        defer { backend.poisonsAllocations = poisoned }
        var bench = SelfTestBench(device: backend, cpu: Backends.cpu, seed: seed)
        memoryChecks(&bench)
        for dtype in dtypes {
            kernelChecks(&bench, dtype)
            compositeChecks(&bench, dtype)
        }
        var rows = bench.rows
        for check in extraChecks {
            do {
                rows += try check.run(backend.device)
            } catch {
                rows.append(SelfTestRow(name: check.name, dtype: "", detail: "", maxError: .nan, passed: false, note: "\(error)"))
            }
        }
        let device = backend.info.summary + "  kernels: \(backend.kernelTarget) (NVRTC \(backend.compilerVersion))"
        return SelfTestReport(device: device, rows: rows)
    }
}
