import ArgumentParser
import Autograd

/// `blitz-tui devices`: the CPU and every GPU the CUDA backend can find.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the CPU (threads, BLAS) and any CUDA GPUs.",
        discussion: """
            CUDA is found at run time: libcuda.so.1, libnvrtc and libcublas are searched in the usual
            places and in the folder named by BLITZ_CUDA_PATH.
            """)

    func run() throws {
        let cpu = Backends.cpu
        print("cpu      \(CPUBackend.availableCores) cores, \(cpu.numThreads) threads, \(cpu.blasDescription)")
        do {
            let backend = try CUDADevices.backend(index: 0)
            print("cuda:0   \(backend.name)")
        } catch {
            print("cuda     not available: \(error)")
        }
    }
}
