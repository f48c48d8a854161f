// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Quadra",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quadra", targets: ["quadra"]),
        .library(name: "QuadraCore", targets: ["QuadraCore"]),
        // For the fuzz targets of Fuzz/, a package of its own: the register XML reader.
        .library(name: "QuadraXML", targets: ["QuadraXML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Not "CZlib": ZIPFoundation has a module of that name.
        .systemLibrary(
            name: "CLibZ",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "QuadraCore", dependencies: ["CLibZ", "CCrypto"], exclude: ["README.md"]),
        .target(name: "QuadraXML", dependencies: ["QuadraCore", "CLibXML2"], exclude: ["README.md"]),
        .target(
            name: "QuadraServices",
            dependencies: [
                "QuadraCore",
                "CSQLite",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "QuadraSimulators",
            dependencies: [
                "QuadraCore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["README.md"]
        ),
        .target(name: "QuadraGenerator", dependencies: ["QuadraCore"], exclude: ["README.md"]),
        .target(
            name: "QuadraPipeline",
            dependencies: [
                "QuadraCore",
                "QuadraXML",
                "QuadraServices",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "quadra",
            dependencies: [
                "QuadraCore",
                "QuadraXML",
                "QuadraServices",
                "QuadraPipeline",
                "QuadraGenerator",
                "QuadraSimulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["README.md"]
        ),
        .target(name: "QuadraTestSupport", dependencies: ["QuadraCore", "QuadraGenerator"], exclude: ["README.md"]),
        .testTarget(
            name: "QuadraPipelineTests",
            dependencies: [
                "QuadraPipeline", "QuadraServices", "QuadraSimulators", "QuadraCore", "QuadraXML", "QuadraTestSupport",
            ]
        ),
        .testTarget(
            name: "QuadraCoreTests", dependencies: ["QuadraCore", "QuadraGenerator", "QuadraTestSupport"],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "QuadraGeneratorTests", dependencies: ["QuadraGenerator", "QuadraCore", "QuadraTestSupport"]),
        .testTarget(name: "QuadraXMLTests", dependencies: ["QuadraXML", "QuadraCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "QuadraServicesTests",
            dependencies: [
                "QuadraServices", "QuadraSimulators", "QuadraCore", "QuadraGenerator", "QuadraXML", "QuadraTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "QuadraSimulatorsTests",
            dependencies: [
                "QuadraSimulators", "QuadraCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "QuadraEndToEndTests",
            dependencies: ["QuadraCore", "QuadraXML", "QuadraSimulators", "QuadraTestSupport"],
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
