/// `precondition` that survives `-Ounchecked`, which release builds use for the kernels' sake
/// and which drops every precondition, message and all. A shape mismatch inside an op is a
/// programmer error, but it must stop with the op's message, never read out of bounds.
@inline(__always)
func ensure(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "",
            file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
