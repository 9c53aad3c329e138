#if canImport(Glibc)
import Glibc
#endif
import CDownloads

/// Unpacking with libarchive (zlib underneath for gzip): a .tar.gz into a folder, or one .gz file.
/// Entries are written by this code, not by libarchive's disk writer, so that each one is
/// checked first: only regular files and folders, no absolute path, no `..` component (a
/// "tar slip" would write outside the folder), no links.
///
/// libarchive rather than a Swift tar reader: it is the C world's reader for every tar and
/// compression variant (it is what bsdtar is), Debian ships it, and it streams, so the 170 MB
/// archive is never held in memory.
enum ArchiveExtraction {
    /// Unpacks `archive` (tar, optionally gzip-compressed) into `folder`, which exists and is empty.
    static func untar(_ archive: String, into folder: String, name: String) throws(DownloadError) {
        guard let reader = blitz_archive_read_new() else { throw .badArchive(file: name, reason: "libarchive could not start") }
        defer { blitz_archive_read_free(reader) }
        blitz_archive_read_support_filter_gzip(reader)
        blitz_archive_read_support_format_tar(reader)
        guard blitz_archive_read_open_filename(reader, archive, 1 << 16) == ARCHIVE_OK else {
            throw .badArchive(file: name, reason: errorText(reader))
        }
        var entry: OpaquePointer?
        while true {
            let status = blitz_archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw .badArchive(file: name, reason: errorText(reader))
            }
            let path = blitz_archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            let relative = try safeRelativePath(path, file: name)
            let type = blitz_archive_entry_filetype(entry)
            let target = FileSystem.join(folder, relative)
            if type == S_IFDIR {
                try FileSystem.makeFolders(target)
                continue
            }
            guard type == S_IFREG else {
                throw .unsafeArchive(file: name, entry: path, reason: "not a regular file or folder (links are not unpacked)")
            }
            if let slash = relative.lastIndex(of: "/") {
                try FileSystem.makeFolders(FileSystem.join(folder, String(relative[..<slash])))
            }
            try copyData(reader, to: target, name: name)
        }
    }

    /// Decompresses the single gzip file `source` into `target`.
    static func gunzip(_ source: String, to target: String, name: String) throws(DownloadError) {
        guard let reader = blitz_archive_read_new() else { throw .badArchive(file: name, reason: "libarchive could not start") }
        defer { blitz_archive_read_free(reader) }
        blitz_archive_read_support_filter_gzip(reader)
        blitz_archive_read_support_format_raw(reader)
        guard blitz_archive_read_open_filename(reader, source, 1 << 16) == ARCHIVE_OK else {
            throw .badArchive(file: name, reason: errorText(reader))
        }
        var entry: OpaquePointer?
        guard blitz_archive_read_next_header(reader, &entry) == ARCHIVE_OK else {
            throw .badArchive(file: name, reason: errorText(reader))
        }
        guard blitz_archive_filter_code(reader, 0) == ARCHIVE_FILTER_GZIP else {
            throw .badArchive(file: name, reason: "not gzip-compressed")
        }
        try copyData(reader, to: target, name: name)
    }

    /// The entry's path made relative and checked: no absolute path, no `..`.
    static func safeRelativePath(_ path: String, file: String) throws(DownloadError) -> String {
        if path.hasPrefix("/") { throw .unsafeArchive(file: file, entry: path, reason: "absolute path") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if parts.contains("..") { throw .unsafeArchive(file: file, entry: path, reason: "'..' would write outside the data set's folder") }
        if parts.isEmpty { throw .unsafeArchive(file: file, entry: path, reason: "empty path") }
        return parts.joined(separator: "/")
    }

    private static func copyData(_ reader: OpaquePointer, to target: String, name: String) throws(DownloadError) {
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .cache(path: target, reason: "cannot create: \(FileSystem.lastError)") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { blitz_archive_read_data(reader, $0.baseAddress, $0.count) }
            if n == 0 { return }
            if n < 0 { throw .badArchive(file: name, reason: errorText(reader)) }
            var offset = 0
            while offset < n {
                let w = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, n - offset) }
                if w < 0 {
                    if errno == EINTR { continue }
                    throw .cache(path: target, reason: "cannot write: \(FileSystem.lastError)")
                }
                offset += w
            }
        }
    }

    private static func errorText(_ reader: OpaquePointer) -> String {
        blitz_archive_error_string(reader).map { String(cString: $0) } ?? "unreadable (libarchive error \(blitz_archive_errno(reader)))"
    }
}
