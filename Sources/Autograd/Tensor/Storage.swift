/// A flat, contiguous block of elements owned by one backend. On the CPU `pointer` is host
/// memory; on a GPU it is the device address. Tensors share a Storage when one is a view or a
/// detached alias of another; the memory goes back to its backend when the last one lets go.
///
/// A small CPU block (a 0-d tensor, a bias of a few elements: at most `inlineByteCount` bytes)
/// lives inside the Storage object itself, in the object's tail allocation (ManagedBuffer), so
/// such a tensor costs one allocation instead of two and never touches the buffer pool's lock:
/// a chain of scalar ops spent a tenth of its time taking blocks from the pool and giving them
/// back. The tail sits at a fixed offset in the object, which never moves, so `pointer` stays
/// valid exactly as long as the Storage lives, as a pooled block does. Inline blocks are 8-byte
/// aligned (pooled ones 64), enough for every dtype; the kernels' vector loads are unaligned. A
/// wider element type would make the runtime allocate the object with posix_memalign, which
/// costs more than the malloc it uses up to 16-byte alignment.
public final class Storage: ManagedBuffer<StorageHeader, UInt64> {
    /// The largest block kept inline.
    public static let inlineByteCount = 64

    public var pointer: UnsafeMutableRawPointer { header.pointer }
    public var count: Int { header.count }
    public var dtype: DType { header.dtype }
    public var backend: any Backend { header.backend }
    /// True when the elements live inside this object rather than in a block of `backend`.
    public var isInline: Bool { header.isInline }

    /// Kept in the header rather than asked of the backend: every op checks its operands'
    /// devices, and asking an existential backend costs a reference count and a call each time.
    public var device: Device { header.device }
    public var byteCount: Int { count * dtype.byteSize }

    /// A storage for a block that `backend.allocate` produced; `backend.deallocate` gets it back.
    /// `device` is `backend.device`, which the backend passes as it knows it.
    public static func wrapping(pointer: UnsafeMutableRawPointer, count: Int, dtype: DType,
                                backend: any Backend, device: Device) -> Storage {
        let buffer = Storage.create(minimumCapacity: 0) { _ in
            StorageHeader(pointer: pointer, count: count, dtype: dtype, backend: backend, device: device, isInline: false)
        }
        return unsafeDowncast(buffer, to: Storage.self)
    }

    /// A host storage of `count` elements kept inside the object (`count * dtype.byteSize` at
    /// most `inlineByteCount`), uninitialised like a pooled block. `backend` is the CPU backend
    /// the storage belongs to for every kernel; it is never asked to free the elements.
    static func inline(count: Int, dtype: DType, backend: any Backend) -> Storage {
        let words = (count * dtype.byteSize + 7) / 8
        let buffer = Storage.create(minimumCapacity: words) { buffer in
            // The tail's address is fixed for the object's life (see the type's comment).
            let tail = buffer.withUnsafeMutablePointerToElements { UnsafeMutableRawPointer($0) }
            return StorageHeader(pointer: tail, count: count, dtype: dtype, backend: backend, device: .cpu, isInline: true)
        }
        return unsafeDowncast(buffer, to: Storage.self)
    }

    deinit {
        let header = self.header
        // Plain bytes in the tail: nothing to deinitialise there.
        if !header.isInline { header.backend.deallocate(header.pointer, byteCount: header.count * header.dtype.byteSize) }
    }

    /// Host pointer typed as `T` (CPU storages only).
    @inline(__always)
    public func buffer<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        pointer.assumingMemoryBound(to: T.self)
    }
}

/// What a Storage knows about its block (ManagedBuffer's header).
public struct StorageHeader {
    let pointer: UnsafeMutableRawPointer
    let count: Int
    let dtype: DType
    let backend: any Backend
    let device: Device
    let isInline: Bool
}
