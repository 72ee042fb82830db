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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "ConclaveCore"),
        .target(name: "ConclaveConfig", dependencies: [
            "ConclaveCore",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "ConclaveLLM", dependencies: [
            "ConclaveCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "ConclaveStore", dependencies: [
            "ConclaveCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "ConclaveEngine", dependencies: [
            "ConclaveCore", "ConclaveConfig", "ConclaveLLM", "ConclaveStore",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "conclave", dependencies: [
            "ConclaveEngine", "ConclaveConfig", "ConclaveCore", "ConclaveLLM", "ConclaveStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "ConclaveFuzz", dependencies: ["ConclaveCore", "ConclaveConfig"]),
        .executableTarget(name: "conclave-bench", dependencies: [
            "ConclaveEngine", "ConclaveConfig", "ConclaveCore", "ConclaveLLM", "ConclaveStore", "ConclaveFuzz",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ConclaveCoreTests", dependencies: ["ConclaveCore"]),
        .testTarget(name: "ConclaveConfigTests", dependencies: ["ConclaveConfig"]),
        .testTarget(name: "ConclaveFuzzTests", dependencies: ["ConclaveFuzz", "ConclaveConfig", "ConclaveCore"]),
        .testTarget(name: "ConclaveLLMTests", dependencies: ["ConclaveLLM", "ConclaveConfig"]),
        .testTarget(name: "ConclaveStoreTests", dependencies: ["ConclaveStore"]),
        .testTarget(name: "ConclaveEngineTests", dependencies: ["ConclaveEngine"]),
        .testTarget(name: "conclaveTests", dependencies: ["conclave", "ConclaveStore", "ConclaveConfig", "ConclaveCore", "ConclaveLLM",
                                                         .product(name: "AsyncHTTPClient", package: "async-http-client")]),
    ],
    swiftLanguageModes: [.v6]
)
