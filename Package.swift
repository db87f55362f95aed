// swift-tools-version:6.0

import PackageDescription

let package = Package(
    name: "aeohub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aeohub", targets: ["aeohub"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "HubProtocol", targets: ["HubProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        .target(
            name: "HubProtocol",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .executableTarget(
            name: "aeohub",
            dependencies: [
                "ZeroMQ",
                "HubProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(
            name: "HubProtocolTests",
            dependencies: ["HubProtocol", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Strict settings for every target, as swift-log does.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("StrictConcurrency"))
    target.swiftSettings = settings
}
