/// Why a run could not start or had to stop. `description` is the one line a person reads.
public enum TrainerError: Error, Sendable, CustomStringConvertible {
    case invalidFlag(String)
    case dataset(String)
    case model(String)
    case device(String)
    case checkpoint(String)
    case distributed(String)
    case diverged(step: Int, message: String)

    public var description: String {
        switch self {
        case .invalidFlag(let m), .dataset(let m), .model(let m), .device(let m), .checkpoint(let m), .distributed(let m): return m
        case .diverged(_, let m): return m
        }
    }
}
