#if canImport(Glibc)
import Glibc
#endif

/// The MPI library, found at run time like CUDA's: nothing is linked at build time, so the
/// default build and `make run` need no MPI, and `--distributed` uses whichever MPI the machine
/// has. Search order: the folders in BLITZ_MPI_PATH, the system loader (LD_LIBRARY_PATH,
/// ld.so.cache), then the folders Debian, Red Hat and source installs of Open MPI and MPICH use.
///
/// Open MPI and MPICH share the C API but not its handles. In Open MPI, MPI_COMM_WORLD, MPI_FLOAT
/// and MPI_SUM are the addresses of global objects (`&ompi_mpi_comm_world`, ...); in MPICH they
/// are integer constants (0x44000000, ...). Both are passed to functions as one integer-class
/// argument (a pointer, or an int), which the x86-64 and AArch64 C calling conventions put in a
/// 64-bit register where an int callee reads the low 32 bits: so the function types below take
/// every handle as a UInt, and `MPIHandles` holds the right values for the flavour found.
public struct MPILibrary: Sendable {
    public static let environmentVariable = "BLITZ_MPI_PATH"

    /// Open MPI's soname first (3.x to 5.x), then MPICH's (3.1 and later; also Intel MPI, MVAPICH).
    public static let candidateNames = ["libmpi.so.40", "libmpi.so.12", "libmpich.so.12", "libmpi.so"]

    public enum Flavour: String, Sendable {
        case openMPI = "Open MPI"
        case mpich = "MPICH"
    }

    public let path: String
    public let flavour: Flavour
    /// MPI_Get_library_version's first line ("Open MPI v4.1.4, package: ...", "MPICH Version: 4.0.2").
    public let version: String
    let api: MPIAPI
    let handles: MPIHandles

    /// The places a search looks, in order (for messages).
    public static func searchFolders(environment: (String) -> String?) -> (user: [String], wellKnown: [String]) {
        let user = CUDASearch.parsePathList(environment(environmentVariable)).flatMap { [$0, $0 + "/lib", $0 + "/lib64"] }
        var wellKnown: [String] = []
        for variable in ["MPI_HOME", "OPAL_PREFIX", "I_MPI_ROOT"] {
            if let prefix = environment(variable), !prefix.isEmpty { wellKnown += [prefix + "/lib", prefix + "/lib64"] }
        }
        wellKnown += [
            "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu/openmpi/lib", "/usr/lib/x86_64-linux-gnu/mpich/lib",
            "/usr/lib/aarch64-linux-gnu/openmpi/lib", "/usr/lib/aarch64-linux-gnu/mpich/lib",
            "/usr/lib64/openmpi/lib", "/usr/lib64/mpich/lib", "/usr/lib64",
            "/usr/local/lib", "/opt/openmpi/lib", "/opt/mpich/lib", "/opt/hpcx/ompi/lib",
        ]
        return (CUDASearch.unique(user), CUDASearch.unique(wellKnown))
    }

    /// Looks for the library; on failure the error names every name and place tried.
    public static func load() throws(MPIError) -> MPILibrary {
        try load(environment: CUDASearch.environment)
    }

    /// The same search with another environment (tests).
    public static func load(environment: (String) -> String?) throws(MPIError) -> MPILibrary {
        let (user, wellKnown) = searchFolders(environment: environment)
        return try find(userFolders: user, systemLoader: true, wellKnownFolders: wellKnown)
    }

    /// Tries each name in the user's folders, then through the system loader (if asked), then
    /// in the well-known folders.
    static func find(userFolders user: [String], systemLoader: Bool, wellKnownFolders wellKnown: [String]) throws(MPIError) -> MPILibrary {
        var failures: [String] = []
        func tryFolders(_ folders: [String]) -> DynamicLibrary? {
            for name in candidateNames {
                for folder in folders where CUDASearch.fileExists(folder + "/" + name) {
                    switch DynamicLibrary.open(folder + "/" + name, global: true) {
                    case .success(let lib): return lib
                    case .failure(let f): failures.append("\(f.path): \(f.reason)")
                    }
                }
            }
            return nil
        }
        var library = tryFolders(user)
        if library == nil && systemLoader {
            for name in candidateNames {
                if case .success(let lib) = DynamicLibrary.open(name, global: true) {
                    library = lib
                    break
                }
            }
        }
        if library == nil { library = tryFolders(wellKnown.filter { !user.contains($0) }) }
        guard let library else {
            let places = user + (systemLoader ? [CUDALibraryLookup.systemLoaderPlace] : []) + wellKnown
            throw .notFound(names: candidateNames, places: places, failures: failures)
        }
        return try MPILibrary(library)
    }

