/// Bilinear resizing with PyTorch's `align_corners=False` convention: output pixel `o` samples
/// the input at `(o + 0.5) · in/out − 0.5`, clamped at 0, between the two neighbouring pixels
/// (the second one clamped at the edge). The taps depend only on the sizes, so they are
/// computed once and every image reuses them.
struct BilinearResize: Sendable {
    struct Tap: Sendable {
        var low: Int
        var high: Int
        var weight: Float  // of `high`
    }

    let inputSize: (height: Int, width: Int)
    let outputSize: (height: Int, width: Int)
    let rows: [Tap]
    let columns: [Tap]

    init(from input: (Int, Int), to output: (Int, Int)) {
        precondition(input.0 > 0 && input.1 > 0 && output.0 > 0 && output.1 > 0, "resize: empty image")
        inputSize = input
        outputSize = output
        rows = BilinearResize.taps(from: input.0, to: output.0)
        columns = BilinearResize.taps(from: input.1, to: output.1)
    }

    static func taps(from input: Int, to output: Int) -> [Tap] {
        let scale = Float(input) / Float(output)
        return (0..<output).map { o in
            let source = max(0, (Float(o) + 0.5) * scale - 0.5)
            let low = min(Int(source), input - 1)
            let high = low < input - 1 ? low + 1 : low
            return Tap(low: low, high: high, weight: source - Float(low))
        }
    }

    /// Resizes every channel plane of `image` (bytes mapped through `table`) into `destination`.
    func apply(_ image: UnsafePointer<UInt8>, channels: Int, table: UnsafeBufferPointer<Float>, into destination: UnsafeMutableBufferPointer<Float>) {
        let (inHeight, inWidth) = inputSize
        let (outHeight, outWidth) = outputSize
        var out = 0
        for c in 0..<channels {
            let plane = image + c * inHeight * inWidth
            for row in rows {
                let top = plane + row.low * inWidth
                let bottom = plane + row.high * inWidth
                for column in columns {
                    let topValue = lerp(table[Int(top[column.low])], table[Int(top[column.high])], column.weight)
                    let bottomValue = lerp(table[Int(bottom[column.low])], table[Int(bottom[column.high])], column.weight)
                    destination[out] = lerp(topValue, bottomValue, row.weight)
                    out += 1
                }
            }
        }
        precondition(out == channels * outHeight * outWidth)
    }

    @inline(__always)
    private func lerp(_ a: Float, _ b: Float, _ t: Float) -> Float {
        (1 - t) * a + t * b
    }
}
