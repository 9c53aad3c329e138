/// Where ops run, as recording sees it: whether grad mode is on, and which module's forward is
/// running (each node says which module created it; the graph view groups nodes by module).
///
/// Both are task- and thread-local, so a trainer evaluating under no_grad never affects another
/// thread. They live in ONE task-local because every recorded op needs both, and reading a
/// task-local is a lookup through the task's chain of bound values that costs about as much as
/// a 0-d op's own arithmetic: two separate ones were a tenth of the scalar chain's time.
struct RecordingContext: Sendable {
    var gradEnabled = true
    var module: String?

    @TaskLocal static var current = RecordingContext()

    /// Runs `body` with `change` applied to the current context (the rest of it kept).
    static func with<R>(_ change: (inout RecordingContext) -> Void, _ body: () throws -> R) rethrows -> R {
        var context = current
        change(&context)
        return try $current.withValue(context) { try body() }
    }
}

/// Whether ops record a graph. `noGrad { }` is PyTorch's `with torch.no_grad():`.
public enum GradMode {
    public static var isEnabled: Bool { RecordingContext.current.gradEnabled }
}

/// Runs `body` with graph recording off, like `with torch.no_grad():`.
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try setGradEnabled(false, body)
}

/// Runs `body` with graph recording on, like `with torch.enable_grad():`.
public func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
    try setGradEnabled(true, body)
}

/// Runs `body` with graph recording on or off, like `with torch.set_grad_enabled(mode):`.
public func setGradEnabled<R>(_ mode: Bool, _ body: () throws -> R) rethrows -> R {
    try RecordingContext.with({ $0.gradEnabled = mode }, body)
}

/// Anomaly detection, like `torch.autograd.set_detect_anomaly(True)`: during backward the first
/// node whose output holds NaN or Inf is named with the forward op (and module) that made it.
public enum AnomalyMode {
    @TaskLocal public static var isEnabled = false
}

public func detectAnomaly<R>(_ body: () throws -> R) rethrows -> R {
    try AnomalyMode.$isEnabled.withValue(true) { try body() }
}

/// The module whose forward is running (its dotted name), so each node can say which module
/// created it. Set by Module's callAsFunction.
public enum ModuleScope {
    public static var current: String? { RecordingContext.current.module }

    /// Runs `body` as the forward of the module named `module`.
    public static func withCurrent<R>(_ module: String?, _ body: () throws -> R) rethrows -> R {
        try RecordingContext.with({ $0.module = module }, body)
    }
}
