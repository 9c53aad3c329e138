import Models
import Testing
@testable import TUI

/// Colour pictures as ▀ cells: which pixel lands in which cell and half, against CIFAR-10's
/// binary layout (label byte, then the red, green and blue planes, each 32 rows of 32 from the
/// top-left), which is what torchvision shows after `reshape(3, 32, 32).transpose(1, 2, 0)`.
@Suite struct HalfBlockImageTests {
    /// One CIFAR-10 record whose quadrants are red (top-left), green (top-right), blue
    /// (bottom-left) and white (bottom-right), with one yellow pixel at row 1, column 0.
    static func quadrantRecord(label: UInt8) -> [UInt8] {
        var planes = [[UInt8]](repeating: [UInt8](repeating: 0, count: 1024), count: 3)
        for y in 0..<32 {
            for x in 0..<32 {
                let rgb: [UInt8] = switch (y < 16, x < 16) {
                case (true, true): [255, 0, 0]
                case (true, false): [0, 255, 0]
                case (false, true): [0, 0, 255]
                case (false, false): [255, 255, 255]
                }
                for c in 0..<3 { planes[c][y * 32 + x] = rgb[c] }
            }
        }
        for (c, v) in [255, 255, 0].enumerated() { planes[c][1 * 32 + 0] = UInt8(v) }
        return [label] + planes[0] + planes[1] + planes[2]
    }

    @Test func fullSizeCellsFollowTheRecordsRowsAndPlanes() throws {
        let data = try CIFAR10.dataset(records: Self.quadrantRecord(label: 8), path: "test")
        let picture = HalfBlockImage(image: data.preview(at: 0), width: 32)
        #expect(picture.rows == 16)
        var buffer = ScreenBuffer(width: 34, height: 17)
        picture.render(x: 1, y: 0, buffer: &buffer, clip: buffer.area)
        #expect(buffer.line(0) == " " + String(repeating: "▀", count: 32))
        #expect(buffer.line(16) == "")
        // Cell (0, 0): pixel row 0 red on top, row 1 yellow (the marked pixel) below.
        #expect(buffer[1, 0].style == Style(foreground: .indexed(196), background: .indexed(226)))
        #expect(buffer[1, 1].style == Style(foreground: .indexed(196), background: .indexed(196)))
        #expect(buffer[32, 0].style == Style(foreground: .indexed(46), background: .indexed(46)))
        #expect(buffer[1, 15].style == Style(foreground: .indexed(21), background: .indexed(21)))
        #expect(buffer[32, 15].style == Style(foreground: .indexed(231), background: .indexed(231)))
        // Rows 7 and 8 of the cells hold pixel rows 14–15 (red) and 16–17 (blue).
        #expect(buffer[1, 7].style.background == .indexed(196))
        #expect(buffer[1, 8].style.foreground == .indexed(21))
    }

    @Test func shrinkingAveragesThePixelsEachCovers() {
        // Columns alternate red and blue: at half width every pixel covers one of each.
        let rgb = (0..<1024).flatMap { i -> [UInt8] in i % 2 == 0 ? [255, 0, 0] : [0, 0, 255] }
        let image = ImagePreview(width: 32, height: 32, rgb: rgb, isColour: true, label: 0, className: "airplane")
        let half = HalfBlockImage(image: image, width: 16)
        #expect(half.pixelHeight == 16 && half.rows == 8)
        // (128, 0, 128) → the cube's (135, 0, 135) = 16 + 36·2 + 2.
        #expect(Set(half.paletteIndices()) == [90])
        // 27 of 32: every target pixel covers 32/27 source pixels, weighted by overlap.
        let spans = HalfBlockImage(image: image, width: 27).paletteIndices()
        #expect(spans.count == 27 * 27)
    }

    @Test func coverageSharesEachSourcePixelOnce() {
        let pieces = HalfBlockImage.coverage(from: 32, to: 27)
        let total = pieces.joined().reduce(Float(0)) { $0 + $1.1 }
        #expect(abs(total - 32) < 1e-3)
        #expect(pieces.allSatisfy { abs($0.reduce(Float(0)) { $0 + $1.1 } - 32.0 / 27.0) < 1e-4 })
    }

    @Test func greyLevelsWeighTheChannelsAsTorchvision() {
        let image = ImagePreview(width: 2, height: 1, rgb: [255, 0, 0, 0, 255, 0], isColour: true, label: 0, className: "")
        let grey = image.greyLevels
        #expect(abs(grey[0] - 0.2989) < 1e-4)
        #expect(abs(grey[1] - 0.587) < 1e-4)
    }
}
