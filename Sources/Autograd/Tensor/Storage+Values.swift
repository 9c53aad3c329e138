/// Moving plain values in and out of a storage on any backend, converting through Double:
/// what self-tests and backend comparisons need, one element type for every dtype.
extension Backend {
    /// A new storage of `dtype` holding `values` (converted; int64 truncates toward zero).
    public func upload(values: [Double], as dtype: DType) -> Storage {
        switch dtype {
        case .float32:
            let v = values.map { Float($0) }
            return v.withUnsafeBytes { upload($0, count: v.count, dtype: dtype) }
        case .float64:
            return values.withUnsafeBytes { upload($0, count: values.count, dtype: dtype) }
        case .int64:
            let v = values.map { Int64($0) }
            return v.withUnsafeBytes { upload($0, count: v.count, dtype: dtype) }
        }
    }
}

extension Storage {
    /// Every element, as Double, copied from wherever the storage lives.
    public var values: [Double] {
        switch dtype {
        case .float32: return elements(Float.self).map(Double.init)
        case .float64: return elements(Double.self)
        case .int64: return elements(Int64.self).map(Double.init)
        }
    }

    /// Every element as `T`, which must be the storage's element type.
    public func elements<T>(_ type: T.Type) -> [T] {
        // An empty storage returns a fresh [] rather than filling the shared empty-array
        // singleton, whose header the initializer would write (a race the thread sanitizer
        // reports when two threads read empty storages).
        if count == 0 { return [] }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            backend.download(self, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }
}
