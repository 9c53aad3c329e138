#if canImport(Glibc)
import Glibc
#endif

/// Where blitz-tui looks for libcuda, libnvrtc and libcublas, in order: the folders named by
/// BLITZ_CUDA_PATH, then the system loader (LD_LIBRARY_PATH, ld.so.cache), then the places
/// drivers, toolkits and PyTorch's pip wheels usually put them. Nothing is linked at build time.
public struct CUDASearch: Sendable, Equatable {
    /// The environment variable naming extra folders (colon-separated), searched first.
    public static let environmentVariable = "BLITZ_CUDA_PATH"

    /// Folders from BLITZ_CUDA_PATH (each also searched in its lib64/, lib/ and */lib/ subfolders).
    public var userFolders: [String]
    /// Whether to ask the system loader by bare name (LD_LIBRARY_PATH, ld.so.cache).
    public var usesSystemLoader: Bool
    /// Driver, toolkit and Python wheel folders.
    public var wellKnownFolders: [String]

    public init(userFolders: [String], usesSystemLoader: Bool, wellKnownFolders: [String]) {
        self.userFolders = userFolders
        self.usesSystemLoader = usesSystemLoader
        self.wellKnownFolders = wellKnownFolders
    }

    /// The search this process uses, read from its environment.
    public static func fromEnvironment() -> CUDASearch {
        CUDASearch(userFolders: parsePathList(environment(environmentVariable)),
                   usesSystemLoader: true,
                   wellKnownFolders: standardFolders(environment: environment))
    }

    /// Exactly these folders and nothing else (tests; a person who wants one place only).
    public static func only(_ folders: [String]) -> CUDASearch {
        CUDASearch(userFolders: folders, usesSystemLoader: false, wellKnownFolders: [])
    }

    /// `a:b::c` → ["a", "b", "c"].
    public static func parsePathList(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(separator: ":").map(String.init).filter { !$0.isEmpty }
    }

    /// The usual places, those that exist after globbing (fixed folders are kept either way).
    public static func standardFolders(environment: (String) -> String?) -> [String] {
        var folders = [
            "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
            "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib",
            "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
        ]
        folders += glob("/usr/local/cuda-*/lib64").reversed()
        // PyTorch's wheels carry the CUDA libraries in site-packages/nvidia/<name>/lib.
        var prefixes: [String] = []
        for variable in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
            if let p = environment(variable), !p.isEmpty { prefixes.append(p) }
        }
        if let home = environment("HOME"), !home.isEmpty { prefixes.append(home + "/.local") }
        prefixes += ["/usr/local", "/usr", "/opt/conda"]
        for prefix in prefixes {
            for packages in ["site-packages", "dist-packages"] {
                folders += glob("\(prefix)/lib/python3*/\(packages)/nvidia/*/lib")
            }
        }
        folders += glob("/usr/lib/python3/dist-packages/nvidia/*/lib")
        if let conda = environment("CONDA_PREFIX"), !conda.isEmpty { folders.append(conda + "/lib") }
        return unique(folders)
    }

    /// A user folder and the subfolders a person is likely to mean by it.
    static func expand(userFolder folder: String) -> [String] {
        var out = [folder]
        for sub in ["lib64", "lib"] where isDirectory("\(folder)/\(sub)") { out.append("\(folder)/\(sub)") }
        out += glob("\(folder)/*/lib")
        out += glob("\(folder)/nvidia/*/lib")
        return unique(out)
    }

    /// Every folder searched for a full path, in order.
    var folderOrder: [String] {
        CUDASearch.unique(userFolders.flatMap(CUDASearch.expand(userFolder:)) + wellKnownFolders)
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Paths matching a shell pattern, sorted (glob(3) sorts them).
    static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for i in 0..<Int(result.gl_pathc) {
            if let p = result.gl_pathv[i] { paths.append(String(cString: p)) }
        }
        return paths
    }

    static func unique(_ items: [String]) -> [String] {
        var seen: [String] = []
        for item in items where !seen.contains(item) { seen.append(item) }
        return seen
    }
}
