import CDownloads

/// libcurl and libarchive, loaded the first time a download needs them (CDownloads.h says why
/// at run time). A machine without them still trains on every data set already on disk.
enum DownloadLibraries {
    /// nil once both are loaded; otherwise what is missing.
    static let problem: String? = {
        var buffer = [CChar](repeating: 0, count: 512)
        guard blitz_downloads_load(&buffer, buffer.count) != 0 else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }()

    static func require() throws(DownloadError) {
        if let problem { throw .librariesMissing(problem) }
    }
}
