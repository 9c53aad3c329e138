import CDownloads
import Foundation
@testable import DatasetDownloads

/// Archives made for the tests with libarchive's writer: a .tar.gz of given entries (paths as
/// given, `../` included), and a single gzip-compressed file.
enum TestArchives {
    enum Kind {
        case file([UInt8])
        case symlink(String)
    }

    static func tarGz(_ entries: [(path: String, kind: Kind)]) -> [UInt8] {
        write(format: { blitz_archive_write_set_format_pax_restricted($0) }) { writer in
            for (path, kind) in entries {
                let entry = blitz_archive_entry_new()
                blitz_archive_entry_set_pathname(entry, path)
                blitz_archive_entry_set_perm(entry, 0o644)
                switch kind {
                case .file(let bytes):
                    blitz_archive_entry_set_filetype(entry, UInt32(Glibc.S_IFREG))
                    blitz_archive_entry_set_size(entry, la_int64_t(bytes.count))
                    blitz_archive_write_header(writer, entry)
                    _ = bytes.withUnsafeBytes { blitz_archive_write_data(writer, $0.baseAddress, $0.count) }
                case .symlink(let target):
                    blitz_archive_entry_set_filetype(entry, UInt32(Glibc.S_IFLNK))
                    blitz_archive_entry_set_symlink(entry, target)
                    blitz_archive_write_header(writer, entry)
                }
                blitz_archive_entry_free(entry)
            }
        }
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        write(format: { blitz_archive_write_set_format_raw($0) }) { writer in
            let entry = blitz_archive_entry_new()
            blitz_archive_entry_set_pathname(entry, "data")
            blitz_archive_entry_set_filetype(entry, UInt32(Glibc.S_IFREG))
            blitz_archive_entry_set_size(entry, la_int64_t(bytes.count))
            blitz_archive_write_header(writer, entry)
            _ = bytes.withUnsafeBytes { blitz_archive_write_data(writer, $0.baseAddress, $0.count) }
            blitz_archive_entry_free(entry)
        }
    }

    private static func write(format: (OpaquePointer) -> Int32, _ body: (OpaquePointer) -> Void) -> [UInt8] {
        precondition(DownloadLibraries.problem == nil, DownloadLibraries.problem ?? "")
        let writer = blitz_archive_write_new()!
        blitz_archive_write_add_filter_gzip(writer)
        _ = format(writer)
        var buffer = [UInt8](repeating: 0, count: 1 << 22)
        var used = 0
        buffer.withUnsafeMutableBytes { raw in
            _ = blitz_archive_write_open_memory(writer, raw.baseAddress, raw.count, &used)
            body(writer)
            blitz_archive_write_close(writer)
        }
        blitz_archive_write_free(writer)
        return Array(buffer[0..<used])
    }
}

/// CIFAR-format records: label byte, then 3×32×32 pixel bytes.
func cifarRecords(_ labels: [UInt8]) -> [UInt8] {
    labels.enumerated().flatMap { index, label in [label] + (0..<3072).map { UInt8(($0 + index * 7) % 256) } }
}
