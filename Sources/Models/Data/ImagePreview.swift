/// One stored image as a screen can show it: its pixels as 8-bit RGB (grey images repeat their
/// one channel), its label and class name. What a Data page draws for CIFAR-10 ("frog", in
/// colour) or MNIST ("7", in grey), taken from the bytes the data set keeps, never from features
/// (which are normalised and may be padded or resized).
public struct ImagePreview: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Row-major, three bytes (red, green, blue) per pixel.
    public var rgb: [UInt8]
    /// False for one-channel images, whose three bytes per pixel are equal.
    public var isColour: Bool
    public var label: Int
    public var className: String

    public init(width: Int, height: Int, rgb: [UInt8], isColour: Bool, label: Int, className: String) {
        precondition(rgb.count == width * height * 3, "ImagePreview: \(rgb.count) bytes for \(width)×\(height) RGB")
        self.width = width
        self.height = height
        self.rgb = rgb
        self.isColour = isColour
        self.label = label
        self.className = className
    }

    /// The pixel at (x, y).
    public func pixel(_ x: Int, _ y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let i = (y * width + x) * 3
        return (rgb[i], rgb[i + 1], rgb[i + 2])
    }
}

extension ByteImageDataset {
    /// Image `index` as stored (CIFAR-10: 32×32 from its red, green and blue planes).
    public func preview(at index: Int) -> ImagePreview {
        let (channels, height, width) = (storedShape[0], storedShape[1], storedShape[2])
        let bytes = imageBytes(at: index)
        let start = bytes.startIndex
        let plane = height * width
        var rgb = [UInt8](repeating: 0, count: plane * 3)
        for p in 0..<plane {
            for c in 0..<3 {
                rgb[p * 3 + c] = bytes[start + (channels >= 3 ? c * plane : 0) + p]
            }
        }
        let label = label(at: index)
        return ImagePreview(width: width, height: height, rgb: rgb, isColour: channels >= 3, label: label,
                            className: classNames[label])
    }
}
