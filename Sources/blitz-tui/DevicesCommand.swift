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

            The CPU line names the vector kernels in use (AVX-512, AVX2 or portable); BLITZ_CPU_VECTOR=avx2
            or =portable caps them. The blas line names OpenBLAS's kernels and who chose them: on an AMD
            CPU with AVX-512, which OpenBLAS 0.3.21 does not recognise, blitz-tui chooses them at start-up
            unless OPENBLAS_CORETYPE is set.

            Example:
              BLITZ_CUDA_PATH=/usr/local/cuda/lib64 blitz-tui devices
            """)

    func run() throws {
        let cpu = Backends.cpu
        let width = cpu.vectorWidth
        var kernels = width == .portable ? "portable kernels" : "\(width) kernels (\(width.floatLanes) floats a vector)"
        if width < VectorWidth.cpu { kernels += ", capped below the CPU's \(VectorWidth.cpu) by BLITZ_CPU_VECTOR" }
        print("cpu      \(CPUBackend.availableCores) cores, \(cpu.numThreads) threads, \(kernels), \(cpu.blasDescription)")
        print("blas     OpenBLAS core: \(cpu.blasCore)")
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
