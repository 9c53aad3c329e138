import ArgumentParser
import DatasetDownloads

/// `blitz-tui datasets`: which downloadable data sets are in the cache, where, and how big.
struct DatasetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "List the downloaded data sets and where they are.",
        discussion: """
            `--dataset cifar10` and `--dataset mnist` download into $XDG_CACHE_HOME/blitz-tui/datasets
            (else ~/.cache/blitz-tui/datasets), check each file's published MD5 and unpack it there.
            BLITZ_DATA_MIRROR=URL downloads from URL instead of the usual sites (the checksums still
            apply); BLITZ_DOWNLOAD_TIMEOUT=S fails a download that receives nothing for S seconds (30).
            """)

    func run() throws {
        let cache = DatasetCache.standard()
        print("cache    \(cache.root)")
        for entry in cache.entries() {
            let name = entry.name + String(repeating: " ", count: max(1, 9 - entry.name.count))
            switch entry.state {
            case .ready(let folder, let bytes):
                print("\(name)ready, \(DownloadProgress.bytes(bytes)) in \(folder)")
            case .downloading(let bytes, let total):
                let of = total.map { " of \(DownloadProgress.bytes($0))" } ?? ""
                print("\(name)partly downloaded: \(DownloadProgress.bytes(bytes))\(of) in \(cache.downloads) (the next --dataset \(entry.name) resumes)")
            case .absent:
                print("\(name)not downloaded (--dataset \(entry.name) downloads it)")
            }
        }
    }
}
