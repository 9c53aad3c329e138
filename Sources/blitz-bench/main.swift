import Autograd
#if canImport(Glibc)
import Glibc
#endif

/// blitz-bench [--json] [--threads N] [--backend cpu|reference] [--only NAME,...] [--cpu-time] [--reps N]
///
/// Runs issue 7's workloads after a warm-up and prints the median of many repetitions. With
/// --json each workload is one line {"name":..,"median_us":..} ({"name":..,"value":..} for the
/// GFLOP/s rows), the format bench/pytorch_reference.py prints and bench/compare.py reads.

let usage = "usage: blitz-bench [--json] [--threads N] [--backend cpu|reference] [--only NAME,...] [--cpu-time] [--reps N]"

func fail(_ message: String) -> Never {
    writeToStandardError("blitz-bench: \(message)\n\(usage)\n")
    exit(2)
}

/// stderr is a global C variable that Swift 6 will not touch; write to descriptor 2 instead.
func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

var json = false
var threads: Int?
var useReference = false
var only: [String]?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--json":
        json = true
    case "--threads":
        guard let value = arguments.popFirst(), let n = Int(value), n > 0 else { fail("--threads needs a positive whole number") }
        threads = n
    case "--backend":
        switch arguments.popFirst() {
        case "cpu": useReference = false
        case "reference": useReference = true
        default: fail("--backend is cpu or reference")
        }
    case "--only":
        guard let value = arguments.popFirst() else { fail("--only needs a comma-separated list of workload names") }
        only = value.split(separator: ",").map(String.init)
    case "--reps":
        guard let value = arguments.popFirst(), let n = Int(value), n > 0 else { fail("--reps needs a positive whole number") }
        fixedRepetitions = n
    case "--cpu-time":
        timingClock = CLOCK_PROCESS_CPUTIME_ID
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        fail("unknown argument '\(argument)'")
    }
}

if let threads { Backends.cpu.setNumThreads(threads) }

let workloads: [(name: String, run: () -> Row)] = [
    ("scalar_chain_per_op", Workloads.scalarChain),
    ("sgemm_512_gflops", { Workloads.sgemm(512) }),
    ("sgemm_512_raw_gflops", { Workloads.rawSgemm(512, threads: Backends.cpu.numThreads) }),
    ("sgemm_1024_gflops", { Workloads.sgemm(1024) }),
    ("sgemm_1024_raw_gflops", { Workloads.rawSgemm(1024, threads: Backends.cpu.numThreads) }),
    ("blitz_net_train_step_b4", { Workloads.blitzNet(batch: 4) }),
    ("blitz_net_train_step_b64", { Workloads.blitzNet(batch: 64) }),
    ("mlp_train_step_b32", Workloads.mlp),
    ("tui_overhead", TUIOverhead.row),
    ("tui_frame_data_page_120x40", PageFrame.dataPage),
    ("tui_frame_data_page_cifar_120x40", PageFrame.dataPageCIFAR),
]
if let only {
    for name in only where !workloads.contains(where: { $0.name == name }) {
        fail("no workload named '\(name)'; the workloads are " + workloads.map(\.name).joined(separator: ", "))
    }
}

let backend: any Backend = useReference ? Backends.reference : Backends.cpu
if !json {
    print("blitz-bench: backend \(backend.name), \(Backends.cpu.numThreads) thread(s), median of repeated runs")
    print("kernels: \(Backends.cpu.vectorWidth); OpenBLAS core: \(Backends.cpu.blasCore)")
    print("gemm: \(Backends.cpu.gemmDescription)")
}
Backends.withCPUBackend(backend) {
    for workload in workloads where only?.contains(workload.name) ?? true {
        let row = workload.run()
        print(json ? row.json : row.text)
        fflush(nil)
    }
}
