// swift-tools-version:6.2
import Foundation
import PackageDescription

let package = Package(
    name: "s2pg",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "s2pg", targets: ["s2pg"]),
        .library(name: "S2PGCore", targets: ["S2PGCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // System libraries: a module map and a one-line shim header each.
        .systemLibrary(
            name: "CMariaDB",
            pkgConfig: "libmariadb",
            providers: [.apt(["libmariadb-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // What both clients share: the serial-queue executor that keeps blocking calls off the cooperative
        // pool, and identifier quoting.
        .target(name: "ClientSupport"),

        // The only modules that import the C libraries.
        .target(name: "MariaDBClient", dependencies: ["CMariaDB", "ClientSupport"]),
        .target(name: "PostgresClient", dependencies: ["CLibPQ", "ClientSupport"]),

        // The replicator. Migrations are embedded at build time so the binary works when copied alone.
        .target(
            name: "S2PGCore",
            dependencies: [
                "MariaDBClient",
                "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            plugins: ["EmbedMigrations"]
        ),

        // `s2pg run --metrics`: Prometheus text of what S2PGCore records through swift-metrics, and the health
        // probes, over a small HTTP/1.1 server on SwiftNIO.
        .target(
            name: "MetricsEndpoint",
            dependencies: [
                "S2PGCore",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "MigrationEmbedder",
            path: "Sources/MigrationEmbedder"
        ),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["MigrationEmbedder"]
        ),

        // The CLI: one subcommand per file, no logic.
        .executableTarget(
            name: "s2pg",
            dependencies: [
                "S2PGCore",
                "MetricsEndpoint",
                "MariaDBClient",
                "PostgresClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Pure tests: no database.
        .testTarget(name: "S2PGCoreTests", dependencies: ["S2PGCore", "MariaDBClient", "PostgresClient"]),
        // Live MariaDB + PostgreSQL, host/port from the environment (scripts/databases.sh env).
        .testTarget(name: "IntegrationTests", dependencies: ["S2PGCore", "MariaDBClient", "PostgresClient"]),
    ],
    swiftLanguageModes: [.v6]
)

// The encoder's microbenchmark (ordo-one/benchmark, with malloc counts): built only when asked for, so
// that CI and users do not compile the benchmark framework. Run it with
//   S2PG_BENCHMARKS=1 swift package --disable-sandbox benchmark
if ProcessInfo.processInfo.environment["S2PG_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "EncoderBenchmark",
            dependencies: ["S2PGCore", "MariaDBClient", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/EncoderBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]))
}
