import Foundation
import Testing

/// Package.swift compiles some targets with -Ounchecked (today only Autograd, for its kernels).
/// There a failed `precondition` is not checked but assumed, undefined behaviour instead of a
/// message; those targets check with `ensure` or `fatalError`. This scan keeps it that way.
@Suite struct UncheckedSourceTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The targets Package.swift gives the -Ounchecked settings (`swiftSettings: uncheckedKernels`).
    static func uncheckedTargets() throws -> [String] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let pattern = try Regex(#"name: "([A-Za-z0-9_-]+)"[^\n]*swiftSettings: uncheckedKernels"#)
        return manifest.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) }
    }

    /// `line: text` for every line that calls a precondition, outside comments.
    static func preconditionCalls(inText text: String) throws -> [String] {
        let call = try Regex(#"\bprecondition(Failure)?\s*\("#)
        var found: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            if code.contains(call) { found.append("\(number + 1): \(line)") }
        }
        return found
    }

    /// `file:line: text` for every such line in a target's Swift sources.
    static func preconditionCalls(in target: String) throws -> [String] {
        let folder = root.appendingPathComponent("Sources/\(target)")
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        var found: [String] = []
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            found += try preconditionCalls(inText: text).map { "\(url.lastPathComponent):\($0)" }
        }
        return found.sorted()
    }

    @Test func onlyTheEngineIsUnchecked() throws {
        #expect(try Self.uncheckedTargets() == ["Autograd"])
    }

    @Test func noPreconditionInUncheckedCode() throws {
        for target in try Self.uncheckedTargets() {
            let calls = try Self.preconditionCalls(in: target)
            #expect(calls.isEmpty, "use ensure(...) or fatalError(...) in \(target), which -Ounchecked builds:\n\(calls.joined(separator: "\n"))")
        }
    }

    @Test func theScanFindsCallsButNotComments() throws {
        let text = """
            ensure(n > 0, "n")
            precondition(n > 0, "n")
            // a precondition(n > 0) in a comment
            if bad { preconditionFailure ("bad") }
            let checked = x.preconditionHolds
            """
        #expect(try Self.preconditionCalls(inText: text) == ["2: precondition(n > 0, \"n\")",
                                                             "4: if bad { preconditionFailure (\"bad\") }"])
    }
}
