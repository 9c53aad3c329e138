import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The processes of one `mpirun` job, seen from one of them (torch.distributed's default process
/// group with the MPI backend): this process's rank, the world size, and the collectives the
/// trainer needs (all-reduce of floats, broadcast).
///
/// MPI is initialised once per process, with MPI_THREAD_SERIALIZED (the trainer calls MPI from
/// its own queue, one call at a time), and finalised at exit. A watchdog bounds every collective:
/// when the other ranks do not answer within `timeout` (a rank died, hung or quit early), this
/// rank says so on stderr and exits with status 1 instead of waiting for ever. Open MPI's mpirun
/// usually kills the job first when a rank dies; the watchdog covers the cases it does not.
public final class ProcessGroup: Sendable {
    public let library: MPILibrary
    public let rank: Int
    public let worldSize: Int
    private let watchdog: CollectiveWatchdog

    private static let shared = Mutex<ProcessGroup?>(nil)

    /// The world of this process, initialising MPI on first use.
    public static func world() throws(MPIError) -> ProcessGroup {
        if let existing = shared.withLock({ $0 }) { return existing }
        let library = try MPILibrary.load()
        let api = library.api
        var initialised: Int32 = 0
        _ = api.initialized(&initialised)
        if initialised == 0 {
            var provided: Int32 = 0
            let status = api.initThread(nil, nil, 2, &provided)   // MPI_THREAD_SERIALIZED is 2 in both
            guard status == 0 else { throw .call("MPI_Init_thread", status) }
        }
        var rank: Int32 = 0
        var size: Int32 = 0
        guard api.commRank(library.handles.commWorld, &rank) == 0, api.commSize(library.handles.commWorld, &size) == 0 else {
            throw .call("MPI_Comm_rank", -1)
        }
        let group = ProcessGroup(library: library, rank: Int(rank), worldSize: Int(size))
        shared.withLock { $0 = group }
        return group
    }

    /// The world if MPI has been initialised in this process, without initialising it.
    public static var current: ProcessGroup? { shared.withLock { $0 } }

    private init(library: MPILibrary, rank: Int, worldSize: Int) {
        self.library = library
        self.rank = rank
        self.worldSize = worldSize
        watchdog = CollectiveWatchdog(rank: rank, worldSize: worldSize)
    }

    /// Seconds a collective may wait for the other ranks before this rank gives up (0: for ever,
    /// as when a person may pause rank 0's UI).
    public var timeout: Double {
        get { watchdog.timeout }
        set { watchdog.timeout = newValue }
    }

    /// Whether this process was started by a launcher (mpirun, mpiexec, srun) as part of a job.
    public static var isLaunched: Bool {
        let variables = ["OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK", "MPI_LOCALNRANKS"]
        return variables.contains { CUDASearch.environment($0) != nil }
    }

    // MARK: collectives

    /// Sums `values` element by element over every rank; every rank gets the sums.
    public func allReduceSum(_ values: inout [Float], what: String) {
        let input = values
        let status = watchdog.guarding(what) {
            input.withUnsafeBytes { send in
                values.withUnsafeMutableBytes { receive in
                    library.api.allreduce(send.baseAddress, receive.baseAddress, Int32(input.count),
                                          library.handles.float, library.handles.sum, library.handles.commWorld)
                }
            }
        }
        require(status, "MPI_Allreduce (\(what))")
    }

    /// The largest of every rank's `value`.
    public func allReduceMax(_ value: Int32, what: String) -> Int32 {
        var input = value
        var output: Int32 = 0
        let status = watchdog.guarding(what) {
            library.api.allreduce(&input, &output, 1, library.handles.int, library.handles.max, library.handles.commWorld)
        }
        require(status, "MPI_Allreduce (\(what))")
        return output
    }

    /// Rank `root`'s bytes, on every rank (the buffer must have the same size everywhere).
    public func broadcast(_ bytes: inout [UInt8], root: Int = 0, what: String) {
        let count = Int32(bytes.count)
        let status = watchdog.guarding(what) {
            bytes.withUnsafeMutableBytes { library.api.bcast($0.baseAddress, count, library.handles.byte, Int32(root), library.handles.commWorld) }
        }
        require(status, "MPI_Bcast (\(what))")
    }

    /// Rank `root`'s doubles, on every rank.
    public func broadcast(_ values: inout [Double], root: Int = 0, what: String) {
        let count = Int32(values.count)
        let status = watchdog.guarding(what) {
            values.withUnsafeMutableBytes { library.api.bcast($0.baseAddress, count, library.handles.double, Int32(root), library.handles.commWorld) }
        }
        require(status, "MPI_Bcast (\(what))")
    }

    /// Waits for every rank (MPI_Barrier), bounded by the watchdog.
    public func barrier(what: String) {
        let status = watchdog.guarding(what) { library.api.barrier(library.handles.commWorld) }
        require(status, "MPI_Barrier (\(what))")
    }

    /// MPI_Finalize, once; every rank must call it (it synchronises like a barrier).
    public func finalize() {
        var done: Int32 = 0
        _ = library.api.finalized(&done)
        guard done == 0 else { return }
        watchdog.timeout = watchdog.timeout == 0 ? 0 : Swift.max(watchdog.timeout, 30)
        _ = watchdog.guarding("MPI_Finalize") { library.api.finalize() }
    }

    /// Ends every rank of the job (MPI_Abort) after saying why on stderr.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        CollectiveWatchdog.say("blitz-tui (rank \(rank) of \(worldSize)): \(message)\n")
        _ = library.api.abort(library.handles.commWorld, code)
        _exit(code)
    }

    /// MPI's default error handler ends the job before a failed call returns; this is for the rest.
    private func require(_ status: Int32, _ call: String) {
        if status != 0 { abort("\(call) failed with MPI error \(status)") }
    }
}

