import Foundation
import Lessons

/// What PyTorch did in each chapter's demonstration: Tests/Fixtures/lessons/pytorch_lessons.json,
/// written by scripts/lessons_fixtures.py with PyTorch 2.15.
enum LessonFixtures {
    /// Read on each use: the file is small, and a non-Sendable static could not be shared.
    static var root: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/lessons/pytorch_lessons.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func chapter(_ id: ChapterID) -> [String: Any] { root[id.rawValue] as! [String: Any] }

    static func string(_ id: ChapterID, _ key: String) -> String { chapter(id)[key] as! String }

    static func number(_ id: ChapterID, _ key: String) -> Double { (chapter(id)[key] as! NSNumber).doubleValue }

    static func int(_ id: ChapterID, _ key: String) -> Int { (chapter(id)[key] as! NSNumber).intValue }

    static func bool(_ id: ChapterID, _ key: String) -> Bool { (chapter(id)[key] as! NSNumber).boolValue }

    static func strings(_ id: ChapterID, _ key: String) -> [String] { chapter(id)[key] as! [String] }

    /// An error as PyTorch's traceback ends: "RuntimeError: message".
    static func error(_ id: ChapterID, _ key: String) -> String {
        let error = chapter(id)[key] as! [String: Any]
        return "\(error["type"] as! String): \(error["message"] as! String)"
    }

    /// [4, 1, 32, 32] as the engine describes a shape.
    static func shape(_ value: Any) -> String {
        "[" + (value as! [NSNumber]).map { String($0.intValue) }.joined(separator: ", ") + "]"
    }
}
