import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// The widest vector instructions this CPU and its OS run, as CPUID and XGETBV report them.
public enum VectorWidth: Int, Sendable, Comparable, CustomStringConvertible {
    case portable = 0
    case avx2 = 1
    case avx512 = 2

    /// This machine's (read once).
    public static let cpu = VectorWidth(rawValue: Int(blitz_cpu_vector_level())) ?? .portable

    /// Floats per register at this width (4 for SSE2, the baseline the Swift loops compile for).
    public var floatLanes: Int {
        switch self {
        case .portable: return 4
        case .avx2: return 8
        case .avx512: return 16
        }
    }

    public var description: String {
        switch self {
        case .portable: return "portable"
        case .avx2: return "AVX2"
        case .avx512: return "AVX-512"
        }
    }

    public static func < (a: VectorWidth, b: VectorWidth) -> Bool { a.rawValue < b.rawValue }

    /// A cap named by an environment variable's value ("avx512", "avx2", "portable"); AVX-512
    /// (no cap) for anything else.
    init(environment value: UnsafePointer<CChar>?) {
        switch value.map({ String(cString: $0).lowercased() }) {
        case "avx2": self = .avx2
        case "portable": self = .portable
        default: self = .avx512
        }
    }
}

extension CPUBackend {
    /// OpenBLAS's own description of its build (version, kernel, threading), for `blitz-tui devices`.
    public var blasDescription: String {
        guard let config = blitz_openblas_get_config() else { return "OpenBLAS" }
        return String(cString: config)
    }

    /// The kernels OpenBLAS runs (its core type: Haswell, SkylakeX, Cooperlake...) and who chose
    /// them, for `blitz-tui devices`.
    public var blasCore: BLASCore { BLASCore.current }

    /// Which code runs matrix products, for `blitz-tui devices`: blitz-tui's own float32 GEMM at
    /// AVX-512 (OpenBLAS's kernels may be AVX2 there: CPUGemm.swift), OpenBLAS otherwise.
    public var gemmDescription: String {
        runsOwnFloatGemm
            ? "float32: blitz-tui's AVX-512 GEMM (12×32 register tiles); float64: OpenBLAS"
            : "float32 and float64: OpenBLAS"
    }

    /// Cores this process may use.
    public static var availableCores: Int {
        Int(blitz_openblas_get_num_procs())
    }
}

/// OpenBLAS's core type and who chose it: blitz-tui when it loaded OpenBLAS (Sources/CKernels/
/// openblas.c says when and how), the OPENBLAS_CORETYPE variable, or OpenBLAS itself.
public struct BLASCore: Sendable, Equatable, CustomStringConvertible {
    public enum Origin: Sendable, Equatable {
        /// blitz-tui set OPENBLAS_CORETYPE to this value for OpenBLAS's load (and unset it after).
        case chosenAtStartUp(String)
        /// OPENBLAS_CORETYPE was set to this value in the environment; `preferred` is what
        /// blitz-tui would have chosen without it (nil: OpenBLAS's own choice).
        case environment(String, preferred: String?)
        /// OpenBLAS chose.
        case library
    }

    /// As OpenBLAS names it (openblas_get_corename).
    public var name: String
    public var origin: Origin

    public static var current: BLASCore {
        let name = blitz_openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        if let chosen = blitz_openblas_core_chosen() {
            return BLASCore(name: name, origin: .chosenAtStartUp(String(cString: chosen)))
        }
        if let set = getenv("OPENBLAS_CORETYPE") {
            let preferred = blitz_openblas_core_for_this_cpu().map { String(cString: $0) }
            return BLASCore(name: name, origin: .environment(String(cString: set), preferred: preferred))
        }
        return BLASCore(name: name, origin: .library)
    }

    /// What blitz-tui chooses on this CPU when OPENBLAS_CORETYPE is unset (nil: OpenBLAS decides).
    public static var choiceForThisCPU: String? {
        blitz_openblas_core_for_this_cpu().map { String(cString: $0) }
    }

    public var description: String {
        switch origin {
        case .chosenAtStartUp(let value):
            return "\(name) (chosen by blitz-tui for this AMD CPU with AVX-512, which OpenBLAS 0.3.21 does not "
                + "recognise: OPENBLAS_CORETYPE=\(value) while it loaded)"
        case .environment(let value, let preferred):
            let note = preferred.map { "; unset, blitz-tui would choose \($0)" } ?? ""
            return "\(name) (OPENBLAS_CORETYPE=\(value) in the environment\(note))"
        case .library:
            return "\(name) (OpenBLAS's own choice)"
        }
    }
}

/// OpenBLAS's products and thread count, for code outside the backend (blitz-bench's raw sgemm).
/// CPUBackend itself goes through CPUGemm, which keeps OpenBLAS on one thread.
public enum OpenBLAS {
    /// Why OpenBLAS could not be loaded, with what to install; nil once it is loaded. Loading it
    /// here, before a run starts, lets a missing library be a clean error rather than an exit from
    /// the middle of the first product (with the terminal UI on screen, that left it raw).
    public static var loadError: String? {
        guard let error = blitz_openblas_load_error() else { return nil }
        return String(cString: error) + ". " + String(cString: blitz_openblas_install_hint)
    }

    /// OpenBLAS's own thread count for its products.
    public static func setNumThreads(_ n: Int) {
        blitz_openblas_set_num_threads(Int32(n))
    }

    /// Row-major C[m×n] = A[m×k]·B[k×n], no transposes, packed.
    public static func sgemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                             _ c: UnsafeMutablePointer<Float>) {
        blitz_sgemm(false, false, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }
}
