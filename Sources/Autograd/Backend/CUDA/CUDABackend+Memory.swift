/// Memory: caching-allocator blocks, host transfers, fill, copy and cast.
extension CUDABackend {
    public func allocate(count: Int, dtype: DType) -> Storage {
        let bytes = Swift.max(count * dtype.byteSize, 1)
        makeCurrent()
        let address: UInt64
        switch allocator.allocate(bytes) {
        case .success(let a):
            address = a
        case .failure(let failure):
            fatalError(allocationFailureMessage(failure, bytes: bytes))
        }
        if poisonsAllocations, let size = allocator.size(of: address) {
            driver.require(driver.cuMemsetD8(address, 0xFF, size), "cuMemsetD8_v2 (poison)")
        }
        let pointer = UnsafeMutableRawPointer(bitPattern: UInt(address))!
        return Storage.wrapping(pointer: pointer, count: count, dtype: dtype, backend: self, device: device)
    }

    public func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        allocator.free(UInt64(UInt(bitPattern: pointer)))
    }

    public func upload(_ bytes: UnsafeRawBufferPointer, count: Int, dtype: DType) -> Storage {
        let s = allocate(count: count, dtype: dtype)
        if count > 0 {
            ensure(bytes.count >= s.byteCount, "upload: \(bytes.count) bytes for \(count) \(dtype) elements")
            driver.require(driver.cuMemcpyHtoD(CUDABackend.address(s), bytes.baseAddress, s.byteCount),
                           "cuMemcpyHtoD_v2(\(s.byteCount) bytes)")
        }
        return s
    }

    public func download(_ storage: Storage, into bytes: UnsafeMutableRawBufferPointer) {
        makeCurrent()
        if storage.count > 0 {
            ensure(bytes.count >= storage.byteCount, "download: \(bytes.count) bytes for \(storage.count) \(storage.dtype) elements")
            driver.require(driver.cuMemcpyDtoH(bytes.baseAddress, CUDABackend.address(storage), storage.byteCount),
                           "cuMemcpyDtoH_v2(\(storage.byteCount) bytes)")
        }
        checkStatus()
    }

    public func fill(_ storage: Storage, with value: Double) {
        var args = arguments()
        args.pointer(storage)
        args.int(storage.count)
        args.double(value)
        args.int(storage.dtype == .int64 ? Int(Int64(value)) : 0)
        launch(.fill, storage.dtype, elements: storage.count, args)
    }

    public func copy(_ storage: Storage) -> Storage {
        let s = allocate(count: storage.count, dtype: storage.dtype)
        copy(storage, into: s)
        return s
    }

    public func copy(_ source: Storage, into destination: Storage) {
        ensure(source.count == destination.count && source.dtype == destination.dtype, "copy: storages differ")
        guard source.count > 0 else { return }
        makeCurrent()
        driver.require(driver.cuMemcpyDtoD(CUDABackend.address(destination), CUDABackend.address(source), source.byteCount),
                       "cuMemcpyDtoD_v2(\(source.byteCount) bytes)")
    }

    public func cast(_ storage: Storage, to dtype: DType) -> Storage {
        let out = allocate(count: storage.count, dtype: dtype)
        var args = arguments()
        args.pointer(storage)
        args.pointer(out)
        args.int(storage.count)
        args.int(DType.allCases.firstIndex(of: dtype)!)
        launch(.cast, storage.dtype, elements: storage.count, args)
        return out
    }

    /// Worded by status: only CUDA_ERROR_OUT_OF_MEMORY is "out of memory" (with what the
    /// allocator holds); any other status, most often a failed kernel's that this allocation
    /// only reports, says so.
    func allocationFailureMessage(_ failure: CachingAllocator.Failure, bytes: Int) -> String {
        let cause = driver.failure(failure.call, failure.status)
        guard failure.isOutOfMemory else {
            return "CUDA error on cuda:\(info.index) while allocating \(CUDABackend.mib(bytes)): \(cause)"
        }
        let stats = allocator.stats
        return "CUDA out of memory on cuda:\(info.index) allocating \(CUDABackend.mib(bytes)): \(cause); "
            + "\(CUDABackend.mib(stats.allocatedBytes)) allocated by tensors, "
            + "\(CUDABackend.mib(stats.reservedBytes)) reserved, \(CUDABackend.mib(info.totalMemory)) on the device"
    }

    static func mib(_ bytes: Int) -> String {
        let tenths = bytes * 10 / (1 << 20)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}
