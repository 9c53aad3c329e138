import Autograd
import Foundation
import Testing

/// Fixture files under Tests/Fixtures (made by scripts/make_nn_fixtures.py).
enum NNIOFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

/// A fresh temporary folder for one test.
func makeTemporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-nn-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// A safetensors file from a header text and `data` bytes of payload.
func safetensorsBytes(header: String, data: [UInt8]) -> [UInt8] {
    let h = Array(header.utf8)
    return (0..<8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) } + h + data
}

@Suite("Safetensors")
struct SafetensorsTests {
    @Test func roundTripKeepsNamesOrderDtypesAndMetadata() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var g = RandomGenerator(seed: 1)
        let tensors: [(String, Tensor)] = [
            ("z.weight", Tensor.randn([3, 4], generator: &g)),
            ("a.bias", Tensor.randn([4], dtype: .float64, generator: &g)),
            ("steps", Tensor([1, -2, Int(Int64.max)], shape: [3])),
            ("scalar", Tensor(scalar: Float(2.5))),
            ("empty", Tensor.zeros([0, 5])),
        ]
        let path = folder + "/model.safetensors"
        try Safetensors.write(tensors, metadata: [("format", "pt"), ("note", "ünïcode \"quoted\"\n")], to: path)
        let read = try Safetensors.read(from: path)
        #expect(read.tensors.map(\.name) == tensors.map(\.0))
        for ((_, original), (name, loaded)) in zip(tensors, read.tensors) {
            #expect(loaded.shape == original.shape, "\(name)")
            #expect(loaded.dtype == original.dtype, "\(name)")
            #expect(loaded.rawBytes() == original.rawBytes(), "\(name)")
            #expect(loaded.name == name)
        }
        #expect(read.metadata.map(\.key) == ["format", "note"])
        #expect(read.metadata[1].value == "ünïcode \"quoted\"\n")
        // The header is padded so the data area starts 8-byte aligned, and starts with '{'.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        #expect(bytes[8] == UInt8(ascii: "{"))
        #expect(try Safetensors.encode(tensors, metadata: [("format", "pt"), ("note", "ünïcode \"quoted\"\n")]) == bytes)
    }

    @Test func readsEveryDtypePyTorchWrote() throws {
        let file = try Safetensors.read(from: NNIOFixtures.path("checkpoints/dtypes.safetensors"))
        let f16 = try #require(file["f16"])
        #expect(f16.dtype == .float32)
        #expect(f16.floats == file["f16.as_f32"]!.floats)
        #expect(f16.floats[5] == 65504)
        #expect(f16.floats[6] > 0 && f16.floats[6] < 1e-7)
        #expect(file["f16.specials"]!.floats == [.infinity, -.infinity])
        let bf16 = try #require(file["bf16"])
        #expect(bf16.shape == [2, 5])
        #expect(bf16.floats == file["bf16.as_f32"]!.floats)
        let f64 = try #require(file["f64"])
        #expect(f64.dtype == .float64)
        #expect(f64.doubles == [1.0 / 3.0, -1e300, .leastNonzeroMagnitude, 2.0])
        let i64 = try #require(file["i64"])
        #expect(i64.dtype == .int64)
        #expect(i64.toArray(Int64.self) == [0, -1, 1 << 62, Int64.min])
        #expect(file["scalar"]!.shape == [])
        #expect(file["scalar"]!.item() == 7.25)
        #expect(file["empty"]!.shape == [0, 3])
    }

    /// Each malformed file, and the problem it must be reported as.
    static let malformed: [(String, [UInt8], SafetensorsError.Problem)] = {
        let f32 = #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
        func file(_ header: String, _ data: Int = 8) -> [UInt8] { safetensorsBytes(header: header, data: [UInt8](repeating: 7, count: data)) }
        var deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        deep = #"{"a":"# + deep + "}"
        return [
            ("too small", [1, 2, 3], .tooSmall(size: 3)),
            ("huge header length", [0, 0, 0, 0, 1, 0, 0, 0] + [UInt8](repeating: 0, count: 8), .headerTooLarge(length: 1 << 32, limit: 100_000_000)),
            ("header past the end", [100, 0, 0, 0, 0, 0, 0, 0, UInt8(ascii: "{")], .headerBeyondFile(length: 100, fileSize: 9)),
            ("not an object", file("[1]", 0), .headerNotAnObject(found: "text not starting with '{'")),
            ("entry not an object", file(#"{"a":5}"#, 0), .entryNotAnObject(name: "a", found: "a number")),
            ("missing offsets", file(#"{"a":{"dtype":"F32","shape":[2]}}"#), .missingField(name: "a", field: "data_offsets")),
            ("extra field", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}}"#), .unexpectedField(name: "a", field: "x")),
            ("dtype not a string", file(#"{"a":{"dtype":5,"shape":[2],"data_offsets":[0,8]}}"#),
             .wrongType(name: "a", field: "dtype", expected: "a string", found: "a number")),
            ("unknown dtype", file(#"{"a":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}}"#), .unknownDType(name: "a", dtype: "F17")),
            ("unsupported dtype", file(#"{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#), .unsupportedDType(name: "a", dtype: "I32")),
            ("negative dim", file(#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#),
             .badShape(name: "a", reason: "-2 is not a non-negative integer that fits in 64 bits")),
            ("fractional dim", file(#"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#),
             .badShape(name: "a", reason: "2.0 is not a non-negative integer that fits in 64 bits")),
            ("dim past Int64", file(#"{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}"#),
             .badShape(name: "a", reason: "99999999999999999999 is not a non-negative integer that fits in 64 bits")),
            ("element count overflows", file(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#),
             .badShape(name: "a", reason: "[4294967296, 4294967296]... has too many elements")),
            ("byte count overflows", file(#"{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]}}"#),
             .badShape(name: "a", reason: "[2305843009213693952] of F64 needs more bytes than can be counted")),
            ("one offset", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}}"#),
             .badOffsets(name: "a", reason: "expected two non-negative integers, found [8]")),
            ("offsets reversed", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#),
             .badOffsets(name: "a", reason: "begin 8 is after end 0")),
            ("offsets past data", file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#),
             .badOffsets(name: "a", reason: "end 16 is past the 8-byte data area")),
            ("bytes do not match shape", file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#),
             .byteCountMismatch(name: "a", expected: 12, actual: 8)),
            ("overlap", file("{" + f32 + #","b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12),
             .notContiguous(name: "b", expectedStart: 8, start: 4)),
            ("gap", file("{" + f32 + #","b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#, 16),
             .notContiguous(name: "b", expectedStart: 8, start: 12)),
            ("trailing bytes", file("{" + f32 + "}", 12), .dataNotCovered(covered: 8, dataSize: 12)),
            ("duplicate name", file("{" + f32 + "," + f32 + "}"),
             .headerNotJSON(JSONError(offset: 54, message: "duplicate key \"a\""))),
            ("metadata not strings", file(#"{"__metadata__":{"epoch":3}}"#, 0),
             .badMetadata(reason: "the value of \"epoch\" must be a string, found a number")),
            ("bad JSON", file(#"{"a":{"dtype":"F32",}}"#), .headerNotJSON(JSONError(offset: 20, message: "expected a string key"))),
            ("nested too deep", file(deep, 0), .headerNotJSON(JSONError(offset: 68, message: "JSON nested deeper than 64 levels"))),
        ]
    }()

    @Test(arguments: 0..<malformed.count)
    func malformedFilesAreTypedErrors(index: Int) {
        let (label, bytes, problem) = Self.malformed[index]
        let error = #expect(throws: SafetensorsError.self, "\(label)") { try Safetensors.decode(bytes, file: "bad.safetensors") }
        #expect(error?.problem == problem, "\(label): \(error.map(String.init(describing:)) ?? "")")
        #expect(error?.description.hasPrefix("bad.safetensors: ") == true)
    }

    @Test func emptyHeaderObjectIsAnEmptyFile() throws {
        let contents = try Safetensors.decode(safetensorsBytes(header: "{}      ", data: []))
        #expect(contents.tensors.isEmpty && contents.metadata.isEmpty)
    }

    @Test func fileErrorsNameTheFile() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = #expect(throws: SafetensorsError.self) { try Safetensors.read(from: folder + "/nope.safetensors") }
        #expect(missing?.description == folder + "/nope.safetensors: cannot open for reading: No such file or directory")
        let directory = #expect(throws: SafetensorsError.self) { try Safetensors.read(from: folder) }
        #expect(directory?.problem == .notARegularFile)
        #expect(mkfifo(folder + "/fifo", 0o600) == 0)
        let fifo = #expect(throws: SafetensorsError.self) { try Safetensors.read(from: folder + "/fifo") }
        #expect(fifo?.problem == .notARegularFile)
        #expect((try? Safetensors.read(from: "/dev/zero")) == nil)
        let truncated = folder + "/truncated.safetensors"
        let good = try Safetensors.encode([("w", Tensor.ones([4]))])
        try Data(good.dropLast(3)).write(to: URL(fileURLWithPath: truncated))
        let error = #expect(throws: SafetensorsError.self) { try Safetensors.read(from: truncated) }
        #expect(error?.description == truncated + ": tensor \"w\": bad data_offsets: end 16 is past the 13-byte data area")
    }

    @Test func writesAreAtomic() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/ckpt.safetensors"
        try Safetensors.write([("w", Tensor.ones([3]))], to: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))

        // A bad request fails before touching the disk: the old checkpoint stays as it was.
        #expect(throws: SafetensorsError.self) {
            try Safetensors.write([("w", Tensor.zeros([3])), ("w", Tensor.zeros([2]))], to: path)
        }
        #expect(throws: SafetensorsError.self) { try Safetensors.write([("", Tensor.zeros([3]))], to: path) }
        #expect(throws: SafetensorsError.self) { try Safetensors.write([("__metadata__", Tensor.zeros([3]))], to: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)

        // A folder is refused before anything is written: no temporary file is left behind.
        try FileManager.default.createDirectory(atPath: folder + "/taken", withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: folder + "/taken/child", withIntermediateDirectories: false)
        let blocked = #expect(throws: SafetensorsError.self) { try Safetensors.write([("w", Tensor.ones([3]))], to: folder + "/taken") }
        #expect(blocked?.problem == .badSavePath(.isAFolder))
        // A folder that does not exist: nothing is created.
        #expect(throws: SafetensorsError.self) { try Safetensors.write([("w", Tensor.ones([3]))], to: folder + "/no/such/ckpt.safetensors") }

        // A successful write replaces the file whole.
        try Safetensors.write([("w", Tensor.full([5], 2))], to: path)
        #expect(try Safetensors.read(from: path)["w"]?.doubles == [2, 2, 2, 2, 2])
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(left == ["ckpt.safetensors", "taken"])
    }

    @Test func moduleCheckpointsRoundTrip() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var g = RandomGenerator(seed: 4)
        let a = Sequential(Linear(3, 4, generator: &g), ReLU(), Linear(4, 2, generator: &g))
        let b = Sequential(Linear(3, 4, generator: &g), ReLU(), Linear(4, 2, generator: &g))
        let path = folder + "/seq.safetensors"
        try a.saveSafetensors(to: path)
        try b.loadSafetensors(from: path)
        #expect(b.parameters().map(\.doubles) == a.parameters().map(\.doubles))
        let c = Sequential(Linear(3, 5, generator: &g))
        let error = #expect(throws: CheckpointError.self) { try c.loadSafetensors(from: path) }
        #expect(error?.description == path + ": does not fit Sequential: 2 unexpected keys (2.weight, 2.bias); "
                + "2 size mismatches (0.weight: checkpoint [4, 3], model [5, 3], 0.bias: checkpoint [4], model [5])")
        if case .stateDict(_, let stateDictError) = error {
            // The library keeps PyTorch's wording.
            #expect(stateDictError.description.hasPrefix("Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: \"2.weight\", \"2.bias\". "))
        }
        #expect(throws: CheckpointError.file(SafetensorsError(file: folder + "/none", .system(operation: "open for reading", reason: "No such file or directory")))) {
            try c.loadSafetensors(from: folder + "/none")
        }
    }
}
