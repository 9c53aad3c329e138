#if canImport(Glibc)
import Glibc
#endif

/// The download cache: `$XDG_CACHE_HOME/blitz-tui/datasets` (else `~/.cache/blitz-tui/datasets`).
///
///     datasets/cifar10/                 a data set, unpacked: present only when complete
///     datasets/downloads/NAME.part      a download under way or interrupted (resumed next time)
///     datasets/downloads/NAME           a whole download, or one put there by hand (checked first)
///     datasets/.unpack-cifar10-PID/     unpacking; renamed to cifar10/ in one step when complete
///
/// A data set's folder appears by rename(2) once everything in it is unpacked and checked, so a
/// half-unpacked folder never has the data set's name.
public struct DatasetCache: Sendable, Equatable {
    public var root: String

    public init(root: String) {
        self.root = root
    }

    /// The cache the environment names.
    public static func standard() -> DatasetCache {
        if let xdg = FileSystem.environment("XDG_CACHE_HOME"), xdg.hasPrefix("/") {
            return DatasetCache(root: FileSystem.join(xdg, "blitz-tui/datasets"))
        }
        let home = FileSystem.environment("HOME") ?? "."
        return DatasetCache(root: FileSystem.join(home, ".cache/blitz-tui/datasets"))
    }

    public func folder(of source: DatasetSource) -> String { FileSystem.join(root, source.name) }
    public var downloads: String { FileSystem.join(root, "downloads") }
    public func download(_ file: DatasetSource.File) -> String { FileSystem.join(downloads, file.name) }
    public func partial(_ file: DatasetSource.File) -> String { download(file) + ".part" }

    /// The unpacked data set's folder, if it is there and complete.
    public func installed(_ source: DatasetSource) -> String? {
        let folder = folder(of: source)
        guard FileSystem.isFolder(folder) else { return nil }
        return source.expected.allSatisfy { FileSystem.exists(FileSystem.join(folder, $0)) } ? folder : nil
    }

    /// What `blitz-tui datasets` prints about one data set.
    public struct Entry: Sendable, Equatable {
        public enum State: Sendable, Equatable {
            case ready(folder: String, bytes: Int)
            /// Downloads present (whole or partial) but not unpacked yet.
            case downloading(bytes: Int, of: Int?)
            case absent
        }
        public var name: String
        public var state: State
    }

    public func entries() -> [Entry] {
        DatasetSource.all.map { source in
            if let folder = installed(source) {
                return Entry(name: source.name, state: .ready(folder: folder, bytes: FileSystem.treeSize(folder)))
            }
            var have = 0
            var any = false
            for file in source.files {
                if let n = FileSystem.size(download(file)) ?? FileSystem.size(partial(file)) {
                    have += n
                    any = true
                }
            }
            let sizes = source.files.compactMap(\.size)
            let total = sizes.count == source.files.count ? sizes.reduce(0, +) : nil
            return Entry(name: source.name, state: any ? .downloading(bytes: have, of: total) : .absent)
        }
    }

    /// Removes unpacking folders left by runs that were killed (their process is gone).
    func removeStaleUnpacking() {
        for name in FileSystem.list(root) ?? [] where name.hasPrefix(".unpack-") {
            if let pid = name.split(separator: "-").last.flatMap({ Int32($0) }), pid != getpid(),
               kill(pid, 0) == 0 || errno == EPERM {
                continue
            }
            FileSystem.removeTree(FileSystem.join(root, name))
        }
    }
}
