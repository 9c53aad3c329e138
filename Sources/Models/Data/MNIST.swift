import Autograd

/// MNIST in its IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte and the t10k-
/// pair), decompressed. Headers, sizes, counts and labels are checked before anything is used.
/// The 28×28 images are padded by 2 pixels of value 0 on each side to the 32×32 that blitz-net
/// takes (LeNet-5's own input size) and normalised as (v/255 − 0.5)/0.5.
public enum MNIST {
    public static let classNames = (0...9).map(String.init)
    public static let files = (
        trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
        testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")
    static let imageSize = [28, 28]

    public static func load(folder: String) throws(DatasetError) -> (train: ByteImageDataset, test: ByteImageDataset) {
        try BinaryFile.checkFolder(folder)
        let train = try load(folder: folder, images: files.trainImages, labels: files.trainLabels)
        let test = try load(folder: folder, images: files.testImages, labels: files.testLabels)
        return (train, test)
    }

    /// Images and labels from the contents of a pair of IDX files (their paths name them in errors).
    public static func dataset(images: [UInt8], imagesPath: String, labels: [UInt8], labelsPath: String) throws(DatasetError) -> ByteImageDataset {
        let (imageDimensions, imageOffset) = try IDXFile.parse(images, path: imagesPath, magic: IDXFile.imagesMagic, expected: imageSize)
        let (labelDimensions, labelOffset) = try IDXFile.parse(labels, path: labelsPath, magic: IDXFile.labelsMagic, expected: [])
        if imageDimensions[0] != labelDimensions[0] {
            throw .countMismatch(images: imagesPath, imageCount: imageDimensions[0], labels: labelsPath, labelCount: labelDimensions[0])
        }
        let labelBytes = Array(labels[labelOffset...])
        if let bad = labelBytes.firstIndex(where: { Int($0) >= classNames.count }) {
            throw .labelOutOfRange(path: labelsPath, index: bad, label: Int(labelBytes[bad]), classCount: classNames.count)
        }
        return ByteImageDataset(
            pixels: images, firstPixel: imageOffset, labels: labelBytes, storedShape: [1] + imageSize,
            layout: .padded(2), classNames: classNames, normalise: { (Float($0) / 255 - 0.5) / 0.5 })
    }

    /// Opens both files and checks their headers against their sizes before reading either.
    private static func load(folder: String, images: String, labels: String) throws(DatasetError) -> ByteImageDataset {
        let imagesPath = try locate(folder, images)
        let labelsPath = try locate(folder, labels)
        let imageFile = try BinaryFile.open(imagesPath)
        defer { imageFile.close() }
        let labelFile = try BinaryFile.open(labelsPath)
        defer { labelFile.close() }
        for (file, magic, expected) in [(imageFile, IDXFile.imagesMagic, imageSize), (labelFile, IDXFile.labelsMagic, [])] {
            let header = try file.read(count: min(file.size, IDXFile.headerSize(magic: magic)), at: 0)
            _ = try IDXFile.parseHeader(header, fileSize: file.size, path: file.path, magic: magic, expected: expected)
        }
        let total = imageFile.size + labelFile.size
        guard total <= MemorySize.available else {
            throw .tooLarge(path: imagesPath, bytes: total, available: MemorySize.available)
        }
        return try dataset(images: imageFile.readAll(), imagesPath: imagesPath, labels: labelFile.readAll(), labelsPath: labelsPath)
    }

    /// The path of `name` in `folder`; also accepts the common spelling with a dot
    /// (train-images.idx3-ubyte). Only a .gz copy there is an error that says to decompress it.
    private static func locate(_ folder: String, _ name: String) throws(DatasetError) -> String {
        let path = BinaryFile.join(folder, name)
        let dotted = BinaryFile.join(folder, name.replacing("-idx", with: ".idx"))
        for candidate in [path, dotted] where try BinaryFile.exists(candidate) {
            return candidate
        }
        for candidate in [path, dotted] where try BinaryFile.exists(candidate + ".gz") {
            throw .compressedFile(path: path, compressed: candidate + ".gz")
        }
        throw .missingFile(path)
    }
}
