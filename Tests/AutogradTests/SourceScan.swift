import Foundation

/// Every `name: "XxxBackwardN"` an op passes when it records a node, read from the library's
/// sources (found from this file's path), so Primitives.nodeNames cannot drift from the code.
func nodeNamesInSources() throws -> Set<String> {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Autograd")
    guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
    var names: Set<String> = []
    let pattern = try Regex(#"name: "([A-Za-z0-9]+Backward[0-9]+)""#)
    for case let url as URL in files where url.pathExtension == "swift" {
        let text = try String(contentsOf: url, encoding: .utf8)
        for match in text.matches(of: pattern) {
            if let name = match.output[1].substring { names.insert(String(name)) }
        }
    }
    return names
}