/// Bounds the time a collective may wait: a thread of its own checks, once a second, how long
/// the collective in progress has been running, and ends the process with a message naming it
/// when that exceeds the timeout.
final class CollectiveWatchdog: Sendable {
    private let rank: Int
    private let worldSize: Int
    /// Start of the collective in progress (uptime ns; 0: none).
    private let started = Atomic<UInt64>(0)
    private let timeoutMillis = Atomic<Int>(120_000)
    private let current = Mutex<String>("")
    private let thread = Mutex<Bool>(false)

    init(rank: Int, worldSize: Int) {
        self.rank = rank
        self.worldSize = worldSize
    }

    var timeout: Double {
        get { Double(timeoutMillis.load(ordering: .relaxed)) / 1000 }
        set { timeoutMillis.store(Int((newValue * 1000).rounded()), ordering: .relaxed) }
    }

    func guarding<R>(_ what: String, _ body: () -> R) -> R {
        startThreadOnce()
        current.withLock { $0 = what }
        started.store(DispatchTime.now().uptimeNanoseconds, ordering: .releasing)
        let result = body()
        started.store(0, ordering: .releasing)
        return result
    }

    private func startThreadOnce() {
        let start = thread.withLock { running -> Bool in
            defer { running = true }
            return !running
        }
        guard start else { return }
        DispatchQueue.global(qos: .utility).async { [self] in
            while true {
                sleep(1)
                let since = started.load(ordering: .acquiring)
                let limit = timeoutMillis.load(ordering: .relaxed)
                guard since != 0, limit > 0 else { continue }
                let waited = (DispatchTime.now().uptimeNanoseconds &- since) / 1_000_000
                if waited > UInt64(limit) {
                    let what = current.withLock { $0 }
                    CollectiveWatchdog.say("blitz-tui (rank \(rank) of \(worldSize)): no answer from the other ranks for "
                                           + "\(limit / 1000) s during \(what): a rank died, hung or stopped early; exiting\n")
                    _exit(1)
                }
            }
        }
    }

    /// Writes straight to stderr (no buffering, safe while another thread is stuck in MPI).
    static func say(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
