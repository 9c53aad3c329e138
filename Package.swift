// swift-tools-version: 6.0
// blitz-tui: a terminal trainer and inspector that shows PyTorch's ideas happening.
import PackageDescription

let optimize: [SwiftSetting] = [
    // Overflow checks on index arithmetic block vectorisation in the kernels (SWIFT-NOTES.md).
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "blitz-tui",
    products: [
        .executable(name: "blitz-tui", targets: ["blitz-tui"]),
        .executable(name: "blitz-bench", targets: ["blitz-bench"]),
        .library(name: "Autograd", targets: ["Autograd"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Trainer", targets: ["Trainer"]),
        .library(name: "TUI", targets: ["TUI"]),
        .library(name: "Lessons", targets: ["Lessons"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCurses", providers: [.apt(["libncurses-dev"])]),
        // AVX2/FMA kernels, chosen at run time (Sources/CKernels/include/CKernels.h); optimised in
        // debug builds too, where the tests run them.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "Autograd", dependencies: ["CBLAS", "CKernels"], swiftSettings: optimize),
        .target(name: "Models", dependencies: ["Autograd"], swiftSettings: optimize),
        .target(name: "Trainer", dependencies: ["Autograd", "Models"], swiftSettings: optimize),
        .target(name: "Lessons", dependencies: ["Autograd", "Models"], swiftSettings: optimize),
        .target(name: "TUI", dependencies: ["Trainer", "Lessons", "CCurses"], swiftSettings: optimize),
        .executableTarget(
            name: "blitz-tui",
            dependencies: [
                "Autograd", "Models", "Trainer", "Lessons", "TUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: optimize),
        .executableTarget(
            name: "blitz-bench",
            dependencies: ["Autograd", "Models", "Trainer", "TUI"],
            swiftSettings: optimize),
        // Shared by the test targets: when a conditional test may be skipped (Requirement.swift).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Autograd", "Models", "TestSupport"]),
        .testTarget(name: "TrainerTests", dependencies: ["Autograd", "Models", "Trainer"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Trainer", "Lessons"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons", "Autograd"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Autograd", "Models", "Trainer", "TestSupport"]),
    ]
)
