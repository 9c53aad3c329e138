import Autograd
import Testing
import TestSupport

/// Every kernel source compiles with the real NVRTC, on a machine without a GPU: `make nvrtc`
/// installs libnvrtc from PyPI into .local/nvrtc (make test depends on it). When it could not
/// be installed these tests are skipped, and say so.
@Suite("CUDA kernels compile with NVRTC")
struct CUDAKernelCompileTests {
    @Test("PTX for sm_80 and sm_90",
          .enabled(if: CUDATestSupport.nvrtcRequirementMet, "libnvrtc not found in .local/nvrtc or BLITZ_CUDA_PATH: run `make nvrtc`"),
          arguments: [80, 90], DType.allCases)
    func ptx(architecture: Int, dtype: DType) throws {
        let compiler = try CUDATestSupport.nvrtc.get()
        let image = try compiler.compile(CUDAKernelSource.source(for: dtype), name: "blitz_\(dtype.rawValue).cu",
                                         target: .ptx(architecture: architecture))
        let ptx = image.text
        #expect(ptx.contains(".target sm_\(architecture)"))
        for kernel in CUDAKernelSource.kernels(for: dtype) {
            #expect(ptx.contains(".entry \(kernel.symbol)("), "\(kernel.symbol) missing from the \(dtype) module")
        }
        // The argument blocks are read in place: no kernel copies them to local memory.
        #expect(!ptx.contains("__local_depot"), "a kernel uses local memory")
    }

    @Test("CUBIN for sm_80 and sm_90, as a GPU of that kind gets",
          .enabled(if: CUDATestSupport.nvrtcRequirementMet, "libnvrtc not found in .local/nvrtc or BLITZ_CUDA_PATH: run `make nvrtc`"),
          arguments: [80, 90])
    func cubin(architecture: Int) throws {
        let compiler = try CUDATestSupport.nvrtc.get()
        #expect(compiler.target(for: architecture) == .cubin(architecture: architecture))
        for dtype in DType.allCases {
            let image = try compiler.compile(CUDAKernelSource.source(for: dtype), name: "blitz_\(dtype.rawValue).cu",
                                             target: .cubin(architecture: architecture))
            #expect(Array(image.bytes.prefix(4)) == [0x7F, 0x45, 0x4C, 0x46], "a CUBIN is an ELF file")
        }
    }

    @Test("a device newer than NVRTC knows gets PTX it can JIT",
          .enabled(if: CUDATestSupport.nvrtcRequirementMet, "libnvrtc not found in .local/nvrtc or BLITZ_CUDA_PATH: run `make nvrtc`"))
    func newerDevice() throws {
        let compiler = try CUDATestSupport.nvrtc.get()
        let newest = try #require(compiler.supportedArchitectures.last)
        #expect(compiler.target(for: newest + 1000) == .ptx(architecture: newest))
    }

    @Test("a compile error names the program and carries NVRTC's log",
          .enabled(if: CUDATestSupport.nvrtcRequirementMet, "libnvrtc not found in .local/nvrtc or BLITZ_CUDA_PATH: run `make nvrtc`"))
    func compileError() throws {
        let compiler = try CUDATestSupport.nvrtc.get()
        let error = #expect(throws: DeviceError.self) {
            try compiler.compile("extern \"C\" __global__ void broken() { undefined_name = 1; }", name: "broken.cu",
                                 target: .ptx(architecture: 80))
        }
        #expect(error?.message.contains("nvrtcCompileProgram(broken.cu") == true)
        #expect(error?.message.contains("NVRTC_ERROR_COMPILATION") == true)
        #expect(error?.message.contains("undefined_name") == true)
    }
}
