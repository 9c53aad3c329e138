import Testing
import Trainer
import TUI

/// The key table is the one source of the key map, the help and the footer.
@Suite struct KeyMapTests {
    @Test func noKeyIsBoundTwice() {
        var seen: [Key] = []
        for binding in KeyMap.bindings {
            for trigger in binding.triggers {
                #expect(!seen.contains(trigger.key), "\(trigger.key) is bound twice")
                seen.append(trigger.key)
            }
        }
    }

    @Test func everyTriggerIsWhatTheMapAnswers() {
        for binding in KeyMap.bindings {
            #expect(!binding.triggers.isEmpty, "\(binding.keys)")
            for trigger in binding.triggers {
                #expect(KeyMap.action(for: trigger.key) == trigger.action)
            }
        }
        #expect(KeyMap.action(for: .character("%")) == nil)
        #expect(KeyMap.action(for: .resize) == nil)
    }

    @Test func theHelpAndTheFooterAreTheTable() {
        #expect(KeyMap.help.map(\.keys) == KeyMap.bindings.map(\.keys))
        #expect(KeyMap.help.map(\.action) == KeyMap.bindings.map(\.help))
        #expect(KeyMap.footer == KeyMap.bindings.compactMap(\.footer))
        // Help and quit are always in the footer.
        #expect(KeyMap.footer.filter(\.essential).map(\.keys) == ["?", "q"])
        // Every footer key is a key of its binding's help row.
        for binding in KeyMap.bindings {
            guard let hint = binding.footer else { continue }
            #expect(binding.keys.first == hint.keys.first, "\(hint.keys) vs \(binding.keys)")
        }
    }

    @Test func lettersWorkInBothCases() {
        for (lower, upper) in [("n", "N"), ("b", "B"), ("z", "Z"), ("q", "Q"), ("l", "L")] as [(Character, Character)] {
            #expect(KeyMap.action(for: .character(lower)) != nil)
            #expect(KeyMap.action(for: .character(lower)) == KeyMap.action(for: .character(upper)))
        }
    }
}
