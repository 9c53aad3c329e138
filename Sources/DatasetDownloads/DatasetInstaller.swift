#if canImport(Glibc)
import Glibc
#endif

/// `--dataset cifar10` with no folder, like torchvision's `download=True`: the data set's folder
/// in the cache when it is there; otherwise each file is downloaded (resuming a `.part` left by
/// an earlier run, retrying a connection that broke off, then the next site), checked against its
/// published MD5 before anything else reads it, unpacked into a temporary folder, and renamed
/// into place only when every expected file is there. A wrong checksum or a broken or unsafe
/// archive leaves nothing of it in the cache.
public struct DatasetInstaller {
    public var cache: DatasetCache
    /// `BLITZ_DATA_MIRROR`: replaces every site's base URL; the checksums still apply.
    public var mirror: String?
    var http = HTTPDownload()
    /// One line per stage (downloading from, resuming, verified, unpacking).
    public var report: (String) -> Void
    public var progress: (DownloadProgress) -> Void
    /// Immediate retries when a connection breaks off mid-way (each resumes).
    public var retries = 3

    public init(cache: DatasetCache, mirror: String? = nil, stallTimeout: Int = 30, connectTimeout: Int = 20,
                report: @escaping (String) -> Void, progress: @escaping (DownloadProgress) -> Void) {
        self.cache = cache
        self.mirror = mirror
        self.report = report
        self.progress = progress
        http.stallTimeout = stallTimeout
        http.connectTimeout = connectTimeout
    }

    /// The installer the environment describes: the standard cache, `BLITZ_DATA_MIRROR`, and
    /// `BLITZ_DOWNLOAD_TIMEOUT` (seconds without data before a download fails; default 30).
    public static func fromEnvironment(report: @escaping (String) -> Void,
                                       progress: @escaping (DownloadProgress) -> Void) -> DatasetInstaller {
        let timeout = FileSystem.environment("BLITZ_DOWNLOAD_TIMEOUT").flatMap { Int($0) }.map { max(1, $0) } ?? 30
        return DatasetInstaller(cache: .standard(), mirror: FileSystem.environment("BLITZ_DATA_MIRROR"),
                                stallTimeout: timeout, connectTimeout: min(20, max(timeout, 5)),
                                report: report, progress: progress)
    }

    /// The folder holding the unpacked data set, downloading and unpacking it first if needed.
    public func ensure(_ source: DatasetSource) throws(DownloadError) -> String {
        if let folder = cache.installed(source) { return folder }
        try DownloadLibraries.require()
        try FileSystem.makeFolders(cache.downloads)
        cache.removeStaleUnpacking()
        for file in source.files {
            try obtain(file, of: source)
        }
        return try unpack(source)
    }

    /// What to do by hand when downloading cannot work.
    public func manualInstructions(_ file: DatasetSource.File, of source: DatasetSource) -> String {
        let urls = source.bases(mirror: mirror).map { $0 + file.name }.joined(separator: " or ")
        return "To install it by hand: download \(urls) (MD5 \(file.md5)) on a machine that can, and put it at "
            + "\(cache.download(file)); the next run checks and unpacks it. Or unpack the data set anywhere "
            + "and pass its folder: --dataset \(source.name):DIR"
    }

    // MARK: downloading

    private func obtain(_ file: DatasetSource.File, of source: DatasetSource) throws(DownloadError) {
        let done = cache.download(file)
        if FileSystem.exists(done) {
            // Downloaded earlier, or put there by hand: checked like a fresh download.
            try verify(done, file, url: done, source: source)
            return
        }
        let part = cache.partial(file)
        var attempts: [DownloadError.Attempt] = []
        for base in source.bases(mirror: mirror) {
            let url = base + file.name
            let resumed = FileSystem.size(part) ?? 0
            report(resumed > 0 ? "resuming \(file.name) at \(DownloadProgress.bytes(resumed)) from \(url)"
                               : "downloading \(file.name) from \(url)")
            var failure: HTTPDownload.Failure?
            var tries = 0
            while true {
                let started = Self.now()
                let startBytes = FileSystem.size(part) ?? 0
                do throws(HTTPDownload.Failure) {
                    _ = try http.fetch(url, to: part, expectedSize: file.size) { have, total in
                        let elapsed = Self.now() - started
                        let rate = elapsed > 0.2 ? Double(have - startBytes) / elapsed : nil
                        progress(DownloadProgress(file: file.name, have: have, total: total ?? file.size, rate: rate))
                    }
                    failure = nil
                    break
                } catch {
                    failure = error
                    guard error.retryable && tries < retries else { break }
                    tries += 1
                    report("\(file.name): \(error.reason); resuming (try \(tries + 1) of \(retries + 1))")
                }
            }
            if let failure {
                attempts.append(.init(url: url, reason: failure.reason))
                continue
            }
            try verify(part, file, url: url, source: source)
            guard rename(part, done) == 0 else {
                throw .cache(path: done, reason: "cannot move the download into place: \(FileSystem.lastError)")
            }
            return
        }
        // Nothing arrived from anywhere: leave no empty .part behind.
        if FileSystem.size(part) == 0 { unlink(part) }
        throw .unreachable(file: file.name, attempts: attempts, manual: manualInstructions(file, of: source))
    }

    /// Checks the MD5; a mismatch deletes the file.
    private func verify(_ path: String, _ file: DatasetSource.File, url: String, source: DatasetSource) throws(DownloadError) {
        let got = try FileSystem.md5(path)
        guard got == file.md5.lowercased() else {
            unlink(path)
            throw .checksumMismatch(file: file.name, url: url, expected: file.md5, got: got,
                                    manual: manualInstructions(file, of: source))
        }
        report("\(file.name): MD5 \(got) verified")
    }

    // MARK: unpacking

    private func unpack(_ source: DatasetSource) throws(DownloadError) -> String {
        let temporary = FileSystem.join(cache.root, ".unpack-\(source.name)-\(getpid())")
        let final = cache.folder(of: source)
        FileSystem.removeTree(temporary)
        try FileSystem.makeFolders(temporary)
        let downloads = source.files.map { cache.download($0) }
        do throws(DownloadError) {
            switch source.packing {
            case .tarGz:
                for (file, path) in zip(source.files, downloads) {
                    report("unpacking \(file.name)")
                    try ArchiveExtraction.untar(path, into: temporary, name: file.name)
                }
            case .gzipFiles:
                for (file, path) in zip(source.files, downloads) {
                    let name = file.name.hasSuffix(".gz") ? String(file.name.dropLast(3)) : file.name
                    try ArchiveExtraction.gunzip(path, to: FileSystem.join(temporary, name), name: file.name)
                }
                report("unpacked \(source.files.map(\.name).joined(separator: ", "))")
            }
            let missing = source.expected.filter { !FileSystem.exists(FileSystem.join(temporary, $0)) }
            if !missing.isEmpty {
                throw .incomplete(file: source.files.map(\.name).joined(separator: ", "), missing: missing)
            }
        } catch {
            FileSystem.removeTree(temporary)
            if case .cache = error {} else { downloads.forEach { unlink($0) } }
            throw error
        }
        if rename(temporary, final) != 0 {
            let reason = FileSystem.lastError
            FileSystem.removeTree(temporary)
            // Another run may have put it there first.
            if let folder = cache.installed(source) { return folder }
            throw .cache(path: final, reason: "cannot move the unpacked data set into place: \(reason)")
        }
        // The archives are not needed once unpacked (the data set's folder is what is kept).
        downloads.forEach { unlink($0) }
        report("\(source.name) is ready in \(final)")
        return final
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
