#if canImport(Glibc)
import Glibc
#endif

/// Which backend serves each device. CPU work goes to `CPUBackend` unless a scope asks for the
/// reference backend (the tests run the same code through both); CUDA is found at run time.
public enum Backends {
    /// BLITZ_CPU_VECTOR=avx2 or =portable caps the width of its vector kernels below what the CPU
    /// runs (to compare widths, or to step around a kernel); unset or anything else, the CPU decides.
    public static let cpu = CPUBackend(maxVectorWidth: VectorWidth(environment: getenv("BLITZ_CPU_VECTOR")))
    public static let reference = ReferenceBackend()

    /// Overrides the CPU backend for tensors created inside `withCPUBackend`.
    @TaskLocal static var cpuOverride: (any Backend)? = nil

    /// The backend new CPU tensors are created on here.
    public static var defaultCPU: any Backend { cpuOverride ?? cpu }

    /// Runs `body` with new CPU tensors (and so every op on them) on `backend`.
    public static func withCPUBackend<R>(_ backend: any Backend, _ body: () throws -> R) rethrows -> R {
        try $cpuOverride.withValue(backend) { try body() }
    }

    /// The backend for `device`, or why it cannot be used.
    public static func backend(for device: Device) throws(DeviceError) -> any Backend {
        switch device {
        case .cpu: return defaultCPU
        case .cuda(let index): return try CUDADevices.backend(index: index)
        }
    }
}
