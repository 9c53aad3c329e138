#if canImport(Glibc)
import Glibc
#endif

/// One GPU as the driver describes it, for `blitz-tui devices` and the self-test header.
public struct CUDADeviceInfo: Sendable, Equatable {
    public let index: Int
    public let name: String
    /// Total device memory in bytes.
    public let totalMemory: Int
    public let computeCapabilityMajor: Int
    public let computeCapabilityMinor: Int
    public let multiprocessors: Int
    /// The CUDA version the driver supports, e.g. "12.4" (cuDriverGetVersion).
    public let cudaDriverVersion: String
    /// The NVIDIA kernel driver's version, e.g. "550.54.14", when /proc tells it.
    public let driverVersion: String?

    /// Compute capability as one number: 86 for 8.6 (what sm_86 means).
    public var architecture: Int { computeCapabilityMajor * 10 + computeCapabilityMinor }
    public var computeCapability: String { "\(computeCapabilityMajor).\(computeCapabilityMinor)" }
    public var device: Device { .cuda(index) }

    /// `cuda:0  NVIDIA H100 80GB HBM3  79.1 GiB  sm_90  driver 550.54.14 (CUDA 12.4)`
    public var summary: String {
        let gib = Double(totalMemory) / Double(1 << 30)
        let memory = "\(Int(gib * 10) / 10).\(Int(gib * 10) % 10) GiB"
        let driver = driverVersion.map { "driver \($0) (CUDA \(cudaDriverVersion))" } ?? "CUDA \(cudaDriverVersion)"
        return "cuda:\(index)  \(name)  \(memory)  compute capability \(computeCapability)  \(multiprocessors) SMs  \(driver)"
    }

    public init(index: Int, name: String, totalMemory: Int, computeCapabilityMajor: Int, computeCapabilityMinor: Int,
                multiprocessors: Int, cudaDriverVersion: String, driverVersion: String?) {
        self.index = index
        self.name = name
        self.totalMemory = totalMemory
        self.computeCapabilityMajor = computeCapabilityMajor
        self.computeCapabilityMinor = computeCapabilityMinor
        self.multiprocessors = multiprocessors
        self.cudaDriverVersion = cudaDriverVersion
        self.driverVersion = driverVersion
    }

    /// "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.14  Thu Feb 22 ..." → "550.54.14".
    static func kernelDriverVersion(procText: String?) -> String? {
        guard let line = procText?.split(separator: "\n").first(where: { $0.hasPrefix("NVRM version") }) else { return nil }
        let words = line.split(separator: " ")
        guard let module = words.firstIndex(of: "Module"), module + 1 < words.count else { return nil }
        return String(words[module + 1])
    }

    static func readKernelDriverVersion() -> String? {
        kernelDriverVersion(procText: CUDAKernelCache.read("/proc/driver/nvidia/version").map { String(decoding: $0, as: UTF8.self) })
    }
}
