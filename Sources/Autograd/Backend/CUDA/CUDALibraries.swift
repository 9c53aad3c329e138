/// The result of one search for the CUDA libraries: what was opened, what failed and why.
/// `CUDADevices` holds the process's own (from its environment); tests make their own with
/// a search of their choosing. Nothing here crashes when CUDA is absent: every failure is
/// kept as a message and thrown as a DeviceError when someone asks for a GPU.
public final class CUDALibraries: Sendable {
    public let search: CUDASearch
    public let kernelCache: CUDAKernelCache
    public let driverLookup: CUDALibraryLookup
    public let nvrtcLookup: CUDALibraryLookup?
    public let cublasLookup: CUDALibraryLookup?
    let driverResult: Result<CUDADriver, DeviceError>
    let compilerResult: Result<CUDAKernelCompiler, DeviceError>
    let cublasResult: Result<CuBLASAPI, DeviceError>

    /// Looks for the driver, then NVRTC and cuBLAS (preferring versions the driver can run).
    public static func load(search: CUDASearch, kernelCache: CUDAKernelCache = .standard()) -> CUDALibraries {
        CUDALibraries(search: search, kernelCache: kernelCache)
    }

    private init(search: CUDASearch, kernelCache: CUDAKernelCache) {
        self.search = search
        self.kernelCache = kernelCache
        let driverLookup = CUDALibraryLookup.find(.driver, in: search)
        self.driverLookup = driverLookup
        driverResult = Result { () throws(DeviceError) in try CUDADriver(driverLookup) }
        let major = try? driverResult.get().majorVersion
        // Without a driver there is nothing to run kernels on: skip the large libraries.
        if case .success = driverResult {
            let nvrtc = CUDALibraryLookup.find(.nvrtc, in: search, driverMajor: major)
            let cublas = CUDALibraryLookup.find(.cublas, in: search, driverMajor: major)
            nvrtcLookup = nvrtc
            cublasLookup = cublas
            compilerResult = Result { () throws(DeviceError) in try CUDAKernelCompiler(nvrtc) }
            cublasResult = Result { () throws(DeviceError) in
                guard let lib = cublas.library else { throw DeviceError(cublas.description) }
                return try CuBLASAPI(lib)
            }
        } else {
            nvrtcLookup = nil
            cublasLookup = nil
            let skipped = DeviceError("not looked for: no CUDA driver")
            compilerResult = .failure(skipped)
            cublasResult = .failure(skipped)
        }
    }

    /// What was found, what was not and where it looked.
    public var availability: CUDAAvailability {
        var problems: [String] = []
        var deviceCount = 0
        var driverVersion: String?
        switch driverResult {
        case .failure(let e):
            problems.append(driverLookup.found ? e.message : driverLookup.description + " (is an NVIDIA GPU with its driver installed?)")
        case .success(let driver):
            deviceCount = driver.deviceCount
            driverVersion = driver.versionText
            if deviceCount == 0 { problems.append("the driver (\(driver.path)) reports no CUDA device") }
            if case .failure(let e) = compilerResult { problems.append(e.message) }
            if case .failure(let e) = cublasResult { problems.append(e.message) }
        }
        return CUDAAvailability(search: search, driver: driverLookup, nvrtc: nvrtcLookup, cublas: cublasLookup,
                                cudaDriverVersion: driverVersion, deviceCount: deviceCount,
                                nvrtcVersion: try? compilerResult.get().version, problems: problems)
    }

    /// Every GPU the driver reports (an empty list when it reports none).
    public func devices() throws(DeviceError) -> [CUDADeviceInfo] {
        let driver = try driverResult.get()
        var list: [CUDADeviceInfo] = []
        for i in 0..<driver.deviceCount { list.append(try driver.info(i)) }
        return list
    }

    /// A new backend for GPU `index`: context, cuBLAS handle and compiled kernels.
    public func makeBackend(index: Int) throws(DeviceError) -> CUDABackend {
        let availability = self.availability
        if let problem = availability.problems.first {
            throw DeviceError("cuda:\(index) is not available: \(problem). \(CUDAAvailability.hint)")
        }
        guard index >= 0 && index < availability.deviceCount else {
            let n = availability.deviceCount
            throw DeviceError("cuda:\(index) is not available: the driver reports \(n) CUDA device\(n == 1 ? "" : "s") (cuda:0\(n > 1 ? "...cuda:\(n - 1)" : ""))")
        }
        return try CUDABackend(driver: driverResult.get(), compiler: compilerResult.get(), cublas: cublasResult.get(),
                               cache: kernelCache, index: index)
    }
}

/// A readable account of a search: for `blitz-tui devices` and for error messages.
public struct CUDAAvailability: Sendable {
    public let search: CUDASearch
    public let driver: CUDALibraryLookup
    public let nvrtc: CUDALibraryLookup?
    public let cublas: CUDALibraryLookup?
    /// The CUDA version the driver supports ("12.4"), when a driver was loaded.
    public let cudaDriverVersion: String?
    public let deviceCount: Int
    public let nvrtcVersion: String?
    /// What stops the CUDA backend, first cause first; empty when it can run.
    public let problems: [String]

    public var isAvailable: Bool { problems.isEmpty && deviceCount > 0 }

    static let hint = "Set \(CUDASearch.environmentVariable) to the folder that holds the CUDA libraries (see docs/gpu.md)."

    /// Several lines: each library found (where) or not (where it looked), and the devices.
    public var summary: String {
        var lines: [String] = []
        lines.append(driver.found ? "driver: \(driver.path!)" + (cudaDriverVersion.map { " (CUDA \($0))" } ?? "") : "driver: " + driver.description)
        if let nvrtc { lines.append("nvrtc: " + (nvrtc.found ? nvrtc.path! + (nvrtcVersion.map { " (\($0))" } ?? "") : nvrtc.description)) }
        if let cublas { lines.append("cublas: " + (cublas.found ? cublas.path! : cublas.description)) }
        lines.append("devices: \(deviceCount)")
        // Problems other than a library not found (those are on the lines above).
        let shown = [driver, nvrtc, cublas].compactMap { $0 }.filter { !$0.found }.map(\.description)
        for problem in problems where !shown.contains(where: { problem.hasPrefix($0) }) { lines.append("problem: \(problem)") }
        return lines.joined(separator: "\n")
    }
}
