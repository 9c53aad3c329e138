/// Whether ops record a graph. `noGrad { }` is PyTorch's `with torch.no_grad():`; the setting is
/// task- and thread-local, so a trainer evaluating under no_grad never affects another thread.
public enum GradMode {
    @TaskLocal public static var isEnabled = true
}

/// Runs `body` with graph recording off, like `with torch.no_grad():`.
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false) { try body() }
}

/// Runs `body` with graph recording on, like `with torch.enable_grad():`.
public func enableGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(true) { try body() }
}

/// Anomaly detection, like `torch.autograd.set_detect_anomaly(True)`: during backward the first
/// node whose output holds NaN or Inf is named with the forward op (and module) that made it.
public enum AnomalyMode {
    @TaskLocal public static var isEnabled = false
}

public func detectAnomaly<R>(_ body: () throws -> R) rethrows -> R {
    try AnomalyMode.$isEnabled.withValue(true) { try body() }
}

/// The module whose forward is running, so each node can say which module created it
/// (the graph view groups nodes by module). Set by Module's callAsFunction.
public enum ModuleScope {
    @TaskLocal public static var current: String? = nil
}
