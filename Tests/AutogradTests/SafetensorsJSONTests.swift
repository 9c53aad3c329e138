import Autograd
import Testing

@Suite("Safetensors JSON")
struct SafetensorsJSONTests {
    @Test func parsesDocumentsInOrder() throws {
        let value = try JSONParser.parse(#" {"b": [1, -2.5e3, 0, true, false, null], "a": {"x": "y"}, "": ""} "#)
        #expect(value == .object([
            JSONMember("b", .array([.number("1"), .number("-2.5e3"), .number("0"), .bool(true), .bool(false), .null])),
            JSONMember("a", .object([JSONMember("x", .string("y"))])),
            JSONMember("", .string("")),
        ]))
    }

    @Test func decodesEscapesAndUnicode() throws {
        let value = try JSONParser.parse(#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00 ü""#)
        #expect(value == .string("q\"b\\s/n\nt\tu\u{e9}\u{1F600} ü"))
    }

    @Test func printsWhatItParses() throws {
        let text = #"{"k":["a\"\\\n\u0001",12,-0.5,{"z":null}],"e":{}}"#
        let value = try JSONParser.parse(text)
        #expect(value.text == text)
        #expect(try JSONParser.parse(value.text) == value)
    }

    @Test func integersAreCheckedForRangeAndForm() {
        #expect(JSONValue.number("9223372036854775807").nonNegativeInt == Int.max)
        #expect(JSONValue.number("9223372036854775808").nonNegativeInt == nil)
        #expect(JSONValue.number("-1").nonNegativeInt == nil)
        #expect(JSONValue.number("1e2").nonNegativeInt == nil)
        #expect(JSONValue.string("1").nonNegativeInt == nil)
    }

    @Test(arguments: [
        ("", "unexpected end of JSON at byte 0"),
        ("{", "expected a string key at byte 1"),
        ("[1,]", "unexpected character ']' at byte 3"),
        ("[1 2]", "expected ',' or ']' in an array at byte 3"),
        (#"{"a" 1}"#, "expected ':' after a key at byte 5"),
        (#"{"a":1,"a":2}"#, #"duplicate key "a" at byte 7"#),
        ("01", "unexpected text after the JSON value at byte 1"),
        ("-", "invalid number at byte 1"),
        ("1.", "invalid number: no digits after '.' at byte 2"),
        ("1e+", "invalid number: no digits in the exponent at byte 3"),
        ("tru", "invalid literal (expected true) at byte 3"),
        ("\"a\u{01}\"", "control character in a string at byte 2"),
        (#""\x""#, #"invalid escape '\x' at byte 2"#),
        (#""\u12G4""#, #"invalid hex digit in \u escape at byte 5"#),
        (#""\ud800""#, #"unpaired surrogate in \u escape at byte 7"#),
        (#""\udc00""#, #"unpaired surrogate in \u escape at byte 7"#),
        (#""abc"#, "unterminated string at byte 4"),
        ("{} x", "unexpected text after the JSON value at byte 3"),
    ])
    func rejectsMalformedText(text: String, message: String) {
        let error = #expect(throws: JSONError.self) { try JSONParser.parse(text) }
        #expect(error?.description == message)
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
        let error = #expect(throws: JSONError.self) {
            try bytes.withUnsafeBytes { buffer in try Result { () throws(JSONError) in try JSONParser.parse(buffer) }.get() }
        }
        #expect(error?.message == "string is not valid UTF-8")
        let deep = String(repeating: "[", count: 100_000)
        let nested = #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
        #expect(nested?.message == "JSON nested deeper than 64 levels")
        #expect(throws: Never.self) { try JSONParser.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) }
    }
}
