import Foundation
import Testing

/// `--logdir` end to end: the event files the binary writes, read back by TensorBoard's own
/// EventAccumulator (installed into .local/tensorboard by `make tensorboard`; skipped, saying so,
/// when pip could not install it).
@Suite(.serialized) struct TensorBoardLogTests {
    static let tensorboardPath = Binary.repositoryRoot.appendingPathComponent(".local/tensorboard").path
    static let hasTensorBoard = FileManager.default.fileExists(atPath: tensorboardPath + "/tensorboard")
    static let skipReason: Comment = "tensorboard is not installed in .local/tensorboard (make tensorboard could not pip-install it): skipped"

    /// What scripts/read_tensorboard.py prints for `logdir` (and the weights in `weights`).
    static func read(_ logdir: String, weights: String? = nil) throws -> [String: Any] {
        let script = Binary.repositoryRoot.appendingPathComponent("scripts/read_tensorboard.py").path
        let r = try Subprocess.run(["env", "PYTHONPATH=\(tensorboardPath)", "python3", script, logdir] + (weights.map { [$0] } ?? []))
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test(.enabled(if: hasTensorBoard, skipReason))
    func everyTagStepAndValueAsTheRunPrintedThem() throws {
        let folder = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logdir = folder.appendingPathComponent("runs/a").path
        let weights = folder.appendingPathComponent("net.safetensors").path
        let r = try Binary.run(["train", "--json", "--steps", "12", "--seed", "3", "--threads", "1", "--eval-every", "5",
                                "--histogram-every", "4", "--lr", "0.01", "--logdir", logdir, "--save", weights])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try r.lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let losses = lines.filter { $0["loss"] != nil }.map { ($0["step"] as! Int, $0["loss"] as! Double) }
        let accuracies = lines.filter { $0["test_accuracy"] != nil }.map { ($0["step"] as! Int, $0["test_accuracy"] as! Double) }
        let files = try FileManager.default.contentsOfDirectory(atPath: logdir)
        #expect(files.count == 1)
        #expect(files.allSatisfy { $0.hasPrefix("events.out.tfevents.") })

        let log = try Self.read(logdir, weights: weights)
        let scalars = log["scalars"] as! [String: [[Double]]]
        #expect(Set(scalars.keys) == ["loss", "lr", "accuracy/test"])
        // Scalars are 32-bit floats in the file, as PyTorch writes them.
        let loss = scalars["loss"]!
        #expect(loss.map { Int($0[0]) } == losses.map(\.0))
        #expect(zip(loss, losses).allSatisfy { Float($0.0[1]) == Float($0.1.1) })
        #expect(scalars["lr"]!.map { Int($0[0]) } == Array(1...12))
        #expect(scalars["lr"]!.allSatisfy { Float($0[1]) == Float(0.01) })
        let accuracy = scalars["accuracy/test"]!
        #expect(accuracy.map { Int($0[0]) } == accuracies.map(\.0))
        #expect(zip(accuracy, accuracies).allSatisfy { Float($0.0[1]) == Float($0.1.1) })

        let histograms = log["histograms"] as! [String: [[Double]]]
        let saved = log["weights"] as! [String: [Double]]
        #expect(saved.count == 10)
        #expect(Set(histograms.keys) == Set(saved.keys.flatMap { ["weights/\($0)", "grads/\($0)"] }))
        for (tag, series) in histograms {
            #expect(series.map { Int($0[0]) } == [4, 8, 12], "\(tag)")
            for h in series {
                // min ≤ max, every value in a bucket, and the count is the parameter's size.
                #expect(h[1] <= h[2] && h[3] == h[6], "\(tag) \(h)")
            }
        }
        // The last weights histograms are the weights the run saved.
        for (name, stats) in saved {
            let last = histograms["weights/\(name)"]!.last!
            #expect(last[3] == stats[2], "\(name) count")
            #expect(last[1] == stats[0] && last[2] == stats[1], "\(name) min/max")
            #expect(abs(last[4] - stats[3]) <= 1e-9 * max(1, abs(stats[3])), "\(name) sum")
            #expect(abs(last[5] - stats[4]) <= 1e-9 * max(1, stats[4]), "\(name) sum of squares")
        }
    }

    /// kill -9 in the middle of a run: the file holds whole records only, and TensorBoard reads
    /// every step up to the last flush.
    @Test(.enabled(if: hasTensorBoard, skipReason))
    func aKilledRunLeavesAReadableFile() throws {
        let folder = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let logdir = folder.appendingPathComponent("run").path
        // Waits (at most 120 s) until the first flush has written steps, then kills the run.
        let script = """
            "$0" train --headless --steps 1000000 --threads 1 --histogram-every 5 --logdir "$1" >/dev/null 2>&1 &
            pid=$!
            for i in $(seq 600); do
                size=$(cat "$1"/events.out.tfevents.* 2>/dev/null | wc -c)
                [ "$size" -gt 20000 ] && break
                sleep 0.2
            done
            kill -9 $pid
            wait $pid
            echo "$size"
            """
        let r = try Subprocess.run(["sh", "-c", script, Binary.path, logdir])
        #expect(Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 20000, "\(r.stdout) \(r.stderr)")
        // Whole records only: the lengths walk exactly to the end of the file.
        for name in try FileManager.default.contentsOfDirectory(atPath: logdir) {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: logdir + "/" + name)))
            var offset = 0
            while offset + 12 <= bytes.count {
                let length = (0..<8).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
                offset += 12 + length + 4
            }
            #expect(offset == bytes.count, "\(name): \(bytes.count) bytes, records end at \(offset)")
        }
        let log = try Self.read(logdir)
        let loss = (log["scalars"] as! [String: [[Double]]])["loss"] ?? []
        #expect(!loss.isEmpty)
        #expect(loss.map { Int($0[0]) } == Array(1...max(1, loss.count)))
        let histograms = log["histograms"] as! [String: [[Double]]]
        #expect(histograms["weights/fc1.weight"]?.first?.first == 5)
    }
}
