import Autograd
import Foundation
import TestSupport

/// The CUDA backend on a machine without a GPU: the stand-ins of CUDAEmulatorSources are built
/// with the toolchain's C++ compiler into a temporary folder named libcuda.so.1,
/// libnvrtc.so.13 and libcublas.so.13, found there by an ordinary `CUDASearch.only`, and the
/// real CUDABackend runs on them: argument packing, launch geometry, kernel logic (the very
/// sources NVRTC compiles), the cuBLAS operand swap, the allocator and the status word.
enum CUDAEmulator {
    struct Setup {
        let folder: String
        let cxx: String
        let libraries: CUDALibraries
    }

    /// Built once per test process.
    static let setup: Result<Setup, EmulatorUnavailable> = build()

    static var isAvailable: Bool { (try? setup.get()) != nil }

    /// Whether the emulator's tests run: it was built, or CI requires every test (then they fail
    /// with the build's real error). A skip prints that error too.
    static var requirementMet: Bool {
        Requirement.met(isAvailable, {
            if case .failure(let error) = setup { return "CUDA emulator: \(error.description)" }
            return ""
        }())
    }

    /// Why the emulator could not be built (no C++ compiler, a compile error).
    struct EmulatorUnavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// A backend on the emulated GPU, made once and shared (making one compiles three modules).
    static let backend: Result<CUDABackend, DeviceError> = Result { () throws(DeviceError) in
        guard let s = try? setup.get() else { throw DeviceError("no emulator") }
        return try s.libraries.makeBackend(index: 0)
    }

    /// A C++ compiler: $CXX, else clang++ (the Swift toolchain has one), else g++.
    static func findCompiler() -> String? {
        if let cxx = ProcessInfo.processInfo.environment["CXX"], !cxx.isEmpty { return cxx }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["clang++", "g++"] {
            for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    static func build() -> Result<Setup, EmulatorUnavailable> {
        guard let cxx = findCompiler() else { return .failure(EmulatorUnavailable(description: "no C++ compiler (clang++ or g++) on PATH")) }
        // One folder per version of the sources, shared by test processes (exit tests start
        // new ones), so the stand-ins and the emulated modules are built once.
        let version = fnv1a(CUDAEmulatorSources.prelude + CUDAEmulatorSources.driver + CUDAEmulatorSources.nvrtc
                            + CUDAEmulatorSources.cublas + cxx)
        let folder = "/tmp/blitz-cuda-emulator-\(getuid())-\(String(version, radix: 16))"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try CUDAEmulatorSources.prelude.write(toFile: folder + "/emu_prelude.h", atomically: true, encoding: .utf8)
            let libraries: [(String, String, String)] = [
                ("driver", CUDAEmulatorSources.driver, "libcuda.so.1"),
                ("nvrtc", CUDAEmulatorSources.nvrtc, "libnvrtc.so.13"),
                ("cublas", CUDAEmulatorSources.cublas, "libcublas.so.13"),
            ]
            for (name, source, file) in libraries where !FileManager.default.fileExists(atPath: "\(folder)/\(file)") {
                let cpp = "\(folder)/fake_\(name).\(getpid()).cpp"
                let built = "\(folder)/\(file).\(getpid()).tmp"
                try source.write(toFile: cpp, atomically: true, encoding: .utf8)
                // A soname of its own, so no later dlopen("libcuda.so.1") can pick the stand-in up.
                try run(cxx, ["-std=c++17", "-O1", "-shared", "-fPIC", "-w", "-Wl,-soname,libblitz-fake-\(name).so",
                              "-o", built, cpp, "-ldl", "-lpthread"])
                rename(built, "\(folder)/\(file)")
            }
        } catch {
            return .failure(EmulatorUnavailable(description: "building the CUDA emulator failed: \(error)"))
        }
        guard let driver = dlopen(folder + "/libcuda.so.1", RTLD_NOW | RTLD_LOCAL),
              let configure = dlsym(driver, "fake_cuda_configure") else {
            return .failure(EmulatorUnavailable(description: "the emulated driver does not load"))
        }
        typealias Configure = @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>) -> Void
        unsafeBitCast(configure, to: Configure.self)(cxx, folder)
        let cache = CUDAKernelCache(folder: folder + "/kernel-cache")
        return .success(Setup(folder: folder, cxx: cxx, libraries: CUDALibraries.load(search: .only([folder]), kernelCache: cache)))
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw EmulatorUnavailable(description: "\(tool) \(arguments.joined(separator: " ")):\n" + String(decoding: output, as: UTF8.self))
        }
    }

    /// A C function exported by one of the stand-ins (counters, the memory limit).
    static func symbol<T>(_ library: String, _ name: String, as type: T.Type) -> T? {
        guard let s = try? setup.get(), let h = dlopen("\(s.folder)/\(library)", RTLD_NOW | RTLD_LOCAL),
              let f = dlsym(h, name) else { return nil }
        return unsafeBitCast(f, to: T.self)
    }
}
