/// Moving test data to a backend and back, and the error measure the self-test uses.
///
/// The error of element i is |device − cpu| / max(|cpu|, floor), with floor a hundredth of
/// the largest |cpu| in the tensor: relative for ordinary elements, and not fooled by an
/// element that cancels to nearly zero (a float32 dot product that sums to 0.001 carries the
/// rounding of its terms, which are a thousand times larger). A NaN in the device's answer never passes, and
/// neither does a mismatch in integer results (indices), which must be exact.
enum SelfTestComparison {
    static let tolerance = 1e-4

    /// Elements of `values` stored as `dtype` on `backend`.
    static func upload(_ values: [Double], _ dtype: DType, to backend: any Backend) -> Storage {
        backend.upload(values: values, as: dtype)
    }

    /// Every element of a storage, as Double.
    static func values(_ s: Storage) -> [Double] {
        s.values
    }

    /// The largest error and a note on the worst element, or why the answer is unusable.
    static func error(device: [Double], cpu: [Double], exact: Bool) -> (error: Double, note: String) {
        guard device.count == cpu.count else { return (.nan, "\(device.count) elements, expected \(cpu.count)") }
        if let i = device.firstIndex(where: { $0.isNaN }) {
            return (.nan, "NaN at element \(i) of \(device.count)" + (cpu[i].isNaN ? "" : " (cpu \(cpu[i]))"))
        }
        if exact {
            let wrong = (0..<cpu.count).filter { device[$0] != cpu[$0] }
            guard let first = wrong.first else { return (0, "") }
            return (Double(wrong.count), "\(wrong.count) differ, first at \(first): \(device[first]) vs \(cpu[first])")
        }
        let scale = cpu.reduce(0) { Swift.max($0, Swift.abs($1)) }
        let floor = Swift.max(scale * 1e-2, Double.leastNormalMagnitude)
        var worst = 0.0
        var at = 0
        for i in 0..<cpu.count {
            let e = Swift.abs(device[i] - cpu[i]) / Swift.max(Swift.abs(cpu[i]), floor)
            if !(e <= worst) {
                worst = e
                at = i
            }
        }
        let note = worst > tolerance || worst.isNaN ? "worst at \(at): \(device[at]) vs \(cpu[at])" : ""
        return (worst, note)
    }

    /// A row comparing a device storage with a CPU storage.
    static func row(_ name: String, _ dtype: DType, _ detail: String, device: Storage, cpu: Storage, exact: Bool = false) -> SelfTestRow {
        row(name, dtype, detail, device: values(device), cpu: values(cpu), exact: exact || device.dtype == .int64)
    }

    static func row(_ name: String, _ dtype: DType, _ detail: String, device: [Double], cpu: [Double], exact: Bool = false) -> SelfTestRow {
        let (e, note) = error(device: device, cpu: cpu, exact: exact)
        let passed = exact ? e == 0 : e <= tolerance
        return SelfTestRow(name: name, dtype: dtype.rawValue, detail: detail, maxError: e, passed: passed, note: note)
    }
}
