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

            Example:
              BLITZ_CUDA_PATH=/usr/local/cuda/lib64 blitz-tui devices

            MPI (Open MPI or MPICH) is found the same way: BLITZ_MPI_PATH first, then the system loader
            and the usual install folders.
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
        // MPI is looked for, not started: `devices` is no rank of any job.
        do {
            let mpi = try MPILibrary.load()
            print("mpi      \(mpi.summary): mpirun -np N blitz-tui train --distributed")
        } catch {
            print("mpi      not available (--distributed needs it): \(error)")
        }
    }
}
