import Autograd
import Foundation
import Testing

/// Without a driver or a library, asking for a GPU is a DeviceError that says what was not
/// found and where it looked, never a crash.
@Suite("CUDA not available")
struct CUDAAvailabilityTests {
    @Test("BLITZ_CUDA_PATH naming an empty folder: the error names libcuda.so.1 and the folder")
    func emptyFolder() throws {
        let folder = CUDATestSupport.temporaryFolder("empty")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let libraries = CUDALibraries.load(search: .only([folder]), kernelCache: CUDAKernelCache(folder: nil))
        let error = #expect(throws: DeviceError.self) { try libraries.makeBackend(index: 0) }
        let message = try #require(error?.message)
        #expect(message.hasPrefix("cuda:0 is not available: the NVIDIA driver's CUDA library was not found"))
        #expect(message.contains("tried libcuda.so.1, libcuda.so"))
        #expect(message.contains("Looked in: \(folder)"))
        #expect(message.contains("BLITZ_CUDA_PATH"))
        #expect(throws: DeviceError.self) { try libraries.devices() }
        let availability = libraries.availability
        #expect(!availability.isAvailable)
        #expect(availability.deviceCount == 0)
        #expect(availability.nvrtc == nil && availability.cublas == nil, "no driver: the big libraries are not even opened")
        #expect(availability.summary.contains("driver: the NVIDIA driver's CUDA library was not found"))
    }

    @Test("a folder that does not exist is reported as such")
    func missingFolder() throws {
        let folder = "/nonexistent/blitz-cuda"
        let libraries = CUDALibraries.load(search: .only([folder]), kernelCache: CUDAKernelCache(folder: nil))
        let error = #expect(throws: DeviceError.self) { try libraries.makeBackend(index: 0) }
        #expect(error?.message.contains("\(folder) (no such folder)") == true)
    }

    @Test("a file that is not a library is reported with dlopen's reason")
    func brokenLibrary() throws {
        let folder = CUDATestSupport.temporaryFolder("broken")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "not a library".write(toFile: folder + "/libcuda.so.1", atomically: true, encoding: .utf8)
        let libraries = CUDALibraries.load(search: .only([folder]), kernelCache: CUDAKernelCache(folder: nil))
        let error = #expect(throws: DeviceError.self) { try libraries.makeBackend(index: 0) }
        let message = try #require(error?.message)
        #expect(message.contains("Could not open: \(folder)/libcuda.so.1: "))
    }

    @Test("this process's search: a GPU is either usable or a DeviceError that says why")
    func processWide() throws {
        let availability = CUDADevices.availability
        if availability.isAvailable {
            let backend = try Backends.backend(for: .cuda(0))
            #expect(backend.device == .cuda(0))
        } else {
            let error = #expect(throws: DeviceError.self) { try Backends.backend(for: .cuda(0)) }
            let message = try #require(error?.message)
            #expect(message.hasPrefix("cuda:0 is not available: "))
            #expect(message.contains(availability.problems[0]))
            #expect(message.contains("BLITZ_CUDA_PATH"))
            #expect(throws: DeviceError.self) { try Tensor([1.0, 2.0] as [Float]).to(.cuda(0)) }
        }
    }

    @Test("the search reads BLITZ_CUDA_PATH as a colon-separated list and looks in the usual places")
    func search() {
        #expect(CUDASearch.parsePathList("/a:/b::/c:") == ["/a", "/b", "/c"])
        #expect(CUDASearch.parsePathList(nil) == [])
        let folders = CUDASearch.standardFolders { $0 == "VIRTUAL_ENV" ? "/root/venv-torch" : nil }
        #expect(folders.starts(with: ["/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/lib/x86_64-linux-gnu"]))
        #expect(folders.contains("/usr/local/cuda/lib64"))
        let search = CUDASearch.fromEnvironment()
        #expect(search.usesSystemLoader)
    }

    @Test("NVRTC and cuBLAS versions that the driver can run are tried first")
    func candidateOrder() {
        #expect(CUDALibraryKind.driver.candidateNames(driverMajor: nil) == ["libcuda.so.1", "libcuda.so"])
        #expect(CUDALibraryKind.nvrtc.candidateNames(driverMajor: 12)
                == ["libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.13", "libnvrtc.so"])
        #expect(CUDALibraryKind.cublas.candidateNames(driverMajor: 13)
                == ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"])
    }

    @Test("the kernel cache lives under XDG_CACHE_HOME, else ~/.cache")
    func cacheFolder() {
        #expect(CUDAKernelCache.defaultFolder { $0 == "XDG_CACHE_HOME" ? "/x/cache" : "/home/me" } == "/x/cache/blitz-tui/kernels")
        #expect(CUDAKernelCache.defaultFolder { $0 == "HOME" ? "/home/me" : nil } == "/home/me/.cache/blitz-tui/kernels")
        #expect(CUDAKernelCache.defaultFolder { _ in nil } == nil)
    }
}
