import Foundation
import Testing

/// `mpirun -np 2 blitz-tui train --distributed`, end to end, with the Open MPI that `make test`
/// installs: two ranks with batch B end with the weights of one process with batch 2·B, only
/// rank 0 prints, mismatched flags are refused, and a rank that dies or never starts ends the
/// job within a bounded time. Every run is under `timeout -s KILL`, so a hang fails the test
/// instead of stalling the suite.
@Suite("DistributedDataParallel over MPI", .serialized,
       .enabled(if: MPIRun.path != nil, "mpirun is not installed (make test installs openmpi-bin)"))
struct DistributedTests {
    @Test("2 ranks × batch 8 end with the weights of 1 process × batch 16, within 1e-5 relative")
    func twoRanksEqualOneProcess() throws {
        let dir = try Binary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let distributed = dir.appendingPathComponent("ranks.safetensors").path
        let single = dir.appendingPathComponent("single.safetensors").path
        let common = ["train", "--json", "--steps", "12", "--seed", "3", "--threads", "1", "--eval-every", "6"]
        let job = try MPIRun.run([[Binary.path] + common + ["--distributed", "--batch-size", "8", "--save", distributed]],
                                 copies: 2)
        #expect(job.status == 0, "\(job.stderr)")
        let one = try Binary.run(common + ["--batch-size", "16", "--save", single])
        #expect(one.status == 0, "\(one.stderr)")
        // Rank 0 alone prints: 12 steps and 2 evaluations, each line with the world size.
        let objects = try job.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.filter { $0["loss"] != nil }.map { $0["step"] as? Int } == Array(1...12))
        #expect(objects.filter { $0["test_accuracy"] != nil }.map { $0["step"] as? Int } == [6, 12])
        #expect(objects.allSatisfy { $0["world_size"] as? Int == 2 })
        let a = try SafetensorsFloats.read(distributed)
        let b = try SafetensorsFloats.read(single)
        #expect(a.keys.sorted() == b.keys.sorted() && a.count == 10)
        for (name, expected) in b {
            let got = try #require(a[name])
            let scale = expected.map { abs(Double($0)) }.max() ?? 0
            let worst = zip(got, expected).map { abs(Double($0) - Double($1)) }.max() ?? 0
            #expect(worst <= 1e-5 * scale, "\(name): differs by \(worst) (largest |w| \(scale))")
        }
    }

    @Test("ranks started with different flags are refused at start-up")
    func mismatchedFlags() throws {
        let base = [Binary.path, "train", "--headless", "--distributed", "--threads", "1"]
        let job = try MPIRun.run([base + ["--steps", "3"], base + ["--steps", "4"]])
        #expect(job.status == 1)
        #expect(job.stderr.contains("rank 1 was started with different flags than rank 0"), "\(job.stderr)")
    }

    @Test("a partner that fails to start ends the job, without a hang")
    func partnerFailsToStart() throws {
        let start = ContinuousClock.now
        let job = try MPIRun.run([[Binary.path, "train", "--headless", "--distributed", "--steps", "1000000"], ["false"]])
        #expect(job.status != 0, "\(job.stderr)")
        #expect(ContinuousClock.now - start < .seconds(MPIRun.limit - 30), "the job ran until the test's timeout killed it")
    }

    @Test("a rank that dies mid-run makes the other exit with a message, without a hang")
    func rankDies() throws {
        let args = [Binary.path, "train", "--json", "--distributed", "--steps", "1000000", "--threads", "1"]
        let dying = ["sh", "-c", "exec timeout -s KILL 4 " + args.joined(separator: " ")]
        let start = ContinuousClock.now
        let job = try MPIRun.run([args, dying])
        #expect(job.status != 0, "\(job.stderr)")
        #expect(ContinuousClock.now - start < .seconds(MPIRun.limit - 30), "the job ran until the test's timeout killed it")
        #expect(job.stderr.contains("blitz-tui (rank 0 of 2): stopped by the MPI launcher"), "\(job.stderr)")
        #expect(job.stdout.contains("\"world_size\":2"), "rank 0 trained before its partner died")
    }
}

/// Runs Open MPI's mpirun the way a container needs it: as root if need be, more ranks than
/// cores allowed, shared memory without the single-copy (CMA) mechanism, which containers forbid.
enum MPIRun {
    static let path: String? = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
    /// Seconds before `timeout` kills a job: far beyond what any of these runs needs.
    static let limit = 240

    /// One rank per app (MPMD, `a : b`), or `copies` ranks of a single app.
    static func run(_ apps: [[String]], copies: Int = 1) throws -> Subprocess.Result {
        var arguments = ["timeout", "-s", "KILL", "\(limit)", "env", "OMPI_MCA_btl_vader_single_copy_mechanism=none",
                         path!, "--allow-run-as-root", "--oversubscribe", "--mca", "btl", "self,vader",
                         // The test machine is shared: a waiting rank yields its core instead of spinning on it.
                         "--bind-to", "none", "--mca", "mpi_yield_when_idle", "1"]
        for (i, app) in apps.enumerated() {
            if i > 0 { arguments.append(":") }
            arguments += ["-np", "\(apps.count == 1 ? copies : 1)"] + app
        }
        return try Subprocess.run(arguments)
    }
}

/// Just enough of safetensors to compare float32 weights: the header's offsets and the floats.
enum SafetensorsFloats {
    static func read(_ path: String) throws -> [String: [Float]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let headerLength = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8 ..< 8 + headerLength)) as! [String: Any]
        var tensors: [String: [Float]] = [:]
        for (name, value) in header where name != "__metadata__" {
            let entry = value as! [String: Any]
            let offsets = entry["data_offsets"] as! [Int]
            let bytes = data.subdata(in: 8 + headerLength + offsets[0] ..< 8 + headerLength + offsets[1])
            tensors[name] = bytes.withUnsafeBytes { raw in (0..<bytes.count / 4).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
        }
        return tensors
    }
}
