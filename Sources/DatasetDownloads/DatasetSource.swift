/// Where each downloadable data set comes from and how to check it: the files, their published
/// MD5 checksums and sizes, the sites that serve them (tried in order), and how they unpack.
///
/// CIFAR-10's binary version is published, with its MD5, on the authors' page
/// (https://www.cs.toronto.edu/~kriz/cifar.html); torchvision downloads the Python version of the
/// same data instead. MNIST's four files, their MD5s and mirrors are torchvision's
/// (torchvision/datasets/mnist.py).
public struct DatasetSource: Sendable, Equatable {
    public enum Packing: Sendable, Equatable {
        /// One .tar.gz holding `folder` with the data files.
        case tarGz(folder: String)
        /// Each file gzip-compressed on its own; unpacked without the .gz.
        case gzipFiles
    }

    public struct File: Sendable, Equatable {
        public var name: String
        public var md5: String
        /// Bytes, when known (the progress bar's total if the server does not say).
        public var size: Int?

        public init(name: String, md5: String, size: Int? = nil) {
            self.name = name
            self.md5 = md5
            self.size = size
        }
    }

    /// The name `--dataset` uses and the cache folder's name.
    public var name: String
    public var files: [File]
    /// Base URLs, each ending in "/", tried in order; a file's URL is base + file name.
    public var bases: [String]
    public var packing: Packing
    /// Files that must be there once unpacked (relative to the data set's folder).
    public var expected: [String]

    public init(name: String, files: [File], bases: [String], packing: Packing, expected: [String]) {
        self.name = name
        self.files = files
        self.bases = bases
        self.packing = packing
        self.expected = expected
    }

    public static let cifar10 = DatasetSource(
        name: "cifar10",
        files: [File(name: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530", size: 170_052_171)],
        bases: ["https://www.cs.toronto.edu/~kriz/"],
        packing: .tarGz(folder: "cifar-10-batches-bin"),
        expected: (1...5).map { "cifar-10-batches-bin/data_batch_\($0).bin" } + ["cifar-10-batches-bin/test_batch.bin"])

    public static let mnist = DatasetSource(
        name: "mnist",
        files: [
            File(name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873", size: 9_912_422),
            File(name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432", size: 28_881),
            File(name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3", size: 1_648_877),
            File(name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c", size: 4_542),
        ],
        bases: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
        packing: .gzipFiles,
        expected: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"])

    public static let all = [cifar10, mnist]

    public static func named(_ name: String) -> DatasetSource? {
        all.first { $0.name == name }
    }

    /// The sites to try: `BLITZ_DATA_MIRROR` alone when set (its checksums still apply).
    public func bases(mirror: String?) -> [String] {
        guard let mirror, !mirror.isEmpty else { return bases }
        return [mirror.hasSuffix("/") ? mirror : mirror + "/"]
    }
}
