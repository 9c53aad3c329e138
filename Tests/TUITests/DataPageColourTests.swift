import Models
import Testing
import Trainer
import TUI

/// The Data page with CIFAR-10: the images as stored, in xterm's 256 colours where the theme says
/// the terminal has them (two pixels per character, ▀), in grey levels elsewhere, each under its
/// class name and the prediction.
@Suite struct DataPageColourTests {
    static let palette = Theme(colors: true, ascii: false, colorCount: 256)
    static let eight = Theme(colors: true, ascii: false, colorCount: 8)

    /// A 32×32 image of one colour.
    static func solid(_ r: UInt8, _ g: UInt8, _ b: UInt8, label: Int) -> ImagePreview {
        ImagePreview(width: 32, height: 32, rgb: (0..<1024).flatMap { _ in [r, g, b] }, isColour: true, label: label,
                     className: CIFAR10.classNames[label])
    }

    /// Red, green, blue and mid-grey images: an airplane (right), a frog taken for a cat (wrong),
    /// a ship (right), an automobile taken for a truck (wrong).
    static let batch = BatchRecord(
        number: 7, indices: [11, 4, 30, 2], labels: [0, 6, 8, 1], predictions: [0, 3, 8, 9], shape: [4, 3, 32, 32],
        imageHeight: 32, imageWidth: 32, images: [],
        colourImages: [solid(255, 0, 0, label: 0), solid(0, 255, 0, label: 6), solid(0, 0, 255, label: 8),
                       solid(128, 128, 128, label: 1)])

    static let record = DataRecord(
        dataset: "cifar10 (/data)", trainCount: 50_000, testCount: 10_000, sampleShape: [3, 32, 32],
        classNames: CIFAR10.classNames, batchSize: 4, batchesPerEpoch: 12_500, lastBatchSize: 4, shuffle: true, epoch: 1,
        order: [11, 4, 30, 2, 17, 8], previousOrder: nil, batch: batch)

    static func snapshot() -> TrainingSnapshot {
        var s = FakePages.snapshot()
        s.pages.data = record
        var counts = Array(repeating: Array(repeating: 0, count: 10), count: 10)
        for c in 0..<10 { counts[c][c] = 40 + c }
        counts[6][3] = 12
        s.pages.confusion = ConfusionMatrix(step: 1000, classNames: CIFAR10.classNames, counts: counts)
        return s
    }

    static func frame(_ width: Int, _ height: Int, theme: Theme) -> ScreenBuffer {
        var state = AppState()
        state.page = .data
        return TUIApp.render(snapshot: snapshot(), state: state, width: width, height: height, theme: theme)
    }

    static func indexedColours(in buffer: ScreenBuffer) -> [Color] {
        buffer.cells.flatMap { [$0.style.foreground, $0.style.background] }.filter {
            if case .indexed = $0 { return true } else { return false }
        }
    }

    static let row = String(repeating: "▀", count: 27)
    static let images = " " + [row, row, row, row].joined(separator: "  ")

    @Test func colourAt120x40() {
        let b = Self.frame(120, 40, theme: Self.palette)
        let lines = b.lines()
        expectLines(Array(lines[2..<28]), [
            " cifar10 (/data): 50,000 train, 10,000 test samples of [3, 32, 32], 10 classes",
            " DataLoader(batch_size=4, shuffle=True): len = 12500 batches per epoch (50,000 = 12500 × 4)",
            " epoch 1 order   [11, 4, 30, 2, 17, 8]",
            "                 (the first epoch: nothing to compare with yet)",
            " batch 7 of 12500: inputs torch.Size([4, 3, 32, 32]), labels torch.Size([4]), indices [11, 4, 30, 2]",
            " pixels as stored, before Normalize: 2 per character, ▀ over its background · true class → prediction",
        ] + Array(repeating: Self.images, count: 14) + [
            " airplane → airplane          frog → cat                   ship → ship                  automobile → truck",
            "",
            " confusion matrix at step 1000: rows true class, columns predicted class (by number) · 97.4% overall",
            "                 0  1  2  3  4  5  6  7  8  9  acc",
            " 0 airplane     40  ·  ·  ·  ·  ·  ·  ·  ·  · 100.0%",
            " 1 automobile    · 41  ·  ·  ·  ·  ·  ·  ·  · 100.0%",
        ])
        #expect(lines[32] == " 6 frog          ·  ·  · 12  ·  · 46  ·  ·  ·  79.3%")
        // 27 of the stored 32 pixels across (4 images and their gaps fit in 118 columns), 14 rows of 2.
        let top = 8
        #expect(b[1, top].style == Style(foreground: .indexed(196), background: .indexed(196)))   // pure red
        #expect(b[30, top].style == Style(foreground: .indexed(46), background: .indexed(46)))    // pure green
        #expect(b[59, top + 12].style == Style(foreground: .indexed(21), background: .indexed(21))) // pure blue
        #expect(b[88, top + 13].style.foreground == .indexed(244))                                // grey 128
        // An odd number of pixel rows (27): the last row's lower half is the terminal's background.
        #expect(b[88, top + 13].style.background == .default)
        #expect(b[28, top].style == .plain)
        #expect(style(of: "airplane → airplane", in: b) == Self.palette.good)
        #expect(style(of: "frog → cat", in: b) == Self.palette.bad)
        #expect(style(of: "automobile → truck", in: b) == Self.palette.bad)
        #expect(style(of: "pixels as stored", in: b) == Self.palette.dim)
    }

