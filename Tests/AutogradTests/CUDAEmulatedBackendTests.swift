import Autograd
import Testing

/// The whole CUDA backend, run on the CPU emulation of the driver (CUDAEmulator): every kernel
/// and composite op of the self-test must match the CPU backend, the allocator must reuse
/// blocks, and the kernel cache must keep NVRTC from running twice.
@Suite("CUDA backend on the emulated driver", .serialized,
       .enabled(if: CUDAEmulator.isAvailable, "the CUDA emulator needs a C++ compiler (clang++ from the Swift toolchain, or g++)"))
struct CUDAEmulatedBackendTests {
    @Test("the self-test passes: every kernel and composite op matches the CPU")
    func selfTest() throws {
        let backend = try CUDAEmulator.backend.get()
        let report = CUDASelfTest.run(backend: backend, seed: 7)
        if !report.passed { print(report.table) }
        #expect(report.failures.isEmpty, "\(report.failures.map { "\($0.name) \($0.dtype) \($0.detail): \($0.note)" })")
        #expect(report.rows.count > 200)
        #expect(report.table.contains("passed, 0 failed"))
    }
}
