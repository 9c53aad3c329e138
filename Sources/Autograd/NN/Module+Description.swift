/// `print(net)` as PyTorch prints it: the type name, then either its one-line settings in
/// parentheses (`Linear(in_features=400, out_features=120, bias=True)`) or, when it has
/// children, one `(name): child` line each, indented by two spaces per level.
extension Module: CustomStringConvertible {
    public var description: String {
        let extraLines = extraDescription.isEmpty ? [] : extraDescription.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let childLines = namedChildren.map { name, child in
            "(\(name)): " + Module.indentFollowingLines(child.description, by: 2)
        }
        let lines = extraLines + childLines
        var text = typeName + "("
        if lines.count == 1 && childLines.isEmpty {
            text += lines[0]
        } else if !lines.isEmpty {
            text += "\n  " + lines.joined(separator: "\n  ") + "\n"
        }
        return text + ")"
    }

    /// PyTorch's `_addindent`: every line but the first moves right.
    private static func indentFollowingLines(_ text: String, by spaces: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1 else { return text }
        let pad = String(repeating: " ", count: spaces)
        return lines[0] + "\n" + lines.dropFirst().map { pad + $0 }.joined(separator: "\n")
    }
}
