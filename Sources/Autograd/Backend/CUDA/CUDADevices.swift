import Synchronization

/// The process's CUDA devices, found at run time: the libraries are searched once (see
/// CUDASearch; BLITZ_CUDA_PATH names extra folders), and each GPU's backend is made on first
/// use and kept. Without a driver, a GPU or a library, asking for a GPU throws a DeviceError
/// that says what was missing and where it looked; nothing crashes.
public enum CUDADevices {
    private struct State {
        var libraries: CUDALibraries?
        var backends: [Int: CUDABackend] = [:]
    }

    private static let state = Mutex(State())

    /// The libraries this process uses: by default the search of its environment, done on
    /// first use.
    public static var libraries: CUDALibraries {
        state.withLock { s in
            if let libraries = s.libraries { return libraries }
            let libraries = CUDALibraries.load(search: .fromEnvironment())
            s.libraries = libraries
            return libraries
        }
    }

    /// Uses `libraries` (a search of the caller's own: a folder from a flag, an emulator in a
    /// test) instead of the environment's. Only before any GPU has been used.
    public static func use(_ libraries: CUDALibraries) throws(DeviceError) {
        let result: Result<Void, DeviceError> = state.withLock { s in
            guard s.backends.isEmpty else {
                return .failure(DeviceError("CUDA devices are already in use; choose the CUDA libraries before the first GPU op"))
            }
            s.libraries = libraries
            return .success(())
        }
        try result.get()
    }

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
        let libraries = self.libraries
        let result: Result<CUDABackend, DeviceError> = state.withLock { s in
            if let backend = s.backends[index] { return .success(backend) }
            do throws(DeviceError) {
                let backend = try libraries.makeBackend(index: index)
                s.backends[index] = backend
                return .success(backend)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Memory held by GPU `index`'s allocator, or nil when nothing has used that GPU yet.
    public static func memoryStats(index: Int) -> CUDAMemoryStats? {
        state.withLock { $0.backends[index] }?.memoryStats
    }
}
