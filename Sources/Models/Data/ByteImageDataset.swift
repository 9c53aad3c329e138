import Autograd

/// Images kept as the bytes they came in (a CIFAR-10 record, an IDX image, an 8×8 digit, a
/// generated picture) and turned into Float32 features only when a batch asks for them.
///
/// Keeping bytes costs a quarter of the memory of floats (CIFAR-10's 50,000 training images are
/// 150 MB as bytes) and lets the loaders keep the file bytes as they are: image `i` starts at
/// `firstPixel + i * stride`. A 256-entry table maps a byte to its normalised value (for CIFAR,
/// (v/255 − 0.5)/0.5), and `layout` pads or resizes to the shape the model expects.
public struct ByteImageDataset: Dataset {
    public let pixels: [UInt8]
    public let labels: [UInt8]
    /// Channels, height, width as stored.
    public let storedShape: [Int]
    public let layout: ImageLayout
    public let classNames: [String]
    public let sampleShape: [Int]
    private let firstPixel: Int
    private let stride: Int
    private let table: [Float]
    private let resize: BilinearResize?

    /// - Parameters:
    ///   - pixels: holds image `i` (channel planes of height × width bytes) at `firstPixel + i * stride`.
    ///   - normalise: the feature value of each byte value (0...255).
    public init(
        pixels: [UInt8], firstPixel: Int = 0, stride: Int? = nil, labels: [UInt8], storedShape: [Int],
        layout: ImageLayout = .asStored, classNames: [String], normalise: (UInt8) -> Float
    ) {
        precondition(storedShape.count == 3, "ByteImageDataset: stored shape \(storedShape) is not [channels, height, width]")
        let imageSize = storedShape[0] * storedShape[1] * storedShape[2]
        let stride = stride ?? imageSize
        precondition(stride >= imageSize)
        precondition(labels.isEmpty || firstPixel + (labels.count - 1) * stride + imageSize <= pixels.count, "ByteImageDataset: \(pixels.count) bytes cannot hold \(labels.count) images")
        precondition(labels.allSatisfy { Int($0) < classNames.count }, "ByteImageDataset: a label is outside 0..<\(classNames.count)")
        self.pixels = pixels
        self.labels = labels
        self.storedShape = storedShape
        self.layout = layout
        self.classNames = classNames
        self.firstPixel = firstPixel
        self.stride = stride
        self.table = (0...255).map { normalise(UInt8($0)) }
        let (channels, height, width) = (storedShape[0], storedShape[1], storedShape[2])
        switch layout {
        case .asStored:
            sampleShape = storedShape
            resize = nil
        case .padded(let border):
            sampleShape = [channels, height + 2 * border, width + 2 * border]
            resize = nil
        case .resized(let newHeight, let newWidth):
            sampleShape = [channels, newHeight, newWidth]
            resize = BilinearResize(from: (height, width), to: (newHeight, newWidth))
        }
    }

    public var count: Int { labels.count }

    public func label(at index: Int) -> Int { Int(labels[index]) }

    /// The stored bytes of image `index`.
    public func imageBytes(at index: Int) -> ArraySlice<UInt8> {
        let start = firstPixel + index * stride
        return pixels[start ..< start + storedShape[0] * storedShape[1] * storedShape[2]]
    }

    public func copyFeatures(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(index >= 0 && index < count, "ByteImageDataset: index \(index) out of range for \(count) images")
        precondition(destination.count == featureCount, "ByteImageDataset: destination of \(destination.count) for a sample of \(featureCount)")
        let (channels, height, width) = (storedShape[0], storedShape[1], storedShape[2])
        pixels.withUnsafeBufferPointer { bytes in
            table.withUnsafeBufferPointer { table in
                let image = bytes.baseAddress! + firstPixel + index * stride
                switch layout {
                case .asStored:
                    for i in 0 ..< channels * height * width {
                        destination[i] = table[Int(image[i])]
                    }
                case .padded(let border):
                    let outWidth = width + 2 * border
                    let outPlane = (height + 2 * border) * outWidth
                    let background = table[0]
                    destination.initialize(repeating: background)
                    for c in 0..<channels {
                        for y in 0..<height {
                            let row = c * outPlane + (y + border) * outWidth + border
                            let source = image + (c * height + y) * width
                            for x in 0..<width {
                                destination[row + x] = table[Int(source[x])]
                            }
                        }
                    }
                case .resized:
                    resize!.apply(image, channels: channels, table: table, into: destination)
                }
            }
        }
    }
}

/// How stored images become model inputs.
public enum ImageLayout: Sendable, Equatable {
    /// Unchanged.
    case asStored
    /// `border` pixels of byte value 0 on every side (MNIST's 28×28 → 32×32, torchvision's Pad).
    case padded(Int)
    /// Bilinear resizing to height × width, as torchvision's Resize does it
    /// (F.interpolate with align_corners=False).
    case resized(height: Int, width: Int)
}