    @Test func colourAt80x24StillFits() {
        let b = Self.frame(80, 24, theme: Self.palette)
        let lines = b.lines()
        #expect(lines.count == 24 && lines.allSatisfy { $0.count <= 80 })
        let small = " " + Array(repeating: String(repeating: "▀", count: 14), count: 4).joined(separator: "     ")
        expectLines(Array(lines[9..<24]), [
            " pixels as stored, before Normalize: 2 per character, ▀ over its background",
        ] + Array(repeating: small, count: 7) + [
            " airplane           frog               ship               automobile",
            " → airplane         → cat              → ship             → truck",
            "",
            " test accuracy per class at step 1000 (97.4% overall)",
            " airpl… 100.0%  autom… 100.0%  bird 100.0%  cat 100.0%  deer 100.0%",
            " dog 100.0%  frog 79.3%  horse 100.0%  ship 100.0%  truck 100.0%",
            " space pause  n step  b backward node  z zero_grad  < > speed  ? help  q quit",
        ])
        #expect(b[1, 10].style.foreground == .indexed(196))
        #expect(b[20, 16].style.background == .indexed(46))
        #expect(style(of: "→ cat", in: b) == Self.palette.bad)
        #expect(style(of: "→ ship", in: b) == Self.palette.good)
    }

    @Test func eightColoursShowGreyWithoutPaletteColours() {
        let b = Self.frame(120, 40, theme: Self.eight)
        #expect(Self.indexedColours(in: b).isEmpty)
        let lines = b.lines()
        // Raw luminance (torchvision's weights): red 0.30 ░, green 0.59 ▒, pure blue 0.11 blank, grey 0.50 ▒.
        let shades = " ░░░░░░░░░░░░░░░░     ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒                          ▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒▒"
        expectLines(Array(lines[7...16]), [
            " pixels as stored, before Normalize, in grey: this terminal shows 8 colours, colour needs 256 · true class → prediction",
        ] + Array(repeating: shades, count: 8) + [
            " airplane → airplane  frog → cat           ship → ship          automobile → truck",
        ])
        #expect(style(of: "frog → cat", in: b) == Self.eight.bad)
        #expect(style(of: "ship → ship", in: b) == Self.eight.good)
        let small = Self.frame(80, 24, theme: Self.eight).lines()
        #expect(small[9] == " pixels as stored, before Normalize, in grey (8 colours; colour needs 256)")
        #expect(small[19] == " test accuracy per class at step 1000 (97.4% overall)")
    }

    @Test func monochromeAndASCIIShowGrey() {
        let b = Self.frame(120, 40, theme: mono)
        #expect(Self.indexedColours(in: b).isEmpty)
        #expect(b.lines().contains { $0.contains("in grey (colours are off) · true class → prediction") })
        // Raw luminance (torchvision's weights): red 0.30 ░, green 0.59 ▒, pure blue 0.11 blank, grey 0.50 ▒.
        #expect(b.lines().contains { $0.hasPrefix(" ░░░░░░░░░░░░░░░░") && $0.hasSuffix("▒▒▒▒") })
        #expect(style(of: "frog → cat", in: b) == mono.bad)
        let a = Self.frame(120, 40, theme: Theme(colors: true, ascii: true, colorCount: 256))
        #expect(Self.indexedColours(in: a).isEmpty)
        #expect(a.lines().joined().allSatisfy { $0.isASCII })
        #expect(a.lines().contains { $0.contains("in grey (ASCII characters only") })
        #expect(a.lines().contains { $0.contains("automobile -> truck") })
    }

    @Test func digitsKeepTheirShadesOnA256ColourTerminal() {
        var state = AppState()
        state.page = .data
        let b = TUIApp.render(snapshot: FakePages.snapshot(), state: state, width: 80, height: 24, theme: Self.palette)
        #expect(Self.indexedColours(in: b).isEmpty)
        #expect(b.lines().contains("    ██           ██           ██           ██"))
    }
}
