import Autograd
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Shared by the CUDA tests: where the repository is, and the NVRTC that `make nvrtc` installs
/// into .local/nvrtc (or that BLITZ_CUDA_PATH names), loaded once.
enum CUDATestSupport {
    /// The repository root, from this file's path (Tests/AutogradTests/…).
    static let repositoryRoot: String = {
        var parts = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    static let nvrtcFolders: [String] = [repositoryRoot + "/.local/nvrtc"]
        + CUDASearch.parsePathList(getenv(CUDASearch.environmentVariable).map { String(cString: $0) })

    static let nvrtc: Result<CUDAKernelCompiler, DeviceError> = Result { () throws(DeviceError) in
        try CUDAKernelCompiler.load(search: .only(nvrtcFolders))
    }

    static var hasNVRTC: Bool { (try? nvrtc.get()) != nil }

    /// Whether the NVRTC tests run: NVRTC loaded, or CI requires every test (then they fail with
    /// the loader's own error). A skip prints that error.
    static var nvrtcRequirementMet: Bool {
        Requirement.met(hasNVRTC, {
            if case .failure(let error) = nvrtc { return "NVRTC: \(error)" }
            return ""
        }())
    }

    /// A fresh empty folder under /tmp.
    static func temporaryFolder(_ tag: String) -> String {
        var template = Array("/tmp/blitz-\(tag)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> String? in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }
        guard let made else { fatalError("mkdtemp failed for \(tag)") }
        return made
    }
}
