import DatasetDownloads
import Glibc
import Trainer

/// `--dataset cifar10` / `--dataset mnist` without a folder: the cached copy, downloaded first
/// if needed, with its progress on stderr (before the TUI starts, so nothing fights over the
/// screen). Any other spelling is left to the data set catalog.
enum DatasetResolution {
    static func resolve(_ spec: String) throws(TrainerError) -> String {
        let name = spec.hasSuffix(":") ? String(spec.dropLast()) : spec
        guard let source = DatasetSource.named(name) else { return spec }
        let display = ProgressDisplay(interactive: isatty(STDERR_FILENO) == 1)
        let installer = DatasetInstaller.fromEnvironment(
            report: { display.line($0) },
            progress: { display.progress($0) })
        do {
            let folder = try installer.ensure(source)
            display.finish()
            return "\(source.name):\(folder)"
        } catch {
            display.finish()
            throw .download(dataset: name, error)
        }
    }
}

/// Progress on stderr: a bar redrawn in place on a terminal (at most 10 times a second), or a
/// line at each quarter when stderr is a file or a pipe.
final class ProgressDisplay {
    private let interactive: Bool
    private var lastDraw = 0.0
    private var lastQuarter = -1
    private var barShown = false

    init(interactive: Bool) {
        self.interactive = interactive
    }

    func line(_ text: String) {
        clear()
        Output.err(text + "\n")
        lastQuarter = -1
    }

    func progress(_ p: DownloadProgress) {
        if interactive {
            let now = Self.now()
            guard now - lastDraw >= 0.1 || p.have == p.total else { return }
            lastDraw = now
            Output.err("\r" + p.line() + "\u{1B}[K")
            barShown = true
        } else if let total = p.total, total > 0 {
            let quarter = min(4, 4 * p.have / total)
            guard quarter > lastQuarter else { return }
            lastQuarter = quarter
            Output.err(p.line() + "\n")
        }
    }

    func finish() {
        clear()
    }

    private func clear() {
        if barShown {
            Output.err("\r\u{1B}[K")
            barShown = false
        }
    }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
