import ArgumentParser
import Autograd

/// `blitz-tui devices`: the CPU and every GPU the CUDA backend can find.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the CPU (threads, BLAS), any CUDA GPUs, and the MPI library --distributed would use.",
        discussion: """
            CUDA is found at run time: libcuda.so.1, libnvrtc and libcublas are searched in the folders
            named by BLITZ_CUDA_PATH (colon-separated) first, then the system's usual places.

            The CPU line names the vector kernels in use (AVX-512, AVX2 or portable); BLITZ_CPU_VECTOR=avx2
            or =portable caps them. The gemm line says what runs matrix products: blitz-tui's own float32
            GEMM at AVX-512, OpenBLAS for float64 and narrower widths. The blas line names OpenBLAS's
            kernels and who chose them: on an AMD CPU with AVX-512, which OpenBLAS 0.3.21 does not
            recognise, blitz-tui chooses them at start-up unless OPENBLAS_CORETYPE is set.

            Example:
              BLITZ_CUDA_PATH=/usr/local/cuda/lib64 blitz-tui devices

            MPI (Open MPI or MPICH) is found the same way: BLITZ_MPI_PATH first, then the system loader
            and the usual install folders.
            """)

    func run() throws {
        let cpu = Backends.cpu
        let width = cpu.vectorWidth
        var kernels = width == .portable ? "portable kernels" : "\(width) kernels (\(width.floatLanes) floats a vector)"
        if width < VectorWidth.cpu { kernels += ", capped below the CPU's \(VectorWidth.cpu) by BLITZ_CPU_VECTOR" }
        print("cpu      \(CPUBackend.availableCores) cores, \(cpu.numThreads) threads, \(kernels), \(cpu.blasDescription)")
        print("gemm     \(cpu.gemmDescription)")
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
        // MPI is looked for, not started: `devices` is no rank of any job.
        do {
            let mpi = try MPILibrary.load()
            print("mpi      \(mpi.summary): mpirun -np N blitz-tui train --distributed")
        } catch {
            print("mpi      not available (--distributed needs it): \(error)")
        }
    }
}
