// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Conclave",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "conclave", targets: ["conclave"]),
        .executable(name: "conclave-bench", targets: ["conclave-bench"]),
        .library(name: "ConclaveCore", targets: ["ConclaveCore"]),
        .library(name: "ConclaveEngine", targets: ["ConclaveEngine"]),
        .library(name: "ConclaveEvaluation", targets: ["ConclaveEvaluation"]),
        .library(name: "ConclaveTesting", targets: ["ConclaveTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .target(name: "CWordScan"),
        .target(name: "ConclaveCore", dependencies: ["CWordScan"]),
        .target(
            name: "ConclaveConfig",
            dependencies: [
                "ConclaveCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "ConclaveLLM",
            dependencies: [
                "ConclaveCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "ConclaveStore",
            dependencies: [
                "ConclaveCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .target(
            name: "ConclaveEngine",
            dependencies: [
                "ConclaveCore", "ConclaveLLM", "ConclaveStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "ConclaveEvaluation", dependencies: ["ConclaveCore", "ConclaveConfig", "ConclaveLLM", "ConclaveEngine"]),
        .target(
            name: "ConclaveServer",
            dependencies: [
                "ConclaveCore", "ConclaveConfig", "ConclaveEngine", "ConclaveStore", "ConclaveLLM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "conclave",
            dependencies: [
                "ConclaveEngine", "ConclaveEvaluation", "ConclaveConfig", "ConclaveCore", "ConclaveLLM", "ConclaveStore", "ConclaveServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "ConclaveFuzz", dependencies: ["ConclaveCore", "ConclaveConfig", "ConclaveEvaluation"]),
        .executableTarget(
            name: "conclave-bench",
            dependencies: [
                "ConclaveEngine", "ConclaveEvaluation", "ConclaveConfig", "ConclaveCore", "ConclaveLLM", "ConclaveStore", "ConclaveFuzz",
                "ConclaveTesting", "ConclaveServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ConclaveTesting",
            dependencies: [
                "ConclaveCore", "ConclaveEngine", "ConclaveStore", "ConclaveLLM", .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "ConclaveCoreTests", dependencies: ["ConclaveCore", "ConclaveTesting", "CWordScan"]),
        .testTarget(name: "ConclaveConfigTests", dependencies: ["ConclaveConfig"]),
        .testTarget(
            name: "ConclaveEvaluationTests",
            dependencies: ["ConclaveEvaluation", "ConclaveTesting", "ConclaveEngine", "ConclaveConfig", "ConclaveCore", "ConclaveStore"]
        ),
        .testTarget(name: "ConclaveFuzzTests", dependencies: ["ConclaveFuzz", "ConclaveConfig", "ConclaveCore"]),
        .testTarget(
            name: "ConclaveLLMTests",
            dependencies: [
                "ConclaveLLM", "ConclaveConfig", "ConclaveTesting", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "ConclaveStoreTests",
            dependencies: [
                "ConclaveStore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "ConclaveEngineTests", dependencies: ["ConclaveEngine", "ConclaveConfig", "ConclaveTesting"]),
        .testTarget(
            name: "ConclaveBenchTests",
            dependencies: [
                "conclave-bench", "ConclaveLLM", "ConclaveTesting", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ConclaveServerTests",
            dependencies: [
                "ConclaveServer", "ConclaveConfig", "ConclaveCore", "ConclaveStore", "ConclaveEngine", "ConclaveTesting", "ConclaveLLM",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ]
        ),
        .testTarget(
            name: "conclaveTests",
            dependencies: [
                "conclave", "ConclaveStore", "ConclaveConfig", "ConclaveCore", "ConclaveLLM",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
