/// The argument block of one kernel launch, packed as the kernel's struct expects it: 8-byte
/// slots in field order, the status word's address first and ARGS_MAGIC last (see
/// CUDAKernelSource). A kernel that finds the magic out of place reports it, so a packing
/// mistake shows up as a clear failure instead of a wrong answer.
struct KernelArguments {
    static let magic: UInt64 = 0x426c_6974_7a4b_726e  // "BlitzKrn"
    static let maxDims = 8

    private(set) var slots: [UInt64]

    /// Starts a block with the backend's status word.
    init(status: UInt64) {
        slots = [status]
        slots.reserveCapacity(32)
    }

    mutating func pointer(_ address: UInt64) { slots.append(address) }
    mutating func pointer(_ storage: Storage) { slots.append(CUDABackend.address(storage)) }
    mutating func int(_ value: Int) { slots.append(UInt64(bitPattern: Int64(value))) }
    mutating func bool(_ value: Bool) { slots.append(value ? 1 : 0) }
    mutating func double(_ value: Double) { slots.append(value.bitPattern) }

    /// A fixed array of MAX_DIMS i64, zero-padded.
    mutating func dims(_ values: [Int]) {
        if values.count > KernelArguments.maxDims {
            fatalError("CUDA kernels take at most \(KernelArguments.maxDims) dimensions (after merging), got \(values.count)")
        }
        for v in values { int(v) }
        for _ in values.count..<KernelArguments.maxDims { slots.append(0) }
    }

    /// A ConvGeometry as the kernels' Geometry struct.
    mutating func geometry(_ g: ConvGeometry) {
        for v in [g.batch, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW,
                  g.paddingH, g.paddingW, g.outHeight, g.outWidth] {
            int(v)
        }
    }

    /// The finished block (with the magic appended).
    var sealed: [UInt64] { slots + [KernelArguments.magic] }
}
