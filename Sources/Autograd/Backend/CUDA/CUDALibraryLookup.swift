/// Finding one of the three CUDA libraries: the candidate file names (newest first, those that
/// match the driver's CUDA major version before others), tried in every folder of a search.

/// The libraries the CUDA backend opens at run time.
public enum CUDALibraryKind: String, Sendable, CaseIterable {
    case driver
    case nvrtc
    case cublas

    /// What the library is, for messages.
    public var role: String {
        switch self {
        case .driver: return "the NVIDIA driver's CUDA library"
        case .nvrtc: return "NVRTC, the CUDA runtime compiler"
        case .cublas: return "cuBLAS"
        }
    }

    /// A symbol every version exports, used to find the file the loader picked.
    var probeSymbol: String {
        switch self {
        case .driver: return "cuInit"
        case .nvrtc: return "nvrtcVersion"
        case .cublas: return "cublasCreate_v2"
        }
    }

    /// Versioned names that this build knows how to use.
    static let majors: [String: [String]] = [
        "nvrtc": ["13", "12", "11.2"],
        "cublas": ["13", "12", "11"],
    ]

    /// File names to try, in order. Versions whose major is at most the driver's come first
    /// (a newer NVRTC produces code an older driver refuses), newest first.
    public func candidateNames(driverMajor: Int?) -> [String] {
        switch self {
        case .driver:
            return ["libcuda.so.1", "libcuda.so"]
        case .nvrtc, .cublas:
            let base = self == .nvrtc ? "libnvrtc.so" : "libcublas.so"
            var versions = CUDALibraryKind.majors[rawValue]!
            if let driverMajor {
                let fits = versions.filter { Int($0.split(separator: ".")[0])! <= driverMajor }
                let newer = versions.filter { Int($0.split(separator: ".")[0])! > driverMajor }.reversed()
                versions = fits + newer
            }
            return versions.map { "\(base).\($0)" } + [base]
        }
    }
}

/// The outcome of looking for one library: where it was found, or every place that was tried.
public struct CUDALibraryLookup: Sendable {
    public let kind: CUDALibraryKind
    /// The file that was opened, when one was.
    public let path: String?
    /// Names tried, in order.
    public let names: [String]
    /// Folders searched, in order (the system loader appears as "the system loader (...)").
    public let places: [String]
    /// Files that exist but could not be opened, with dlopen's reason.
    public let failures: [String]
    let library: DynamicLibrary?

    public var found: Bool { library != nil }

    /// One paragraph: found where, or not found and where it looked.
    public var description: String {
        if let path { return "\(kind.role): \(path)" }
        var text = "\(kind.role) was not found (tried \(names.joined(separator: ", "))). Looked in: \(places.joined(separator: ", "))"
        if !failures.isEmpty { text += ". Could not open: " + failures.joined(separator: "; ") }
        return text
    }

    static let systemLoaderPlace = "the system loader (LD_LIBRARY_PATH, ld.so.cache)"

    /// Tries each name in each folder of `search`, then by bare name through the system loader
    /// (between the user's folders and the well-known ones).
    static func find(_ kind: CUDALibraryKind, in search: CUDASearch, driverMajor: Int? = nil) -> CUDALibraryLookup {
        let names = kind.candidateNames(driverMajor: driverMajor)
        var places: [String] = []
        var failures: [String] = []
        let userFolders = CUDASearch.unique(search.userFolders.flatMap(CUDASearch.expand(userFolder:)))
        let missingUserFolders = search.userFolders.filter { !CUDASearch.isDirectory($0) }

        // Names outside, folders inside: the preferred version wins over an earlier folder.
        func tryFolders(_ folders: [String]) -> DynamicLibrary? {
            for folder in folders {
                places.append(folder + (missingUserFolders.contains(folder) ? " (no such folder)" : ""))
            }
            for name in names {
                for folder in folders {
                    let path = folder + "/" + name
                    guard CUDASearch.fileExists(path) else { continue }
                    preloadCompanions(of: kind, folder: folder, name: name)
                    switch DynamicLibrary.open(path) {
                    case .success(let lib): return lib
                    case .failure(let f): failures.append("\(f.path): \(f.reason)")
                    }
                }
            }
            return nil
        }

        var library = tryFolders(userFolders)
        if library == nil && search.usesSystemLoader {
            places.append(systemLoaderPlace)
            for name in names {
                if case .success(let lib) = DynamicLibrary.open(name) {
                    library = lib
                    break
                }
            }
        }
        if library == nil {
            library = tryFolders(search.wellKnownFolders.filter { !userFolders.contains($0) })
        }
        return CUDALibraryLookup(kind: kind, path: library?.resolvedPath(symbol: kind.probeSymbol), names: names, places: places,
                                 failures: failures, library: library)
    }

    /// libcublas needs libcublasLt and NVRTC loads libnvrtc-builtins: load those from the same
    /// folder first, so the lookup by soname finds them even off the loader's path.
    private static func preloadCompanions(of kind: CUDALibraryKind, folder: String, name: String) {
        switch kind {
        case .driver:
            return
        case .nvrtc:
            for helper in CUDASearch.glob(folder + "/libnvrtc-builtins.so*") { DynamicLibrary.preload(helper) }
        case .cublas:
            let version = name.hasPrefix("libcublas.so.") ? String(name.dropFirst("libcublas.so.".count)) : ""
            let helper = folder + "/libcublasLt.so" + (version.isEmpty ? "" : "." + version)
            if CUDASearch.fileExists(helper) { DynamicLibrary.preload(helper) }
        }
    }
}
