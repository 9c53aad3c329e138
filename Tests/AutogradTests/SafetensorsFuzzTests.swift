import Autograd
import Foundation
import Testing

/// Thousands of damaged safetensors files, all made from a seeded generator so a failure
/// reproduces: truncations, bit flips anywhere or in the header, edits of the header text (with
/// the length prefix kept or fixed up), and tokens spliced in where numbers and names go. Every
/// one must either load (and then hold consistent tensors) or be a SafetensorsError: never a crash.
@Suite("Safetensors fuzzing")
struct SafetensorsFuzzTests {
    /// Small valid files to damage: three dtypes, a 0-d tensor, an empty one, metadata.
    static func seeds() throws -> [[UInt8]] {
        var g = RandomGenerator(seed: 11)
        let mixed = try Safetensors.encode([
            ("fc.weight", Tensor.randn([3, 2], generator: &g)),
            ("fc.bias", Tensor.randn([3], dtype: .float64, generator: &g)),
            ("steps", Tensor([7, 8])),
            ("scale", Tensor(scalar: Float(0.5))),
            ("none", Tensor.zeros([2, 0])),
        ], metadata: [("format", "pt")])
        let pytorch = [UInt8](try Data(contentsOf: URL(fileURLWithPath: NNIOFixtures.path("checkpoints/dtypes.safetensors"))))
        return [mixed, pytorch]
    }

    static let splices = ["-1", "0", "1", "18446744073709551616", "9223372036854775807", "1e9", "\"F16\"", "\"BF16\"",
                          "\"I64\"", "\"U8\"", "[]", "{}", "null", "[0,0]", "\"", "\\", "\\u0000", ",", ":", "}", "]", "{\"", "\u{FF}"]

    static func mutate(_ file: [UInt8], _ g: inout RandomGenerator) -> [UInt8] {
        var bytes = file
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        let headerRange = 8..<(8 + headerLength)
        func setLength(_ n: Int) {
            for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: UInt64(n) >> (8 * UInt64(i))) }
        }
        switch g.nextInt(below: 9) {
        case 0: // truncate anywhere
            bytes = Array(bytes.prefix(g.nextInt(below: bytes.count)))
        case 1: // flip 1–8 bits anywhere
            for _ in 0...g.nextInt(below: 8) {
                let i = g.nextInt(below: bytes.count)
                bytes[i] ^= 1 << UInt8(g.nextInt(below: 8))
            }
        case 2: // flip bits in the header only
            for _ in 0...g.nextInt(below: 3) {
                let i = headerRange.lowerBound + g.nextInt(below: headerLength)
                bytes[i] ^= 1 << UInt8(g.nextInt(below: 8))
            }
        case 3: // change a digit of the header
            let digits = headerRange.filter { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
            if let i = digits.randomElement(using: &g) { bytes[i] = 0x30 + UInt8(g.nextInt(below: 10)) }
        case 4, 5: // splice a token into the header, fixing the length prefix (or not)
            let at = headerRange.lowerBound + g.nextInt(below: headerLength)
            let removed = g.nextInt(below: 4)
            let token = Array(splices[g.nextInt(below: splices.count)].utf8)
            let end = min(at + removed, headerRange.upperBound)
            bytes.replaceSubrange(at..<end, with: token)
            if g.nextInt(below: 2) == 0 { setLength(headerLength - (end - at) + token.count) }
        case 6: // delete a header byte and fix the length
            bytes.remove(at: headerRange.lowerBound + g.nextInt(below: headerLength))
            setLength(headerLength - 1)
        case 7: // a wrong length prefix
            let delta = [-9, -8, -1, 1, 8, 1 << 20, 1 << 40][g.nextInt(below: 7)]
            setLength(max(0, headerLength + delta))
        default: // cut or pad the data area
            if g.nextInt(below: 2) == 0 {
                bytes.removeLast(min(bytes.count - 8 - headerLength, 1 + g.nextInt(below: 16)))
            } else {
                bytes += [UInt8](repeating: 0, count: 1 + g.nextInt(below: 16))
            }
        }
        return bytes
    }

    /// What any successfully loaded file must satisfy.
    static func consistent(_ contents: Safetensors.Contents) -> Bool {
        contents.tensors.allSatisfy { $0.tensor.count == $0.tensor.shape.reduce(1, *) && $0.tensor.name == $0.name }
    }

    @Test func thousandsOfDamagedFilesNeverCrash() throws {
        var g = RandomGenerator(seed: 2026)
        var loaded = 0, rejected = 0
        var problems = Set<String>()
        for seed in try Self.seeds() {
            for _ in 0..<2500 {
                let bytes = Self.mutate(seed, &g)
                do {
                    let contents = try Safetensors.decode(bytes, file: "fuzz")
                    #expect(Self.consistent(contents))
                    loaded += 1
                } catch {
                    #expect(error.file == "fuzz")
                    problems.insert(String(describing: error.problem).prefix(24).description)
                    rejected += 1
                }
            }
        }
        #expect(loaded + rejected == 5000)
        // Most damage is caught, in many different ways; some (a flipped data bit) is harmless.
        #expect(rejected > 3000)
        #expect(loaded > 100)
        #expect(problems.count > 15)
    }

    @Test func damagedFilesOnDiskToo() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var g = RandomGenerator(seed: 7)
        let seed = try Self.seeds()[0]
        for i in 0..<200 {
            let path = "\(folder)/f\(i).safetensors"
            let bytes = Self.mutate(seed, &g)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                #expect(Self.consistent(try Safetensors.read(from: path)))
            } catch {
                #expect(error.file == path)
            }
            // The in-memory decoder and the file reader agree.
            let fromMemory = Result { () throws(SafetensorsError) in try Safetensors.decode(bytes, file: path) }
            let fromDisk = Result { () throws(SafetensorsError) in try Safetensors.read(from: path) }
            switch (fromMemory, fromDisk) {
            case (.failure(let a), .failure(let b)): #expect(a == b)
            case (.success(let a), .success(let b)): #expect(a.tensors.map(\.name) == b.tensors.map(\.name))
            default: Issue.record("decode and read disagree on f\(i)")
            }
        }
    }
}

extension Array {
    fileprivate func randomElement(using g: inout RandomGenerator) -> Element? {
        isEmpty ? nil : self[g.nextInt(below: count)]
    }
}
