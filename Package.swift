// swift-tools-version: 6.0
// blitz-tui: a terminal trainer and inspector that shows PyTorch's ideas happening.
import PackageDescription

// Release builds are -O (SwiftPM's default) and keep every precondition, bounds and overflow check,
// except the engine: in Autograd, overflow checks on index arithmetic block the kernels'
// vectorisation (SWIFT-NOTES.md), so it alone is -Ounchecked. -Ounchecked turns a failed
// `precondition` into undefined behaviour, so Autograd checks with `ensure` or `fatalError`
// instead (Tests/AutogradTests/UncheckedSourceTests.swift keeps it that way).
let uncheckedKernels: [SwiftSetting] = [
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurses", providers: [.apt(["libncurses-dev"])]),
        // AVX2/FMA and AVX-512 kernels, chosen at run time, and OpenBLAS, loaded at run time
        // (Sources/CKernels/include/CKernels.h); optimised in debug builds too, where the tests run them.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        .target(name: "Autograd", dependencies: ["CKernels"], swiftSettings: uncheckedKernels),
        .target(name: "Models", dependencies: ["Autograd"]),
        .target(name: "Trainer", dependencies: ["Autograd", "Models"]),
        .target(name: "TUI", dependencies: ["Trainer", "CCurses"]),
        .executableTarget(
            name: "blitz-tui",
            dependencies: [
                "Autograd", "Models", "Trainer", "TUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "blitz-bench",
            dependencies: ["Autograd", "Models", "Trainer", "TUI"]),
        // Shared by the test targets: when a conditional test may be skipped (Requirement.swift).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Autograd", "Models", "TestSupport"]),
        .testTarget(name: "TrainerTests", dependencies: ["Autograd", "Models", "Trainer"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Trainer"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Autograd", "Models", "Trainer", "TestSupport"]),
    ]
)
