// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Quadra",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "quadra", targets: ["quadra"]),
        .library(name: "QuadraCore", targets: ["QuadraCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "QuadraCore", dependencies: ["CZlib"]),
        .target(name: "QuadraXML", dependencies: ["QuadraCore", "CLibXML2"]),
        .executableTarget(
            name: "quadra",
            dependencies: [
                "QuadraCore",
                "QuadraXML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "QuadraCoreTests", dependencies: ["QuadraCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "QuadraXMLTests", dependencies: ["QuadraXML", "QuadraCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "QuadraEndToEndTests", dependencies: ["QuadraCore", "QuadraXML"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
