/// Where the panels go for a terminal size. Every page has a status line, a caption line (what
/// the page shows, in PyTorch's words) and a key line; between them the Train page has four
/// panels and the other pages one area (`page`). From 100×30 up: the loss chart and
/// gradient norms side by side, the graph and the backward step panel under them, a key line.
/// From 80×24 to there, the same panels tighter (compact). Below 80×24 nothing fits honestly,
/// so the screen says so.
public struct Layout: Sendable, Equatable {
    public static let minimumWidth = 80
    public static let minimumHeight = 24
    public static let fullWidth = 100
    public static let fullHeight = 30

    public var status: Rect = .zero
    public var caption: Rect = .zero
    /// Everything between the caption and the footer: where a page other than Train draws.
    public var page: Rect = .zero
    public var loss: Rect = .zero
    public var gradients: Rect = .zero
    public var graph: Rect = .zero
    public var backward: Rect = .zero
    public var footer: Rect = .zero
    public var isCompact = false
    public var isTooSmall = false

    public init(width: Int, height: Int) {
        guard width >= Layout.minimumWidth, height >= Layout.minimumHeight else {
            isTooSmall = true
            return
        }
        isCompact = width < Layout.fullWidth || height < Layout.fullHeight
        let screen = Rect(x: 0, y: 0, width: width, height: height)
        let (statusRow, belowStatus) = screen.splitTop(1)
        let (captionRow, rest) = belowStatus.splitTop(1)
        let (middle, footerRow) = rest.splitTop(rest.height - 1)
        status = statusRow
        caption = captionRow
        page = middle
        footer = footerRow
        // Full: the gradient panel is tall enough for ten parameters, a header and the scale.
        let top = isCompact ? max(middle.height / 2, min(12, middle.height - 10)) : min(max(14, middle.height * 45 / 100), middle.height - 12)
        let (upper, lower) = middle.splitTop(top)
        let left = isCompact ? width / 2 : width * 55 / 100
        (loss, gradients) = upper.splitLeft(left)
        (graph, backward) = lower.splitLeft(left)
    }

    public func rect(for panel: Panel) -> Rect {
        switch panel {
        case .loss: return loss
        case .gradients: return gradients
        case .graph: return graph
        case .backward: return backward
        }
    }
}
