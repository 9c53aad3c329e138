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
        .library(name: "TensorBoard", targets: ["TensorBoard"]),
        .library(name: "Lessons", targets: ["Lessons"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CCurses", providers: [.apt(["libncurses-dev"])]),
        // AVX2/FMA and AVX-512 kernels, chosen at run time, and OpenBLAS, loaded at run time
        // (Sources/CKernels/include/CKernels.h); optimised in debug builds too, where the tests run them.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // Data set downloads: libcurl for HTTP, libarchive (with zlib) for .tar.gz and .gz, both
        // found at run time (Sources/CDownloads/include/CDownloads.h says why).
        .target(name: "CDownloads", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "Autograd", dependencies: ["CKernels"], swiftSettings: uncheckedKernels),
        .target(name: "Models", dependencies: ["Autograd"]),
        // TensorBoard event files: TFRecord framing and the few protobuf messages, by hand
        // (proto/README.md says why not apple/swift-protobuf).
        .target(name: "TensorBoard"),
        .target(name: "DatasetDownloads", dependencies: ["CDownloads"]),
        .target(name: "Trainer", dependencies: ["Autograd", "Models", "TensorBoard", "DatasetDownloads"]),
        .target(name: "Lessons", dependencies: ["Autograd", "Models"]),
        .target(name: "TUI", dependencies: ["Trainer", "Models", "Lessons", "CCurses"]),
        .executableTarget(
            name: "blitz-tui",
            dependencies: [
                "Autograd", "Models", "Trainer", "Lessons", "TUI", "DatasetDownloads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "blitz-bench",
            dependencies: ["Autograd", "Models", "Trainer", "TUI"]),
        // Shared by the test targets: when a conditional test may be skipped (Requirement.swift).
        .target(name: "TestSupport", dependencies: ["Autograd", "Models", "Trainer"], path: "Tests/TestSupport"),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd", "TestSupport"]),
        .testTarget(name: "ModelsTests", dependencies: ["Autograd", "Models", "TestSupport"]),
        .testTarget(name: "TrainerTests", dependencies: ["Autograd", "Models", "Trainer", "TestSupport"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Trainer", "Lessons", "Models"]),
        .testTarget(name: "TensorBoardTests", dependencies: ["TensorBoard"]),
        .testTarget(name: "DatasetDownloadsTests", dependencies: ["DatasetDownloads", "CDownloads", "Models"]),
        .testTarget(name: "LessonsTests", dependencies: ["Lessons", "Autograd"]),
        .testTarget(name: "EndToEndTests", dependencies: ["Autograd", "Models", "Trainer", "TestSupport"]),
    ]
)
