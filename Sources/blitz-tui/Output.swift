import Glibc

/// Writes straight to file descriptors 1 and 2. (C's `stdout`/`stderr` are global mutable
/// variables that Swift 6 will not touch from concurrent code; the trainer's observer prints
/// from its own queue.)
enum Output {
    static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    static func out(_ text: String) { write(text, to: STDOUT_FILENO) }
    static func err(_ text: String) { write(text, to: STDERR_FILENO) }
}

func printError(_ text: String) {
    Output.err(text.hasSuffix("\n") ? text : text + "\n")
}
