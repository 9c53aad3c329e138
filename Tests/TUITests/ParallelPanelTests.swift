import Testing
import Trainer
import TUI

/// The Train page's data-parallel panel, rendered as text: DataParallel's scatter and replicas,
/// and a distributed rank's shard and all-reduce time.
@Suite struct ParallelPanelTests {
    static let dataParallel = ParallelRecord(replicas: [
        .init(device: "cpu", rows: 0..<3, samples: [12, 405, 77], loss: 2.30114, gradNorm: 0.4123),
        .init(device: "cpu", rows: 3..<5, samples: [9, 1010], loss: 2.2875, gradNorm: 0.3981),
    ], reducedGradNorm: 0.7902)

    @Test func dataParallelShowsTheScatterEachReplicaAndTheSum() {
        let panel = ParallelPanel(record: Self.dataParallel)
        #expect(panel.title == "DataParallel" && panel.badge == "2 replicas" && panel.preferredHeight == 4)
        let lines = rendered(width: 92, height: 4) { panel.render(in: $0, buffer: &$1, theme: mono) }
        expectLines(lines, [
            "scatter    batch of 5 cut along dim 0 into 3 + 2",
            "0 cpu      rows 0-2   loss 2.3011  ‖g‖ 0.412    #12 #405 #77",
            "1 cpu      rows 3-4   loss 2.2875  ‖g‖ 0.398    #9 #1010",
            "reduced    ‖Σ g‖ 0.790 in .grad: the replicas' sum",
        ])
    }

    @Test func distributedShowsTheRankShardAndAllReduce() {
        let record = ParallelRecord(distributed: .init(
            rank: 0, worldSize: 2, library: "Open MPI v4.1.4", samplesPerRank: 899, datasetCount: 1797,
            lastBatch: [3, 17, 42, 8, 1, 99, 100, 7, 64, 5], allReduceMicroseconds: 123.4, meanAllReduceMicroseconds: 1300.6,
            buckets: 1, bytesPerStep: 248_024))
        let panel = ParallelPanel(record: record)
        #expect(panel.title == "DistributedDataParallel" && panel.badge == "rank 0 of 2")
        let lines = rendered(width: 100, height: 4) { panel.render(in: $0, buffer: &$1, theme: mono) }
        expectLines(lines, [
            "world      2 ranks · this is rank 0 · Open MPI v4.1.4",
            "shard      every 2nd sample from #0: 899 of 1797 per epoch",
            "batch      #3 #17 #42 #8 #1 #99 #100 #7 …",
            "all-reduce 123 µs this step · 1.3 ms mean · 1 bucket, 242 KB",
        ])
        // Labels in the label style, the all-reduce time bold.
        var buffer = ScreenBuffer(width: 100, height: 4)
        let colour = Theme(colors: true, ascii: false)
        panel.render(in: buffer.area, buffer: &buffer, theme: colour)
        #expect(buffer[0, 0].style == colour.label)
        #expect(buffer[11, 3].style == colour.value)
    }

    @Test func theTrainPageMakesRoomUnderTheLossChart() {
        var snapshot = TrainingSnapshot()
        snapshot.parallel = Self.dataParallel
        let lines = TUIApp.renderFrame(snapshot: snapshot, state: AppState(), width: 120, height: 40)
        #expect(lines.contains { $0.contains("╭ DataParallel") && $0.contains("2 replicas ╮") })
        #expect(lines.contains { $0.contains("reduced    ‖Σ g‖ 0.790") })
        #expect(lines.contains { $0.contains("╭ Loss") })
    }
}
