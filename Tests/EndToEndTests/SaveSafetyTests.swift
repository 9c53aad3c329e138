import Foundation
import Testing

/// `--save` through the real binary: only regular files are written, the path is checked before
/// the first step, links are followed, permissions kept, and an interrupted run never replaces
/// an existing checkpoint or leaves a temporary file behind.
@Suite(.serialized) struct SaveSafetyTests {
    static let quick = ["train", "--headless", "--steps", "2", "--threads", "1"]

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        _ = stat(path, &info)
        return info.st_mode & 0o7777
    }

    static func leftovers(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
    }

    @Test func pathsThatAreNotRegularFilesAreRefusedBeforeTraining() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let folder = dir.appendingPathComponent("folder").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        var cases: [(String, String)] = [
            (fifo, "is a FIFO, not a regular file"),
            (folder, "names a folder"),
            (folder + "/", "names a folder"),
            (dir.appendingPathComponent("missing/x.st").path, "does not exist"),
            ("", "the path is empty"),
        ]
        // A device node of our own (root can make one): before, the save renamed a file over it.
        let device = dir.appendingPathComponent("null").path
        if mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 {
            cases.append((device, "is a character device"))
        }
        for (path, message) in cases {
            let r = try Binary.run(Self.quick + ["--save", path])
            #expect(r.status == 1, "\(path): \(r.stderr)")
            #expect(r.stderr.contains("--save") && r.stderr.contains(message), "\(path): \(r.stderr)")
            // Refused before the first step: nothing was trained or printed.
            #expect(r.stdout.isEmpty, "\(path): \(r.stdout)")
        }
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        if FileManager.default.fileExists(atPath: device) {
            #expect(lstat(device, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        }
        #expect(try Self.leftovers(dir).isEmpty)
    }

    @Test func aSymbolicLinkIsFollowedAndPermissionsAreKept() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("real.safetensors").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        #expect(chmod(target, 0o600) == 0)
        let link = dir.appendingPathComponent("link.safetensors").path
        #expect(symlink("real.safetensors", link) == 0)
        let r = try Binary.run(Self.quick + ["--save", link])
        #expect(r.status == 0, "\(r.stderr)")
        var info = stat()
        #expect(lstat(link, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.safetensors")
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)).count > 61_556 * 4)
        #expect(Self.mode(target) == 0o600)
        // A new file gets the usual permissions.
        let fresh = dir.appendingPathComponent("fresh.safetensors").path
        let umaskNow = umask(0o022)
        umask(umaskNow)
        #expect(try Binary.run(Self.quick + ["--save", fresh]).status == 0)
        #expect(Self.mode(fresh) == 0o666 & ~umaskNow)
        #expect(try Self.leftovers(dir).isEmpty)
    }

    @Test(arguments: [(SIGINT, 130), (SIGTERM, 143), (SIGHUP, 129), (SIGQUIT, 131)] as [(Int32, Int32)])
    func anInterruptedRunSavesBesideAnExistingCheckpoint(signal: Int32, status: Int32) throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("net.safetensors").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let r = try Binary.run(["train", "--headless", "--epochs", "1000", "--threads", "1", "--save", path],
                               interruptAfter: 3, signal: signal)
        #expect(r.status == status, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("precious".utf8))
        let beside = dir.appendingPathComponent("net.interrupted.safetensors").path
        #expect(FileManager.default.fileExists(atPath: beside))
        #expect(r.stderr.contains("interrupted: saved the weights to \(beside)"), "\(r.stderr)")
        #expect(r.stderr.contains("was left as it was"))
        #expect(try Self.leftovers(dir).isEmpty)
    }

    @Test func aClosedPipeIsAnInterruption() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("net.safetensors").path
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        let script = "'\(Binary.path)' train --json --epochs 1000 --threads 1 --save '\(path)' | head -n 3; "
            + "echo \"${PIPESTATUS[0]}\" > '\(dir.path)/status'"
        let r = try Subprocess.run(["bash", "-c", script])
        #expect(r.stdout.split(separator: "\n").count == 3)
        #expect(try String(contentsOfFile: dir.path + "/status", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) == "141")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("precious".utf8))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("net.interrupted.safetensors").path))
        #expect(r.stderr.contains("interrupted: saved the weights"), "\(r.stderr)")
        #expect(try Self.leftovers(dir).isEmpty)
    }

    /// A signal that lands while the checkpoint is being written: the run is made to stop itself
    /// as soon as its temporary file exists (BLITZ_TEST_STOP_IN_SAVE), so the signal arrives
    /// during the save every time; then it is continued and writes ~17 MB while the signal acts. A signal the run does
    /// not handle ends it by that signal with the temporary file removed and the old checkpoint
    /// intact (rolled back); one it handles (SIGHUP, SIGTERM) lets the save finish. Either way no
    /// `.NAME.PID.N.tmp` survives.
    @Test(arguments: [(SIGUSR1, false), (SIGHUP, true)] as [(Int32, Bool)])
    func aSignalDuringTheSaveLeavesNoTemporaryFile(signal: Int32, finishes: Bool) throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.safetensors").path
        let old = Data("precious".utf8)
        try old.write(to: URL(fileURLWithPath: path))
        let run = "BLITZ_TEST_STOP_IN_SAVE=1 '\(Binary.path)' train --headless --steps 1 --threads 1 "
            + "--dataset spirals --model mlp:2048,2048 --eval-every 100 --save '\(path)' >/dev/null 2>&1 & pid=$!; "
            + "until [ \"$(ps -o state= -p $pid)\" = T ]; do kill -0 $pid 2>/dev/null || { echo MISSED; break; }; "
            + "sleep 0.01; done; ls '\(dir.path)'/.big.safetensors.*.tmp >/dev/null 2>&1 && echo SEEN; "
            + "kill -\(signal) $pid; kill -CONT $pid; wait $pid; echo STATUS=$?"
        let r = try Subprocess.run(["bash", "-c", run])
        #expect(!r.stdout.contains("MISSED"), "the run ended without stopping in its save: \(r.stdout)")
        #expect(r.stdout.contains("SEEN"), "no temporary file while the save was stopped: \(r.stdout)")
        #expect(r.stdout.contains("STATUS=\(128 + signal)"), "\(r.stdout)")
        #expect(try Self.leftovers(dir).isEmpty, "signal \(signal) left a temporary file")
        let now = try Data(contentsOf: URL(fileURLWithPath: path))
        if finishes {
            #expect(now.count > 16_000_000, "signal \(signal): the save did not finish")
        } else {
            // One Bool, so a failure prints sizes rather than a diff of 17 MB.
            let kept = now == old
            #expect(kept, "signal \(signal): the old checkpoint was not kept (\(now.count) bytes now)")
        }
    }

    @Test func quittingTheTUIWithQSavesToThePath() throws {
        guard TerminalUITests.tmuxAvailable else { return }
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("net.safetensors").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let tmux = TerminalUITests.Tmux()
        defer { _ = try? tmux.run(["kill-server"]) }
        let command = "'\(Binary.path)' --threads 1 --save '\(path)'; echo EXIT=$?; sleep 60"
        try tmux.run(["new-session", "-d", "-s", tmux.session, "-x", "120", "-y", "40", command])
        try tmux.waitFor("training") { $0.contains("running") && $0.contains("step ") }
        try tmux.keys("q")
        let screen = try tmux.waitFor("EXIT=")
        #expect(screen.contains("EXIT=0"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count > 61_556 * 4)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("net.interrupted.safetensors").path))
    }
}
