import Testing
import TUI

@Suite struct FormatTests {
    @Test(arguments: [
        (0.031234, "0.0312"), (1.0, "1.00"), (212.4, "212"), (9.996, "10.0"), (0.00123, "0.00123"),
        (1.2e-5, "1.20e-05"), (123456.0, "1.23e+05"), (-0.5, "-0.500"), (0.0, "0"), (99999.0, "1.00e+05"),
    ])
    func significant(value: Double, expected: String) {
        #expect(Format.significant(value, 3) == expected)
    }

    @Test func nonFinite() {
        #expect(Format.significant(.nan) == "nan")
        #expect(Format.significant(.infinity) == "inf")
        #expect(Format.significant(-.infinity) == "-inf")
        #expect(Format.fixed(.nan, 2) == "nan")
    }

    @Test func fixedAndScientific() {
        #expect(Format.fixed(3.14159, 2) == "3.14")
        #expect(Format.fixed(-0.004, 2) == "0.00")
        #expect(Format.fixed(0.05, 3) == "0.050")
        #expect(Format.fixed(12, 0) == "12")
        #expect(Format.scientific(9.999e-7, 2) == "1.00e-06")
        #expect(Format.scientific(-4.2e12, 1) == "-4.2e+12")
    }

    @Test func trimmedDropsTrailingZeros() {
        #expect(Format.trimmed(0.001) == "0.001")
        #expect(Format.trimmed(0.0005) == "0.0005")
        #expect(Format.trimmed(2.0) == "2")
        #expect(Format.trimmed(1.5e-5) == "0.000015")
        #expect(Format.trimmed(2e-7) == "2e-07")
    }

    @Test func shapesAndText() {
        #expect(Format.shape([4, 10]) == "[4, 10]")
        #expect(Format.shape([16, 6, 5, 5], compact: true) == "[16,6,5,5]")
        #expect(Format.shape([]) == "[]")
        #expect(Format.percent(0.875) == "87.5%")
        #expect(Format.truncate("AddmmBackward0", 6) == "Addmm…")
        #expect(Format.truncate("abc", 0) == "")
        #expect(Format.padLeft("7", 3) == "  7")
        #expect(Format.padRight("fc1", 5) == "fc1  ")
    }

    @Test func wrapping() {
        #expect(Format.wrap("adds the incoming gradient into the leaf's .grad", 16) == ["adds the", "incoming", "gradient into", "the leaf's .grad"])
        #expect(Format.wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"])
        #expect(Format.wrap("anything", 0) == [])
        #expect(Format.wrap(pieces: ["[4, 84]", "norm 0.412", "min -0.231"], 20) == ["[4, 84]  norm 0.412", "min -0.231"])
    }
}
