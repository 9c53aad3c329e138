import Synchronization

/// The process's CUDA devices, found at run time: the libraries are searched once (see
/// CUDASearch; BLITZ_CUDA_PATH names extra folders), and each GPU's backend is made on first
/// use and kept. Without a driver, a GPU or a library, asking for a GPU throws a DeviceError
/// that says what was missing and where it looked; nothing crashes.
public enum CUDADevices {
    /// The search from this process's environment, done on first use.
    public static let libraries = CUDALibraries.load(search: .fromEnvironment())

    private static let backends = Mutex<[Int: CUDABackend]>([:])

    /// What was found and where it looked.
    public static var availability: CUDAAvailability { libraries.availability }

    /// Every GPU: index, name, memory, compute capability, driver version.
    public static func list() throws(DeviceError) -> [CUDADeviceInfo] {
        try libraries.devices()
    }

    /// The backend of GPU `index`, made (contexts, kernels compiled) the first time.
    public static func backend(index: Int) throws(DeviceError) -> any Backend {
        try cudaBackend(index: index)
    }

    public static func cudaBackend(index: Int) throws(DeviceError) -> CUDABackend {
        let result: Result<CUDABackend, DeviceError> = backends.withLock { made in
            if let backend = made[index] { return .success(backend) }
            do throws(DeviceError) {
                let backend = try libraries.makeBackend(index: index)
                made[index] = backend
                return .success(backend)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Memory held by GPU `index`'s allocator, or nil when nothing has used that GPU yet.
    public static func memoryStats(index: Int) -> CUDAMemoryStats? {
        backends.withLock { $0[index] }?.memoryStats
    }
}
