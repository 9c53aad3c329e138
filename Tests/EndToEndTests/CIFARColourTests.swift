import Foundation
import Testing

/// `--dataset cifar10:DIR` in a real terminal (tmux): the Data page sends xterm's 256-colour
/// codes for the images where TERM has 256 colours, and grey shades where it has 8.
@Suite(.serialized) struct CIFARColourTests {
    /// A CIFAR-10 folder whose every image is red above and blue below.
    static func writeFolder() throws -> URL {
        let dir = try Binary.temporaryDirectory()
        func records(_ count: Int) -> Data {
            var bytes: [UInt8] = []
            for i in 0..<count {
                bytes.append(UInt8(i % 10))
                for channel in 0..<3 {
                    for p in 0..<1024 {
                        let top = p < 512
                        bytes.append(channel == 0 && top || channel == 2 && !top ? 255 : 0)
                    }
                }
            }
            return Data(bytes)
        }
        try records(8).write(to: dir.appendingPathComponent("data_batch_1.bin"))
        try records(2).write(to: dir.appendingPathComponent("test_batch.bin"))
        return dir
    }

    /// The Data page's screen, with its escape codes, under `term`.
    static func dataPage(term: String, folder: URL) throws -> (text: String, escaped: String) {
        let tmux = TerminalUITests.Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        // The test runner's environment may carry NO_COLOR (swift test sets it when not on a terminal).
        let command = "unset NO_COLOR; TERM=\(term) '\(Binary.path)' --threads 1 --paused --dataset 'cifar10:\(folder.path)'; echo EXIT=$?; sleep 60"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "40", command])
        try tmux.waitFor("the screen") { $0.contains("paused") && $0.contains("step ") }
        try tmux.keys("5")
        try tmux.keys("n")
        let text = try tmux.waitFor("the images") { $0.contains("pixels as stored") }
        let escaped = try tmux.run(["capture-pane", "-e", "-p", "-t", tmux.session])
        try tmux.keys("q")
        #expect(try tmux.waitFor("EXIT=").contains("EXIT=0"))
        return (text, escaped)
    }

    @Test(.enabled(if: TerminalUITests.tmuxAvailable, "make test installs tmux"))
    func colourWith256ColoursGreyWith8() throws {
        let folder = try Self.writeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let colour = try Self.dataPage(term: "xterm-256color", folder: folder)
        #expect(colour.text.contains("2 per character, ▀ over its background"), "\(colour.text)")
        #expect(colour.text.contains("▀▀▀▀▀▀▀▀"), "\(colour.text)")
        #expect(colour.text.contains("airplane → "), "\(colour.text)")
        // Pure red (palette 196) above, pure blue (21) below.
        #expect(colour.escaped.contains("38;5;196") && colour.escaped.contains("48;5;21"), "\(colour.escaped)")

        let grey = try Self.dataPage(term: "xterm", folder: folder)
        #expect(grey.text.contains("in grey: this terminal shows 8 colours"), "\(grey.text)")
        #expect(grey.text.contains("░░░░"), "\(grey.text)")
        #expect(!grey.escaped.contains("38;5;") && !grey.escaped.contains("48;5;"), "\(grey.escaped)")
    }
}
