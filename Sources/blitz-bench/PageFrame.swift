import Models
import Trainer
import TUI

/// What one frame of the Data page costs the UI thread: the page at 120×40 (four 32×32 digit
/// images in grey levels, the loader's order, the confusion matrix) rendered into a
/// ScreenBuffer from a real snapshot. The UI's budget for a frame is 2 ms.
enum PageFrame {
    static func dataPage() -> Row {
        var configuration = TrainingConfiguration()
        configuration.steps = 1_000_000
        configuration.evaluateEvery = 5
        let session = try! TrainingSession(configuration: configuration, startRunning: false, endWhenFinished: false)
        session.start()
        session.send(.showPage(.data))
        for _ in 0..<5 { session.send(.step) }
        var snapshot = session.latestSnapshot
        while snapshot.pages.data == nil || snapshot.pages.confusion == nil || snapshot.step < 5 {
            snapshot = session.latestSnapshot
        }
        session.send(.quit)
        session.waitUntilDone()
        var state = AppState()
        state.page = .data
        let theme = Theme(colors: true, ascii: false)
        let us = medianMicroseconds(Budget(warmup: 20, minReps: 200, maxReps: 5000, seconds: 1)) {
            let buffer = TUIApp.render(snapshot: snapshot, state: state, width: 120, height: 40, theme: theme)
            precondition(buffer.width == 120)
        }
        return Row(name: "tui_frame_data_page_120x40", value: us, unit: .microseconds)
    }

    /// The same page with a CIFAR-10 batch on a 256-colour terminal: four 32×32 colour images
    /// (smooth gradients with a speckle, so neighbouring pixels differ) shrunk to 27×27 and drawn
    /// as ▀ cells in xterm's palette, which the frame recomputes from the stored bytes.
    static func dataPageCIFAR() -> Row {
        var state = LCG(seed: 7)
        let images = (0..<4).map { i -> ImagePreview in
            var rgb: [UInt8] = []
            for y in 0..<32 {
                for x in 0..<32 {
                    let noise = Int(state.next() % 24)
                    rgb += [UInt8((x * 8 + noise) % 256), UInt8((y * 8 + i * 40) % 256), UInt8((x * y + noise) % 256)]
                }
            }
            return ImagePreview(width: 32, height: 32, rgb: rgb, isColour: true, label: i, className: CIFAR10.classNames[i])
        }
        var counts = Array(repeating: Array(repeating: 3, count: 10), count: 10)
        for c in 0..<10 { counts[c][c] = 60 }
        var snapshot = TrainingSnapshot()
        snapshot.pages.data = DataRecord(
            dataset: "cifar10", trainCount: 50_000, testCount: 10_000, sampleShape: [3, 32, 32], classNames: CIFAR10.classNames,
            batchSize: 4, batchesPerEpoch: 12_500, lastBatchSize: 4, shuffle: true, epoch: 1, order: Array(0..<16),
            previousOrder: nil,
            batch: BatchRecord(number: 1, indices: [0, 1, 2, 3], labels: [0, 1, 2, 3], predictions: [0, 9, 2, 5],
                               shape: [4, 3, 32, 32], imageHeight: 32, imageWidth: 32, images: [], colourImages: images))
        snapshot.pages.confusion = ConfusionMatrix(step: 1000, classNames: CIFAR10.classNames, counts: counts)
        var ui = AppState()
        ui.page = .data
        let theme = Theme(colors: true, ascii: false, colorCount: 256)
        let us = medianMicroseconds(Budget(warmup: 20, minReps: 200, maxReps: 5000, seconds: 1)) {
            let buffer = TUIApp.render(snapshot: snapshot, state: ui, width: 120, height: 40, theme: theme)
            precondition(buffer.width == 120)
        }
        return Row(name: "tui_frame_data_page_cifar_120x40", value: us, unit: .microseconds)
    }
}

/// A tiny deterministic generator for the benchmark's pixels.
private struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }
}
