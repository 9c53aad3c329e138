/// CPUBackend's dtype conversion: one loop per pair of element types, through Double as the
/// reference converts (so int64 → float32 rounds once to Double first, and int64 results
/// round toward zero); the same dtype is a plain copy.
func cpuCast(_ x: Storage, _ out: Storage) {
    let n = x.count
    if x.dtype == out.dtype {
        if n > 0 {
            out.pointer.copyMemory(from: x.pointer, byteCount: x.byteCount)
        }
        return
    }
    func from<S: StorageElement>(_: S.Type) {
        func to<D: StorageElement>(_: D.Type) {
            let source = x.input(S.self)
            let destination = out.buffer(D.self)
            for i in 0..<n {
                destination[i] = D(fromDouble: source[i].doubleValue)
            }
        }
        out.dtype.dispatch(to, to, to)
    }
    x.dtype.dispatch(from, from, from)
}
