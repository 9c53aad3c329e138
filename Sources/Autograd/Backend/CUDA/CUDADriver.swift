/// The driver library, opened and initialised (cuInit), with what it reports.
final class CUDADriver: Sendable {
    let api: CUDADriverAPI
    let path: String
    /// cuDriverGetVersion: 12040 for CUDA 12.4.
    let version: Int
    let deviceCount: Int

    var versionText: String { "\(version / 1000).\(version % 1000 / 10)" }
    var majorVersion: Int { version / 1000 }

    init(_ lookup: CUDALibraryLookup) throws(DeviceError) {
        guard let lib = lookup.library else { throw DeviceError(lookup.description) }
        api = try CUDADriverAPI(lib)
        path = lookup.path ?? lib.path
        try api.check(api.cuInit(0), "cuInit (driver \(path))")
        var v: Int32 = 0
        try api.check(api.cuDriverGetVersion(&v), "cuDriverGetVersion")
        version = Int(v)
        var n: Int32 = 0
        try api.check(api.cuDeviceGetCount(&n), "cuDeviceGetCount")
        deviceCount = Int(n)
    }

    /// The CUdevice handle of ordinal `index`.
    func device(_ index: Int) throws(DeviceError) -> Int32 {
        var d: Int32 = 0
        try api.check(api.cuDeviceGet(&d, Int32(index)), "cuDeviceGet(\(index))")
        return d
    }

    func info(_ index: Int) throws(DeviceError) -> CUDADeviceInfo {
        let d = try device(index)
        var name = [CChar](repeating: 0, count: 256)
        try api.check(api.cuDeviceGetName(&name, Int32(name.count), d), "cuDeviceGetName(\(index))")
        var memory = 0
        try api.check(api.cuDeviceTotalMem(&memory, d), "cuDeviceTotalMem_v2(\(index))")
        func attribute(_ a: Int32, _ what: String) throws(DeviceError) -> Int {
            var value: Int32 = 0
            try api.check(api.cuDeviceGetAttribute(&value, a, d), "cuDeviceGetAttribute(\(what), \(index))")
            return Int(value)
        }
        let major = try attribute(CUDADriverAPI.attributeComputeCapabilityMajor, "COMPUTE_CAPABILITY_MAJOR")
        let minor = try attribute(CUDADriverAPI.attributeComputeCapabilityMinor, "COMPUTE_CAPABILITY_MINOR")
        let sms = try attribute(CUDADriverAPI.attributeMultiprocessorCount, "MULTIPROCESSOR_COUNT")
        let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return CUDADeviceInfo(index: index, name: text, totalMemory: memory, computeCapabilityMajor: major,
                              computeCapabilityMinor: minor, multiprocessors: sms, cudaDriverVersion: versionText,
                              driverVersion: CUDADeviceInfo.readKernelDriverVersion())
    }
}
