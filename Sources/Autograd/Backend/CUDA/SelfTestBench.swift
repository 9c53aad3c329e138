/// The self-test's workbench: the same random inputs on the CPU and on the device, each check
/// run on both, and the outputs compared (SelfTestComparison).
struct SelfTestBench {
    let device: any Backend
    let cpu: any Backend
    var generator: RandomGenerator
    var rows: [SelfTestRow] = []

    /// One input on both backends.
    struct Pair {
        let cpu: Storage
        let device: Storage
        subscript(_ backend: any Backend) -> Storage { backend.device == .cpu ? cpu : device }
    }

    init(device: any Backend, cpu: any Backend, seed: UInt64) {
        self.device = device
        self.cpu = cpu
        generator = RandomGenerator(seed: seed)
    }

    mutating func pair(_ values: [Double], _ dtype: DType) -> Pair {
        Pair(cpu: SelfTestComparison.upload(values, dtype, to: cpu), device: SelfTestComparison.upload(values, dtype, to: device))
    }

    /// Uniform in `range`.
    mutating func random(_ count: Int, _ dtype: DType, _ range: ClosedRange<Double> = -1...1) -> Pair {
        let values = (0..<count).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * generator.nextDouble() }
        return pair(values, dtype)
    }

    /// int64 indices in 0..<bound.
    mutating func indices(_ count: Int, below bound: Int) -> Pair {
        pair((0..<count).map { _ in Double(generator.nextInt(below: bound)) }, .int64)
    }

    /// Runs `body` on the CPU and on the device and adds a row per output (`names` label them).
    mutating func check(_ name: String, _ dtype: DType, _ detail: String, outputs names: [String] = [""],
                        _ body: (any Backend) -> [Storage]) {
        let expected = body(cpu)
        let actual = body(device)
        for (i, label) in names.enumerated() {
            let full = label.isEmpty ? name : "\(name) \(label)"
            rows.append(SelfTestComparison.row(full, dtype, detail, device: actual[i], cpu: expected[i]))
        }
    }

    /// The single-output form.
    mutating func check(_ name: String, _ dtype: DType, _ detail: String, _ body: (any Backend) -> Storage) {
        check(name, dtype, detail, outputs: [""]) { [body($0)] }
    }
}

func describe(_ shapes: [Int]...) -> String {
    shapes.map(Shape.describe).joined(separator: " ")
}
