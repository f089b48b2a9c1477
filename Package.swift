// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "streamd",
    platforms: [.macOS(.v15)],
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
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        // C libraries from Debian, through pkg-config.
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat", providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavdevice-dev", "libavfilter-dev", "libswscale-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Safe, typed wrappers over libav: the only module that imports CFFmpeg.
        .target(name: "LibAV", dependencies: ["CFFmpeg"]),
        // Capture → encode → HLS, stream copy and pull pipelines, over LibAV.
        .target(name: "Media", dependencies: [
            "LibAV",
            "Sessions",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The domain: Session and its status, queries, the repository protocol, id rules, the
        // recording directory's layout, every default and limit. Pure Swift, no dependencies.
        .target(name: "Sessions"),
        // libpq wrapper, migrations, the PostgreSQL and in-memory repositories.
        .target(name: "Store", dependencies: [
            "CLibPQ", "Sessions",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Sessions and their lifecycle: joins Media and the repository protocol.
        .target(name: "Recorder", dependencies: [
            "Media", "RTSPServer", "Sessions",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        // Routes, files, web page, metrics endpoint.
        .target(name: "HTTPAPI", dependencies: [
            "Recorder", "Sessions",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "_NIOFileSystem", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [
            .embedInCode("Resources/index.html"), .embedInCode("Resources/app.js"), .embedInCode("Resources/app.css"),
            .embedInCode("Resources/openapi.yaml"),
        ]),
        .executableTarget(name: "streamd", dependencies: [
            "HTTPAPI", "Recorder", "RTSPServer", "Sessions", "Store", "Media",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
        ]),

        // RTSP publish ingest: RTSP/RTP server and depacketizers; depends on no other streamd module.
        .target(name: "RTSPServer", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // Shared by the test targets: private PostgreSQL clusters, per-test databases, temp dirs,
        // log capture, waiting with a deadline, spawning, one HLS playlist parser.
        .target(name: "StreamdTestSupport", dependencies: [
            "Sessions", "Store",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/Support"),

        .testTarget(name: "MediaTests", dependencies: ["Media", "LibAV", "StreamdTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "StoreTests", dependencies: [
            "Sessions", "Store", "StreamdTestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "RecorderTests", dependencies: ["Recorder", "Media", "Sessions", "Store", "StreamdTestSupport"]),
        .testTarget(name: "HTTPAPITests", dependencies: [
            "HTTPAPI", "Recorder", "Sessions", "Store", "Media", "StreamdTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "PropertyBased", package: "swift-property-based"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
        ]),
        .testTarget(name: "RTSPServerTests", dependencies: [
            "RTSPServer",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "IntegrationTests", dependencies: [
            "HTTPAPI", "Recorder", "Sessions", "Store", "Media", "StreamdTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
