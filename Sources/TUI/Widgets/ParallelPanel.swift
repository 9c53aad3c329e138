import Trainer

/// Data parallelism on the Train page, as the trainer computed it for the last step.
///
/// With `--data-parallel N`: how the batch was scattered (which rows and data set samples went
/// to which replica), each replica's own loss on its rows and the gradient norm it sent back
/// through BroadcastBackward, and the norm of their sum, which is what the model's .grad holds.
/// Under `mpirun ... --distributed`: this rank's place in the job, the share of every epoch it
/// takes (DistributedSampler), its last batch, and the time its gradient all-reduce took.
public struct ParallelPanel: Widget, Sendable {
    public var record: ParallelRecord

    public init(record: ParallelRecord) {
        self.record = record
    }

    /// The panel's title: what kind of parallelism this is, in PyTorch's words.
    public var title: String {
        record.distributed != nil ? "DistributedDataParallel" : "DataParallel"
    }

    public var badge: String {
        if let d = record.distributed { return "rank \(d.rank) of \(d.worldSize)" }
        return "\(record.replicas.count) replicas"
    }

    /// Rows the panel wants inside its border.
    public var preferredHeight: Int {
        (record.replicas.isEmpty ? 0 : record.replicas.count + 2) + (record.distributed == nil ? 0 : 4)
    }

    static let labelWidth = 11

    public func render(in area: Rect, buffer: inout ScreenBuffer, theme: Theme) {
        guard area.width > 0, area.height > 0 else { return }
        var y = area.y
        func line(_ label: String, _ pieces: [(String, Style)]) {
            guard y < area.maxY else { return }
            var x = buffer.put(Format.padRight(label, ParallelPanel.labelWidth), x: area.x, y: y, style: theme.label, clip: area)
            for (text, style) in pieces {
                x = buffer.put(text, x: x, y: y, style: style, clip: area)
            }
            y += 1
        }
        if let d = record.distributed {
            line("world", [("\(d.worldSize) ranks", theme.value), (" · this is rank \(d.rank) · \(d.library)", theme.text)])
            let nth = d.worldSize == 2 ? "2nd" : d.worldSize == 3 ? "3rd" : "\(d.worldSize)th"
            line("shard", [("every \(nth) sample from #\(d.rank)", theme.text),
                           (": \(d.samplesPerRank) of \(d.datasetCount) per epoch", theme.dim)])
            line("batch", [(Self.samples(d.lastBatch), theme.text)])
            let kb = Format.trimmed(Double(d.bytesPerStep) / 1024, 3)
            line("all-reduce", [(Self.duration(d.allReduceMicroseconds), theme.value),
                                (" this step · \(Self.duration(d.meanAllReduceMicroseconds)) mean · \(d.buckets) bucket\(d.buckets == 1 ? "" : "s"), \(kb) KB", theme.dim)])
        }
        guard !record.replicas.isEmpty else { return }
        let total = record.replicas.last.map { $0.rows.upperBound } ?? 0
        line("scatter", [("batch of \(total) cut along dim 0 into ", theme.text),
                         (record.replicas.map { "\($0.rows.count)" }.joined(separator: " + "), theme.value)])
        for (r, replica) in record.replicas.enumerated() {
            let rows = replica.rows.isEmpty ? "idle" : "rows \(replica.rows.lowerBound)-\(replica.rows.upperBound - 1)"
            let loss = replica.loss.map { Format.fixed($0, 4) } ?? "—"
            let grad = replica.gradNorm.map { Format.significant($0, 3) } ?? "—"
            line("\(r) \(replica.device)", [(Format.padRight(rows, 11), theme.text), ("loss ", theme.dim), (Format.padRight(loss, 8), theme.value),
                                               ("‖g‖ ", theme.dim), (Format.padRight(grad, 9), theme.value),
                                               (Self.samples(replica.samples), theme.dim)])
        }
        let reduced = record.reducedGradNorm.map { Format.significant($0, 3) } ?? "— (after backward)"
        line("reduced", [("‖Σ g‖ ", theme.dim), (reduced, theme.good), (" in .grad: the replicas' sum", theme.dim)])
    }

    /// "850 µs", "1.54 ms", "154 ms".
    static func duration(_ microseconds: Double) -> String {
        microseconds < 1000 ? "\(Format.trimmed(microseconds, 3)) µs" : "\(Format.trimmed(microseconds / 1000, 3)) ms"
    }

    /// "#12 #405 #77 …": data set indices, as many as fit in a line.
    static func samples(_ indices: [Int]) -> String {
        let shown = indices.prefix(8).map { "#\($0)" }.joined(separator: " ")
        return indices.count > 8 ? shown + " …" : shown
    }
}
