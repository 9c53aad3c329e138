/// A flat, contiguous block of elements owned by one backend. On the CPU `pointer` is host
/// memory; on a GPU it is the device address. Tensors share a Storage when one is a view or a
/// detached alias of another; the memory goes back to its backend when the last one lets go.
public final class Storage {
    public let pointer: UnsafeMutableRawPointer
    public let count: Int
    public let dtype: DType
    public let backend: any Backend

    public var device: Device { backend.device }
    public var byteCount: Int { count * dtype.byteSize }

    public init(pointer: UnsafeMutableRawPointer, count: Int, dtype: DType, backend: any Backend) {
        self.pointer = pointer
        self.count = count
        self.dtype = dtype
        self.backend = backend
    }

    deinit {
        backend.deallocate(pointer, byteCount: byteCount)
    }

    /// Host pointer typed as `T` (CPU storages only).
    @inline(__always)
    public func buffer<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        pointer.assumingMemoryBound(to: T.self)
    }
}
