import Testing
import TUI

@Suite struct Palette256Tests {
    @Test func cubeAndGreys() {
        #expect(Palette256.nearest(red: 0, green: 0, blue: 0) == 16)
        #expect(Palette256.nearest(red: 255, green: 255, blue: 255) == 231)
        #expect(Palette256.nearest(red: 255, green: 0, blue: 0) == 196)
        #expect(Palette256.nearest(red: 0, green: 135, blue: 0) == 28)
        // A mid grey is closer to the grey ramp than to the cube's 102,102,102.
        #expect(Palette256.nearest(red: 128, green: 128, blue: 128) == 244)
        #expect(Palette256.rgb(244)! == (128, 128, 128))
        #expect(Palette256.rgb(196)! == (255, 0, 0))
        #expect(Palette256.rgb(3) == nil)
    }

    @Test func everyIndexMapsBackToItself() {
        for index in UInt8(16)...UInt8(255) {
            let c = Palette256.rgb(index)!
            let back = Palette256.nearest(red: c.red, green: c.green, blue: c.blue)
            #expect(Palette256.rgb(back)! == c, "index \(index)")
        }
    }
}
