import Trainer

/// CIFAR-10 on the Data page: the batch's images as the data set stores them (the bytes before
/// `transforms.Normalize`), each under its class name and the net's prediction. Where the
/// terminal shows xterm's 256 colours (the theme says so), in colour, two pixels per character
/// (HalfBlockImage); elsewhere (8 colours, NO_COLOR, ASCII) in grey levels with the shade
/// characters the digits use. A caption says what the pictures are and, when grey, why.
extension DataPage {
    func renderColourImages(_ b: BatchRecord, in area: Rect, classNames: [String], buffer: inout ScreenBuffer,
                            theme: Theme) -> Int {
        let images = b.colourImages
        guard let first = images.first, area.height >= 4 else { return 0 }
        let inColour = DataPage.drawsInColour(theme)
        buffer.put(DataPage.colourCaption(theme: theme, width: area.width), x: area.x, y: area.y, style: theme.dim, clip: area)
        let below = Rect(x: area.x, y: area.y + 1, width: area.width, height: area.height - 1)
        let wanted = min(4, images.count)
        // The widest the pictures can be (never wider than stored) with `wanted` side by side and
        // their labels under them; too little room falls back to the coarser shade drawing.
        var width = min(first.width, below.width / wanted - 2)
        while inColour && width >= 8 {
            let picture = HalfBlockImage(image: first, width: width)
            let slot = DataPage.slot(width, b.labels, b.predictions, classNames: classNames, width: below.width, wanted: wanted)
            let rows = DataPage.labelRows(b.labels, b.predictions, classNames: classNames, slot: slot)
            if picture.rows + rows <= below.height && wanted * slot <= below.width {
                var x = below.x
                for (i, image) in images.enumerated() {
                    guard x + width <= below.maxX else { break }
                    HalfBlockImage(image: image, width: width).render(x: x, y: below.y, buffer: &buffer, clip: below)
                    drawLabel(b.labels[safe: i] ?? -1, b.predictions[safe: i] ?? -1, classNames: classNames, rows: rows,
                              x: x, y: below.y + picture.rows, slot: slot, in: below, buffer: &buffer, theme: theme)
                    x += slot
                }
                return 1 + picture.rows + rows
            }
            width -= 1
        }
        return 1 + renderShades(images.map(\.greyLevels), height: first.height, width: first.width, labels: b.labels,
                                predictions: b.predictions, in: below, classNames: classNames, buffer: &buffer, theme: theme)
    }

    /// Colour pictures need xterm's palette and ▀ (UTF-8); anything less draws grey shades.
    static func drawsInColour(_ theme: Theme) -> Bool {
        theme.showsPalette256 && theme.symbols == .unicode
    }

    /// What the pictures are, in the longest wording that fits `width`.
    static func colourCaption(theme: Theme, width: Int) -> String {
        let what: [String]
        if DataPage.drawsInColour(theme) {
            what = ["pixels as stored, before Normalize: each character is two, ▀ the top one, its background the bottom one",
                    "pixels as stored, before Normalize: 2 per character, ▀ over its background"]
        } else if theme.symbols == .ascii {
            what = ["pixels as stored, before Normalize, in grey (ASCII characters only: colour needs UTF-8)",
                    "pixels as stored, before Normalize, in grey (ASCII characters only)"]
        } else if !theme.colors {
            what = ["pixels as stored, before Normalize, in grey (colours are off)"]
        } else {
            what = ["pixels as stored, before Normalize, in grey: this terminal shows \(theme.colorCount) colours, colour needs 256",
                    "pixels as stored, before Normalize, in grey (\(theme.colorCount) colours; colour needs 256)"]
        }
        let labels = " · true class → prediction"
        for text in what where text.count + labels.count <= width {
            return text + labels
        }
        for text in what where text.count <= width {
            return text
        }
        return Format.truncate(what.last!, width)
    }
}
