import ArgumentParser
import Autograd

/// `blitz-tui devices`: the CPU and every GPU the CUDA backend can find.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the CPU (threads, BLAS) and any CUDA GPUs.",
        discussion: """
            CUDA is found at run time: libcuda.so.1, libnvrtc and libcublas are searched in the folders
            named by BLITZ_CUDA_PATH (colon-separated) first, then the system's usual places.

            Example:
              BLITZ_CUDA_PATH=/usr/local/cuda/lib64 blitz-tui devices
            """)

    func run() throws {
        let cpu = Backends.cpu
        let kernels = cpu.usesVectorKernels ? "AVX2/FMA kernels" : "portable kernels (no AVX2/FMA)"
        print("cpu      \(CPUBackend.availableCores) cores, \(cpu.numThreads) threads, \(kernels), \(cpu.blasDescription)")
        do {
            let gpus = try CUDADevices.list()
            if gpus.isEmpty { print("cuda     the driver reports no GPU") }
            for gpu in gpus {
                var line = gpu.summary
                if let memory = CUDADevices.memoryStats(index: gpu.index) {
                    line += ", cache: \(memory.allocatedBytes >> 20) MiB allocated, \(memory.reservedBytes >> 20) MiB reserved"
                }
                print(line)
            }
        } catch {
            print("cuda     not available: \(error)")
        }
    }
}
