import Models

// A colour picture in a terminal: a character cell is about twice as tall as it is wide, so the
// upper half block "▀" splits it into two square pixels, the top one drawn in the foreground
// colour and the bottom one in the background colour. A 32×32 CIFAR-10 image then takes 32
// columns and 16 rows, and each pixel's colour is the nearest of xterm's 256 (Palette256).
// Smaller sizes average the pixels each one covers (a box filter, as PIL's reduce does), so a
// shrunk image keeps its colours instead of picking every other pixel.

public struct HalfBlockImage: Sendable, Equatable {
    public var image: ImagePreview
    /// Width in pixels (= columns) to draw at, at most the image's own; the height follows the
    /// image's aspect ratio, two pixel rows per text row.
    public var width: Int

    public init(image: ImagePreview, width: Int) {
        self.image = image
        self.width = max(1, min(width, image.width))
    }

    /// Pixel rows drawn, and text rows they take.
    public var pixelHeight: Int { max(1, (image.height * width + image.width / 2) / image.width) }
    public var rows: Int { (pixelHeight + 1) / 2 }

    /// Draws with the top-left cell at (x, y), clipped to `clip`.
    public func render(x: Int, y: Int, buffer: inout ScreenBuffer, clip: Rect) {
        let colours = paletteIndices()
        let height = pixelHeight
        for row in 0..<rows {
            for column in 0..<width {
                let top = Color.indexed(colours[2 * row * width + column])
                let bottomRow = 2 * row + 1
                let bottom = bottomRow < height ? Color.indexed(colours[bottomRow * width + column]) : .default
                let (cx, cy) = (x + column, y + row)
                guard clip.contains(x: cx, y: cy) else { continue }
                buffer[cx, cy] = Cell("▀", style: Style(foreground: top, background: bottom))
            }
        }
    }

    /// The palette index of every pixel at the drawn size, row-major (width × pixelHeight).
    public func paletteIndices() -> [UInt8] {
        let height = pixelHeight
        let across = HalfBlockImage.coverage(from: image.width, to: width)
        let down = HalfBlockImage.coverage(from: image.height, to: height)
        var indices = [UInt8](repeating: 0, count: width * height)
        for ty in 0..<height {
            for tx in 0..<width {
                var sum: (Float, Float, Float) = (0, 0, 0)
                var total: Float = 0
                for (sy, wy) in down[ty] {
                    for (sx, wx) in across[tx] {
                        let w = wx * wy
                        let p = image.pixel(sx, sy)
                        sum.0 += w * Float(p.red)
                        sum.1 += w * Float(p.green)
                        sum.2 += w * Float(p.blue)
                        total += w
                    }
                }
                func byte(_ v: Float) -> UInt8 { UInt8(max(0, min(255, (v / total).rounded()))) }
                indices[ty * width + tx] = Palette256.nearest(red: byte(sum.0), green: byte(sum.1), blue: byte(sum.2))
            }
        }
        return indices
    }

    /// For each of `target` pixels along an axis of `source` pixels: the source pixels it covers
    /// and by how much (its share of each, in source pixels).
    static func coverage(from source: Int, to target: Int) -> [[(Int, Float)]] {
        let scale = Float(source) / Float(target)
        return (0..<target).map { t in
            let start = Float(t) * scale
            let end = Float(t + 1) * scale
            var pieces: [(Int, Float)] = []
            var s = Int(start)
            while Float(s) < end && s < source {
                let overlap = min(end, Float(s + 1)) - max(start, Float(s))
                if overlap > 1e-6 { pieces.append((s, overlap)) }
                s += 1
            }
            return pieces
        }
    }
}

extension ImagePreview {
    /// Grey levels 0 (black) … 1 (white), row-major, weighted as torchvision's rgb_to_grayscale
    /// (0.2989 R + 0.587 G + 0.114 B): what a terminal without 256 colours shows.
    public var greyLevels: [Float] {
        (0..<(width * height)).map { i in
            let (r, g, b) = (Float(rgb[3 * i]), Float(rgb[3 * i + 1]), Float(rgb[3 * i + 2]))
            return (0.2989 * r + 0.587 * g + 0.114 * b) / 255
        }
    }
}
