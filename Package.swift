// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "streamd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "streamd", targets: ["streamd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-atomics", exact: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        // C libraries from Debian, through pkg-config.
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavdevice-dev", "libavfilter-dev", "libswscale-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Safe libav wrappers and the capture → encode → HLS pipeline.
        .target(name: "Media", dependencies: [
            "CFFmpeg",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Atomics", package: "swift-atomics"),
        ]),
        // libpq wrapper, migrations, the session repository.
        .target(name: "Store", dependencies: [
            "CLibPQ",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Sessions and their lifecycle: joins Media and Store.
        .target(name: "Recorder", dependencies: [
            "Media", "Store",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Routes, files, web page, metrics endpoint.
        .target(name: "HTTPAPI", dependencies: [
            "Recorder", "Store",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "_NIOFileSystem", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], resources: [.embedInCode("Resources/index.html"), .embedInCode("Resources/openapi.yaml")]),
        .executableTarget(name: "streamd", dependencies: [
            "HTTPAPI", "Recorder", "Store", "Media",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // Shared by the test targets: private PostgreSQL clusters, per-test databases, temp dirs,
        // log capture, waiting with a deadline, spawning, one HLS playlist parser.
        .target(name: "StreamdTestSupport", dependencies: [
            "Store",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/Support"),

        .testTarget(name: "MediaTests", dependencies: ["Media", "StreamdTestSupport"]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "StreamdTestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "RecorderTests", dependencies: ["Recorder", "Media", "Store", "StreamdTestSupport"]),
        .testTarget(name: "HTTPAPITests", dependencies: [
            "HTTPAPI", "Recorder", "Store", "StreamdTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "HTTPAPI", "Recorder", "Store", "Media", "StreamdTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