    init(_ library: DynamicLibrary) throws(MPIError) {
        do {
            api = try MPIAPI(library)
        } catch {
            throw .unusable(path: library.path, reason: error.message)
        }
        path = library.resolvedPath(symbol: "MPI_Init")
        if let world = library.optionalSymbol("ompi_mpi_comm_world", as: UnsafeMutableRawPointer.self) {
            flavour = .openMPI
            func address(_ name: String) throws(MPIError) -> UInt {
                guard let p = library.optionalSymbol(name, as: UnsafeMutableRawPointer.self) else {
                    throw .unusable(path: library.path, reason: "Open MPI's \(name) is missing")
                }
                return UInt(bitPattern: p)
            }
            handles = MPIHandles(commWorld: UInt(bitPattern: world), float: try address("ompi_mpi_float"),
                                 double: try address("ompi_mpi_double"), int: try address("ompi_mpi_int"),
                                 byte: try address("ompi_mpi_byte"), sum: try address("ompi_mpi_op_sum"),
                                 max: try address("ompi_mpi_op_max"))
        } else {
            flavour = .mpich
            handles = .mpich
        }
        var buffer = [CChar](repeating: 0, count: 8192)
        var length: Int32 = 0
        _ = api.getLibraryVersion(&buffer, &length)
        let text = String(decoding: buffer.prefix(Int(max(0, min(length, 8191)))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let first = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        version = first.replacingTabs().trimmingTrailingSpaces().isEmpty ? flavour.rawValue : first.replacingTabs().trimmingTrailingSpaces()
    }

    /// The version's first part: "Open MPI v4.1.4", "MPICH Version: 4.0.2".
    public var shortVersion: String {
        version.split(separator: ",").first.map(String.init) ?? version
    }

    /// One line for `blitz-tui devices`: the flavour, its version and where it was found.
    public var summary: String {
        "\(shortVersion) (\(path))"
    }
}

/// The handles of the predefined objects blitz-tui uses, as integers (see MPILibrary).
struct MPIHandles: Sendable {
    let commWorld, float, double, int, byte, sum, max: UInt

    /// MPICH's mpi.h constants (the same since MPICH 1.x; Intel MPI and MVAPICH use them too).
    static let mpich = MPIHandles(commWorld: 0x4400_0000, float: 0x4C00_040A, double: 0x4C00_080B, int: 0x4C00_0405,
                                  byte: 0x4C00_010D, sum: 0x5800_0003, max: 0x5800_0001)
}

/// The MPI functions blitz-tui calls, taken from the library by name (handles as UInt; see above).
struct MPIAPI: Sendable {
    typealias Status = Int32
    let initialized: @convention(c) (UnsafeMutablePointer<Int32>?) -> Status
    let initThread: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32, UnsafeMutablePointer<Int32>?) -> Status
    let finalize: @convention(c) () -> Status
    let finalized: @convention(c) (UnsafeMutablePointer<Int32>?) -> Status
    let commRank: @convention(c) (UInt, UnsafeMutablePointer<Int32>?) -> Status
    let commSize: @convention(c) (UInt, UnsafeMutablePointer<Int32>?) -> Status
    let allreduce: @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, UInt, UInt, UInt) -> Status
    let bcast: @convention(c) (UnsafeMutableRawPointer?, Int32, UInt, Int32, UInt) -> Status
    let barrier: @convention(c) (UInt) -> Status
    let abort: @convention(c) (UInt, Int32) -> Status
    let getLibraryVersion: @convention(c) (UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int32>?) -> Status

    init(_ lib: DynamicLibrary) throws(DeviceError) {
        initialized = try lib.symbol("MPI_Initialized")
        initThread = try lib.symbol("MPI_Init_thread")
        finalize = try lib.symbol("MPI_Finalize")
        finalized = try lib.symbol("MPI_Finalized")
        commRank = try lib.symbol("MPI_Comm_rank")
        commSize = try lib.symbol("MPI_Comm_size")
        allreduce = try lib.symbol("MPI_Allreduce")
        bcast = try lib.symbol("MPI_Bcast")
        barrier = try lib.symbol("MPI_Barrier")
        abort = try lib.symbol("MPI_Abort")
        getLibraryVersion = try lib.symbol("MPI_Get_library_version")
    }
}

/// What can go wrong finding or using MPI; the text names what was searched.
public enum MPIError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(names: [String], places: [String], failures: [String])
    case unusable(path: String, reason: String)
    case call(String, Int32)
    case notLaunched

    public var description: String {
        switch self {
        case .notFound(let names, let places, let failures):
            var text = "MPI was not found (tried \(names.joined(separator: ", "))). Looked in: \(places.joined(separator: ", "))"
            if !failures.isEmpty { text += ". Could not open: " + failures.joined(separator: "; ") }
            return text + ". Install Open MPI (apt-get install openmpi-bin libopenmpi-dev) or MPICH, or set \(MPILibrary.environmentVariable) to the folder that holds libmpi.so"
        case .unusable(let path, let reason):
            return "\(path) is not an MPI library blitz-tui can use: \(reason)"
        case .call(let name, let status):
            return "\(name) failed with MPI error \(status)"
        case .notLaunched:
            return "MPI was initialised but this process is not part of a parallel job"
        }
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        String(map { $0 == "\t" ? " " : $0 })
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
