import Foundation
import Testing
@testable import Autograd

/// The library's defences against what comes from files: the JSON parser's limits, byte-exact
/// names, printable messages, save targets and the temporary-file clean-up.
@Suite struct UntrustedInputTests {
    @Test func manyKeysParseAndADuplicateAtTheEndIsFound() throws {
        // 160,000 keys took 26 s with a linear search per key; a hash set makes it linear.
        let keys = (0..<160_000).map { "\"k\($0)\":0" }
        let value = try JSONParser.parse("{" + keys.joined(separator: ",") + "}")
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.count == 160_000)
        let error = #expect(throws: JSONError.self) {
            try JSONParser.parse("{" + keys.joined(separator: ",") + ",\"k7\":1}")
        }
        #expect(error?.message == "duplicate key \"k7\"")
    }

    @Test func keysCompareByteForByte() throws {
        // "é" precomposed and as e + combining acute: equal as Swift Strings, two keys in safetensors.
        let value = try JSONParser.parse("{\"\u{E9}\":1,\"e\u{301}\":2}")
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.count == 2)
        // The same two names through a file: written, read back and looked up as two tensors.
        let bytes = try Safetensors.encode([("\u{E9}", Tensor.ones([1])), ("e\u{301}", Tensor.zeros([1]))])
        let contents = try Safetensors.decode(bytes)
        #expect(contents.tensors.count == 2)
        #expect(contents["\u{E9}"]?.doubles == [1])
        #expect(contents["e\u{301}"]?.doubles == [0])
        var g = RandomGenerator(seed: 1)
        // A key that only looks like a parameter's name (Kelvin sign K ≡ K canonically) is not it.
        let linear = Sequential(Linear(1, 1, generator: &g))
        let error = #expect(throws: StateDictError.self) {
            try linear.loadStateDict([("0.weight", Tensor.zeros([1, 1])), ("0.bias", Tensor.zeros([1])), ("0.\u{212A}", Tensor.zeros([1]))])
        }
        #expect(error?.unexpectedKeys == ["0.\u{212A}"])
    }

    @Test func documentsAreCappedInValuesAndDepth() {
        let many = "[" + Array(repeating: "0", count: JSONParser.maxValues).joined(separator: ",") + "]"
        let error = #expect(throws: JSONError.self) { try JSONParser.parse(many) }
        #expect(error?.message == "JSON holds more than \(JSONParser.maxValues) values")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
    }

    @Test func printableTextEscapesAndCuts() {
        #expect(PrintableText.escaped("a\u{1B}[2Jb\u{07}\n\u{9B}\u{202E}z") == "a\\e[2Jb\\u{7}\\n\\u{9B}\\u{202E}z")
        #expect(PrintableText.escaped(String(repeating: "é", count: 130)) == String(repeating: "é", count: 120) + "… (10 more characters)")
        #expect(PrintableText.quoted("fc1.weight") == "\"fc1.weight\"")
        #expect(PrintableText.safeMessage("line one\n\u{1B}]0;x\u{07}") == "line one\n\\e]0;x\\u{7}")
        let error = SafetensorsError(file: "/tmp/\u{1B}x", .missingField(name: "\u{1B}]0;t\u{07}", field: "dtype"))
        #expect(error.description == "/tmp/\\ex: tensor \"\\e]0;t\\u{7}\": missing \"dtype\"")
    }

    @Test func saveTargetsFollowLinksAndRefuseTheRest() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-target-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A link to a file that does not exist yet: the file is created where the link points.
        #expect(symlink("real.safetensors", folder + "/link") == 0)
        let target = try Safetensors.saveTarget(folder + "/link")
        #expect(target.resolved == folder + "/real.safetensors")
        #expect(!target.exists)
        try Safetensors.write([("w", Tensor.ones([2]))], to: folder + "/link")
        #expect(try Safetensors.read(from: folder + "/real.safetensors")["w"]?.doubles == [1, 1])
        #expect(chmod(folder + "/real.safetensors", 0o640) == 0)
        #expect(try Safetensors.saveTarget(folder + "/link").existingMode == 0o640)
        // Loops, and links to folders.
        #expect(symlink("loop", folder + "/loop") == 0)
        #expect(throws: SafetensorsError(file: folder + "/loop", .badSavePath(.symlinkLoop))) {
            try Safetensors.saveTarget(folder + "/loop")
        }
        #expect(symlink(folder, folder + "/up") == 0)
        #expect(throws: SafetensorsError(file: folder + "/up", .badSavePath(.isAFolder))) {
            try Safetensors.saveTarget(folder + "/up")
        }
        #expect(Safetensors.interruptedPath(for: "a/net.safetensors") == "a/net.interrupted.safetensors")
        #expect(Safetensors.interruptedPath(for: "x.st") == "x.st.interrupted.safetensors")
        #expect(Safetensors.interruptedPath(for: ".safetensors") == ".safetensors.interrupted.safetensors")
    }

    @Test func registeredTemporaryFilesAreRemovedByTheCleanUp() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("blitz-tmp-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3])))
        let slot = TemporaryFiles.register(path)
        #expect(slot != nil)
        #expect(TemporaryFiles.registered.contains(path))
        TemporaryFiles.removeAll()
        #expect(!FileManager.default.fileExists(atPath: path))
        TemporaryFiles.unregister(slot)
        #expect(!TemporaryFiles.registered.contains(path))
        #expect(TemporaryFiles.register(String(repeating: "x", count: TemporaryFiles.capacity)) == nil)
    }

    @Test func memorySizesInWords() {
        #expect(MemorySize.describe(7) == "7 bytes")
        #expect(MemorySize.describe(1) == "1 byte")
        #expect(MemorySize.describe(1_500) == "1.5 KB")
        #expect(MemorySize.describe(320_000_000) == "320 MB")
        #expect(MemorySize.describe(11_234_000_000) == "11.2 GB")
        #expect(MemorySize.available > 0)
    }
}
