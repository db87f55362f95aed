// swift-tools-version:6.0

import PackageDescription

let package = Package(
    name: "aeohub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "aeohub", targets: ["aeohub"]),
        .executable(name: "aeohub-benchmark", targets: ["AEOHubBenchmark"]),
        .executable(name: "aeohub-fuzz", targets: ["AEOHubFuzz"]),
        .executable(name: "aeohub-faults", targets: ["AEOHubFaults"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "HubProtocol", targets: ["HubProtocol"]),
        .library(name: "EventLog", targets: ["EventLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/vapor/console-kit", from: "4.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        .target(name: "ChildProcesses"),
        .target(
            name: "HubProtocol",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "Coordination",
            dependencies: ["HubProtocol", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(name: "EventLog", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "EventLogSQLite", dependencies: ["EventLog", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "EventLogPostgres",
            dependencies: [
                "EventLog", "ChildProcesses",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "EventLogStores", dependencies: ["EventLog", "EventLogSQLite", "EventLogPostgres"]),
        // The router's logic as a value: no socket, no database (it reads the log through a protocol).
        .target(
            name: "HubCore",
            dependencies: [
                "HubProtocol", "Coordination", "EventLog", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "Hub",
            dependencies: [
                "ZeroMQ", "HubProtocol", "HubCore", "Coordination", "EventLog", "EventLogStores",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "HubNode",
            dependencies: ["ZeroMQ", "HubProtocol", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Deployment",
            dependencies: [
                "ZeroMQ", "HubProtocol", "Coordination", "EventLog", "Hub", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "Reports",
            dependencies: [
                "HubProtocol", "Coordination",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "Operations",
            dependencies: [
                "ZeroMQ", "HubProtocol", "Coordination", "EventLog", "EventLogSQLite", "Hub", "HubNode",
                "ChildProcesses", "Deployment", "Reports",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Observability",
            dependencies: [
                "Hub", "EventLog", "EventLogStores",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Dashboard",
            dependencies: [
                "HubProtocol", "Coordination", "HubNode", "Operations", "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBasicAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "aeohub",
            dependencies: [
                "ZeroMQ", "HubProtocol", "Coordination", "EventLog", "EventLogSQLite", "EventLogPostgres",
                "EventLogStores", "Hub", "HubNode", "Deployment", "Reports", "Operations", "Dashboard", "Observability",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ConsoleKitTerminal", package: "console-kit"),
            ]
        ),
        .target(name: "ProtocolFuzzing", dependencies: ["HubProtocol", "Coordination"]),
        .target(
            name: "FaultHarness",
            dependencies: [
                "ZeroMQ", "HubProtocol", "EventLog", "EventLogSQLite", "EventLogPostgres", "Hub", "HubNode",
                "Deployment", "ChildProcesses", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "AEOHubFaults",
            dependencies: [
                "FaultHarness", "EventLog", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "AEOHubFuzz",
            dependencies: ["ProtocolFuzzing", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "AEOHubBenchmark",
            dependencies: [
                "ZeroMQ", "HubProtocol", "Coordination", "EventLog", "EventLogSQLite", "Hub", "HubNode",
                "Deployment", "ChildProcesses", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(
            name: "EventLogTests", dependencies: ["EventLog", "EventLogSQLite", "EventLogPostgres", "EventLogStores"]
        ),
        .testTarget(name: "CoordinationTests", dependencies: ["Coordination", "HubProtocol"]),
        .testTarget(name: "HubCoreTests", dependencies: ["HubCore", "HubProtocol", "Coordination", "EventLog"]),
        .testTarget(
            name: "HubTests",
            dependencies: [
                "Hub", "HubNode", "ZeroMQ", "HubProtocol", "Coordination", "EventLog", "EventLogSQLite",
                "EventLogPostgres",
                "EventLogStores", "Deployment", "Reports", "Operations",
                "FaultHarness", "ChildProcesses", "ProtocolFuzzing", "Dashboard", "Observability",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "HubProtocolTests",
            dependencies: [
                "HubProtocol", "ProtocolFuzzing", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
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
