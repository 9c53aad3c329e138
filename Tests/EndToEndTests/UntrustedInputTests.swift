import Foundation
import Testing

/// Checkpoints, data folders and flags from outside, through the real binary: bounded reads,
/// one-line errors that are safe to print, exit status 1, never a trap.
@Suite(.serialized) struct UntrustedInputTests {
    /// A safetensors file from a header (JSON text) and a data area of `dataSize` bytes: written
    /// as `data` when given, else left as a hole (a sparse file takes no disk).
    static func checkpoint(_ path: String, header: String, dataSize: Int, data: [UInt8]? = nil) throws {
        var bytes = Array(header.utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        let prefix = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bytes.count) >> (8 * UInt64($0))) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        let head = prefix + bytes + (data ?? [])
        _ = head.withUnsafeBytes { write(fd, $0.baseAddress, head.count) }
        #expect(ftruncate(fd, off_t(prefix.count + bytes.count + dataSize)) == 0)
    }

    static func oneLine(_ text: String) -> Bool {
        text.split(separator: "\n").count == 1
    }

    @Test func aHugeExtraTensorIsRejectedFromTheHeaderAlone() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("huge.safetensors").path
        // 40 GB of float32 that the file claims (a hole on disk): reading it would trap.
        let size = 40_000_000_000
        try Self.checkpoint(path, header: "{\"extra\":{\"dtype\":\"F32\",\"shape\":[\(size / 4)],\"data_offsets\":[0,\(size)]}}",
                            dataSize: size)
        let r = try Binary.run(["train", "--headless", "--steps", "1", "--init", path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(Self.oneLine(r.stderr), "\(r.stderr)")
        #expect(r.stderr.contains("1 unexpected key (extra)"), "\(r.stderr)")
        #expect(r.stderr.contains("10 missing keys (conv1.weight, conv1.bias, conv2.weight, … 7 more)"), "\(r.stderr)")
        // The path once, not twice.
        #expect(r.stderr.components(separatedBy: path).count == 2, "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func namesFromAFileAreEscapedAndCut() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("evil.safetensors").path
        let evil = "\\u001b]0;owned\\u0007\\u001b[2J" + String(repeating: "x", count: 5000)
        try Self.checkpoint(path, header: "{\"\(evil)\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                            dataSize: 4, data: [0, 0, 0, 0])
        let r = try Binary.run(["train", "--headless", "--steps", "1", "--init", path])
        #expect(r.status == 1)
        #expect(!r.stderr.contains("\u{1B}") && !r.stderr.contains("\u{07}"), "raw control characters reached the terminal")
        #expect(r.stderr.contains("\\e]0;owned\\u{7}\\e[2J"), "\(r.stderr)")
        #expect(r.stderr.contains("more characters)"))
        #expect(r.stderr.count < 1000)
        #expect(Self.oneLine(r.stderr))
    }

    @Test func aCheckpointForAnotherModelIsOneLineWithCounts() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mlp = dir.appendingPathComponent("mlp.safetensors").path
        #expect(try Binary.run(["train", "--headless", "--steps", "1", "--model", "mlp", "--save", mlp]).status == 0)
        let r = try Binary.run(["train", "--headless", "--steps", "1", "--init", mlp])
        #expect(r.status == 1)
        #expect(Self.oneLine(r.stderr), "\(r.stderr)")
        #expect(r.stderr == "blitz-tui: error: --init \(mlp): does not fit Net: 4 missing keys (conv1.weight, conv1.bias, "
                + "conv2.weight, … 1 more); 5 size mismatches (fc1.weight: checkpoint [128, 1024], model [120, 400], "
                + "fc1.bias: checkpoint [128], model [120], fc2.weight: checkpoint [64, 128], model [84, 120], … 2 more)\n")
        #expect(!r.stderr.contains("Error(s) in loading state_dict"))
    }

    @Test func dataFilesThatCannotBeReadAsWanted() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A FIFO named like the test batch: today's reader would block on it forever.
        let cifar = dir.appendingPathComponent("cifar")
        try FileManager.default.createDirectory(at: cifar, withIntermediateDirectories: false)
        try Data(count: 3073).write(to: cifar.appendingPathComponent("data_batch_1.bin"))
        #expect(mkfifo(cifar.appendingPathComponent("test_batch.bin").path, 0o644) == 0)
        let fifo = try Binary.run(["train", "--headless", "--steps", "1", "--dataset", "cifar10:" + cifar.path])
        #expect(fifo.status == 1)
        #expect(fifo.stderr.contains("test_batch.bin: cannot be read: not a regular file (a FIFO)"), "\(fifo.stderr)")
        // A symbolic link loop where a file should be: not "missing".
        let mnist = dir.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: false)
        #expect(symlink("train-images-idx3-ubyte", mnist.appendingPathComponent("train-images-idx3-ubyte").path) == 0)
        let loop = try Binary.run(["train", "--headless", "--steps", "1", "--dataset", "mnist:" + mnist.path])
        #expect(loop.status == 1)
        #expect(loop.stderr.contains("symbolic links loop"), "\(loop.stderr)")
        // A 30 GB batch file (a hole): refused from its size, before reading.
        let big = dir.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: big, withIntermediateDirectories: false)
        try Data(count: 3073).write(to: big.appendingPathComponent("test_batch.bin"))
        let fd = open(big.appendingPathComponent("data_batch_1.bin").path, O_WRONLY | O_CREAT, 0o644)
        #expect(ftruncate(fd, off_t(3073 * 10_000_000)) == 0)
        close(fd)
        let huge = try Binary.run(["train", "--headless", "--steps", "1", "--dataset", "cifar10:" + big.path])
        #expect(huge.status == 1)
        #expect(huge.stderr.contains("of memory, more than the"), "\(huge.stderr)")
    }

    @Test(arguments: [
        (["--lr", "-1"], "--lr (the learning rate) must be a finite number above 0 (got -1.0)"),
        (["--lr", "0"], "--lr (the learning rate) must be a finite number above 0 (got 0.0)"),
        (["--momentum", "-0.5"], "--momentum must be a finite number ≥ 0 (got -0.5)"),
        (["--batch-size", "-4"], "--batch-size must be at least 1 (got -4)"),
        (["--steps", "-1"], "--steps must be between 1 and"),
        (["--optimizer", "lbfgs"], "--optimizer must be sgd, adam or adamw (got lbfgs)"),
        (["--model", "mlp:1048576", "--batch-size", "100000"], "--batch-size 100000 would need about"),
    ] as [([String], String)])
    func flagsSayWhatTheyNeed(arguments: [String], message: String) throws {
        let r = try Binary.run(["train", "--headless", "--steps", "1"] + arguments)
        #expect(r.status == 1, "\(arguments): \(r.stderr)")
        #expect(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        #expect(Self.oneLine(r.stderr), "\(r.stderr)")
    }

    /// When the screen cannot start, the trainer (already running) is stopped before the process
    /// exits; a BLAS call still under way at exit printed "BLAS : Bad memory unallocation!".
    @Test func aScreenThatCannotStartLeavesNoBLASComplaint() throws {
        for _ in 0..<6 {
            let r = try Binary.run(["--model", "mlp:512,512", "--batch-size", "64", "--dataset", "spirals"])
            #expect(r.status == 1)
            #expect(r.stderr.contains("needs a terminal"), "\(r.stderr)")
            #expect(!r.stderr.contains("BLAS"), "\(r.stderr)")
            #expect(Self.oneLine(r.stderr), "\(r.stderr)")
        }
    }
}
