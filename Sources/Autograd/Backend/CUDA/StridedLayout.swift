/// Index arithmetic for the strided kernels, done once on the host: a row-major walk over a
/// shape in which each operand has its own strides (0 where it is broadcast). Dimensions of
/// size 1 are dropped and neighbours that every operand walks contiguously are merged, so a
/// same-shape binary op becomes one flat loop and few shapes need more than three dimensions.
struct StridedLayout: Equatable {
    var sizes: [Int]
    /// One stride list per operand, each as long as `sizes`.
    var strides: [[Int]]

    init(sizes: [Int], strides: [[Int]]) {
        self.sizes = sizes
        self.strides = strides
    }

    var rank: Int { sizes.count }

    /// The same walk with size-1 dimensions dropped and mergeable neighbours merged.
    func coalesced() -> StridedLayout {
        var sizes: [Int] = []
        var strides = [[Int]](repeating: [], count: self.strides.count)
        for d in 0..<self.sizes.count where self.sizes[d] != 1 {
            let size = self.sizes[d]
            if let last = sizes.indices.last,
               self.strides.indices.allSatisfy({ strides[$0][last] == self.strides[$0][d] * size }) {
                // The previous dimension steps exactly over this one: fold them.
                sizes[last] *= size
                for k in strides.indices { strides[k][last] = self.strides[k][d] }
            } else {
                sizes.append(size)
                for k in strides.indices { strides[k].append(self.strides[k][d]) }
            }
        }
        if sizes.isEmpty {
            return StridedLayout(sizes: [1], strides: strides.map { _ in [0] })
        }
        return StridedLayout(sizes: sizes, strides: strides)
    }

    /// Reading `shape` broadcast to `outShape`.
    static func broadcast(_ shapes: [[Int]], to outShape: [Int]) -> StridedLayout {
        StridedLayout(sizes: outShape, strides: shapes.map { BroadcastIndex(from: $0, to: outShape).strides }).coalesced()
    }

    /// Reading `shape` in the order `order` (output dim i is input dim order[i]).
    static func permutation(of shape: [Int], order: [Int]) -> StridedLayout {
        let strides = Shape.strides(shape)
        return StridedLayout(sizes: order.map { shape[$0] }, strides: [order.map { strides[$0] }]).coalesced()
    }

    /// The offset of row-major position `index` for operand `k` (what OFFSET_OF computes).
    func offset(of index: Int, operand k: Int) -> Int {
        var rest = index
        var offset = 0
        for d in stride(from: sizes.count - 1, through: 0, by: -1) {
            offset += (rest % sizes[d]) * strides[k][d]
            rest /= sizes[d]
        }
        return offset
    }
}
