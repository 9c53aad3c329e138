/// Where a tensor's storage lives. The CUDA backend is found at run time, so naming a GPU is
/// always possible; using one that is not there is a `DeviceError`.
public enum Device: Sendable, Hashable, CustomStringConvertible {
    case cpu
    case cuda(Int)

    /// Parses PyTorch's spelling: `cpu`, `cuda`, `cuda:1`.
    public init?(parsing text: String) {
        if text == "cpu" {
            self = .cpu
        } else if text == "cuda" {
            self = .cuda(0)
        } else if text.hasPrefix("cuda:"), let index = Int(text.dropFirst(5)), index >= 0 {
            self = .cuda(index)
        } else {
            return nil
        }
    }

    public var isCUDA: Bool {
        if case .cuda = self { return true }
        return false
    }

    /// As PyTorch prints it: `cpu`, `cuda:0`.
    public var description: String {
        switch self {
        case .cpu: return "cpu"
        case .cuda(let index): return "cuda:\(index)"
        }
    }
}

/// A device asked for that cannot be used, with what was tried: thrown before any work starts.
public struct DeviceError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
