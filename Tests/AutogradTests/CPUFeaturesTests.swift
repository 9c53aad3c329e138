import Autograd
import Foundation
import Testing

/// What the CPU backend reads from the CPU, and OpenBLAS's core type chosen at start-up. The
/// environment is never changed here (OPENBLAS_CORETYPE may be set on purpose where this runs):
/// whichever case this process is in, it checks what must hold in that case.
@Suite struct CPUFeaturesTests {
    @Test func backendsRunTheWidthTheyAskForUpToTheCPUs() {
        #expect(CPUBackend(threads: 1).vectorWidth == VectorWidth.cpu)
        #expect(CPUBackend(threads: 1, maxVectorWidth: .avx2).vectorWidth == Swift.min(.avx2, VectorWidth.cpu))
        #expect(CPUBackend(threads: 1, vectorKernels: false).vectorWidth == .portable)
        #expect(!CPUBackend(threads: 1, vectorKernels: false).usesVectorKernels)
        #expect(VectorWidth.avx512.floatLanes == 16 && VectorWidth.avx2.floatLanes == 8)
        #expect(VectorWidth.avx512.description == "AVX-512")
    }

    @Test func theOpenBLASCoreChoiceNeverOverridesTheUser() {
        let core = Backends.cpu.blasCore
        switch core.origin {
        case .chosenAtStartUp(let value):
            // Chosen only when the variable was unset, then taken back out of the environment.
            #expect(getenv("OPENBLAS_CORETYPE") == nil)
            #expect(value == BLASCore.choiceForThisCPU)
            #expect(core.name.lowercased() == value.lowercased(), "OpenBLAS runs the kernels chosen for it")
        case .environment(let value, let preferred):
            #expect(getenv("OPENBLAS_CORETYPE").map { String(cString: $0) } == value)
            #expect(preferred == BLASCore.choiceForThisCPU)
        case .library:
            #expect(getenv("OPENBLAS_CORETYPE") == nil)
            #expect(BLASCore.choiceForThisCPU == nil)
        }
        #expect(core.description.hasPrefix(core.name + " ("))
    }

    @Test func float32ProductsUseTheOwnGEMMOnlyAtAVX512() {
        for width in [VectorWidth.avx512, .avx2, .portable] {
            let backend = CPUBackend(threads: 1, maxVectorWidth: width)
            let own = backend.gemmDescription.hasPrefix("float32: blitz-tui's AVX-512 GEMM")
            #expect(own == (backend.vectorWidth == .avx512), "\(width): \(backend.gemmDescription)")
            #expect(backend.gemmDescription.contains("float64") && backend.gemmDescription.contains("OpenBLAS"))
        }
    }

    @Test func aChoiceIsMadeOnlyForAVX512() {
        if let choice = BLASCore.choiceForThisCPU {
            #expect(VectorWidth.cpu == .avx512)
            #expect(["COOPERLAKE", "SKYLAKEX"].contains(choice))
        }
    }
}
