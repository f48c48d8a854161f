// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for Quadra's readers of untrusted input, kept out of the main package so that its builds and
// tests never compile them. Build and run them with scripts/fuzz.sh, which passes the sanitizer flags
// (`-Xswiftc -sanitize=fuzzer,address`). Each target's main.swift hands its input function to libFuzzer's driver.
let package = Package(
    name: "QuadraFuzz",
    dependencies: [.package(name: "Quadra", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        // One POS log line: the fast scanner and the strict decoder must agree.
        .executableTarget(
            name: "FuzzPosLine", dependencies: ["CLibFuzzer", .product(name: "QuadraCore", package: "Quadra")]),
        // An emergency register, as CSV and as XML: read without a crash.
        .executableTarget(
            name: "FuzzRegisters",
            dependencies: [
                "CLibFuzzer", .product(name: "QuadraCore", package: "Quadra"),
                .product(name: "QuadraXML", package: "Quadra"),
            ]),
        // An A-Cube export of each kind: read without a crash.
        .executableTarget(
            name: "FuzzAcubeExports", dependencies: ["CLibFuzzer", .product(name: "QuadraCore", package: "Quadra")]),
    ],
    swiftLanguageModes: [.v6]
)
