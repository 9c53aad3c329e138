import Autograd
import Models

/// Why a run could not start or had to stop: the typed cause (a flag and its requirement, the
/// data set's, the model's, the device's, a checkpoint's or a save path's own error), kept as
/// data; `description` is the one line a person reads.
public enum TrainerError: Error, Sendable, CustomStringConvertible {
    case invalidFlag(FlagError)
    case dataset(DatasetError)
    /// The data set loaded but cannot be batched (`name` says which).
    case dataLoader(dataset: String, DataLoaderError)
    /// The data set gave no batch for a one-iteration run.
    case noBatch(dataset: String)
    case model(ModelError)
    case optimizer(TrainingConfiguration.OptimizerKind, OptimizerError)
    case device(Device, DeviceError)
    /// `--init FILE` could not be loaded.
    case checkpoint(CheckpointError)
    /// `--save FILE` cannot be written (checked before training, and when saving).
    case save(SafetensorsError)
    /// A batch whose memory would exceed what the machine has.
    case memory(MemoryEstimate)
    case diverged(step: Int, message: String)

    public var description: String {
        switch self {
        case .invalidFlag(let error): return error.description
        case .dataset(let error): return "--dataset: \(error)"
        case .dataLoader(let dataset, let error): return "--dataset \(PrintableText.escaped(dataset)): \(error)"
        case .noBatch(let dataset): return "--dataset \(PrintableText.escaped(dataset)): the data set gave no batch to run"
        case .model(let error): return "--model: \(error)"
        case .optimizer(let kind, let error): return "--optimizer \(kind.rawValue): \(error)"
        case .device(let device, let error): return "--device \(device): \(error)"
        case .checkpoint(let error): return "--init \(error)"
        case .save(let error): return "--save \(error)"
        case .memory(let estimate): return estimate.description
        case .diverged(_, let message): return message
        }
    }
}

/// A flag whose value is not allowed: the flag, what it was given, and what it requires. Every
/// flag message of the program is worded here.
public struct FlagError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Requirement: Sendable, Equatable {
        /// A whole number from `lower` to `upper` (nil: no upper bound).
        case integer(atLeast: Int, atMost: Int?)
        /// A finite number above zero.
        case positive
        /// A finite number of zero or more.
        case nonNegative
        /// One of the listed spellings.
        case oneOf([String])
        /// The flag works only in a mode (`value` names what it was combined with).
        case onlyWith(String)
    }

    public var flag: String
    public var value: String
    public var requirement: Requirement
    /// What the value means, when the requirement alone would puzzle ("the learning rate").
    public var meaning: String?

    public init(flag: String, value: String, requirement: Requirement, meaning: String? = nil) {
        self.flag = flag
        self.value = value
        self.requirement = requirement
        self.meaning = meaning
    }

    public var description: String {
        let subject = meaning.map { "\(flag) (\($0))" } ?? flag
        let got = "(got \(PrintableText.escaped(value, limit: 60)))"
        switch requirement {
        case .integer(let lower, nil):
            return "\(subject) must be at least \(lower) \(got)"
        case .integer(let lower, let upper?):
            return "\(subject) must be between \(lower) and \(upper) \(got)"
        case .positive:
            return "\(subject) must be a finite number above 0 \(got)"
        case .nonNegative:
            return "\(subject) must be a finite number ≥ 0 \(got)"
        case .onlyWith(let mode):
            return "\(subject) works only with \(mode), not with \(value)"
        case .oneOf(let choices):
            let list = choices.count <= 2 ? choices.joined(separator: " or ")
                : choices.dropLast().joined(separator: ", ") + " or " + choices.last!
            return "\(subject) must be \(list) \(got)"
        }
    }
}
