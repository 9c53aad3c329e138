/// What can go wrong getting a data set, each case with what a person needs to fix it by hand.
public enum DownloadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every site failed for `file`: each URL with why; `manual` says where to put the file.
    case unreachable(file: String, attempts: [Attempt], manual: String)
    case checksumMismatch(file: String, url: String, expected: String, got: String, manual: String)
    case unsafeArchive(file: String, entry: String, reason: String)
    case badArchive(file: String, reason: String)
    case incomplete(file: String, missing: [String])
    case cache(path: String, reason: String)
    /// libcurl or libarchive could not be loaded.
    case librariesMissing(String)

    public struct Attempt: Sendable, Equatable {
        public var url: String
        public var reason: String

        public init(url: String, reason: String) {
            self.url = url
            self.reason = reason
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let file, let attempts, let manual):
            let tried = attempts.map { "  \($0.url): \($0.reason)" }.joined(separator: "\n")
            return "could not download \(file):\n\(tried)\n\(manual)"
        case .checksumMismatch(let file, let url, let expected, let got, let manual):
            return "\(file) from \(url) has MD5 \(got), expected \(expected): the download is corrupt or not the "
                + "published file, and was deleted.\n\(manual)"
        case .unsafeArchive(let file, let entry, let reason):
            return "\(file): refused to unpack '\(entry)': \(reason); nothing was unpacked"
        case .badArchive(let file, let reason):
            return "\(file): cannot be unpacked: \(reason); it was deleted, and the next run downloads it again"
        case .incomplete(let file, let missing):
            return "\(file) unpacked without \(missing.joined(separator: ", ")); it was deleted, and nothing was kept"
        case .cache(let path, let reason):
            return "\(path): \(reason)"
        case .librariesMissing(let problem):
            return "downloading needs libcurl and libarchive: \(problem). Or download the data set by hand and pass its folder (--dataset NAME:DIR)"
        }
    }
}
