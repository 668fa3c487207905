// swift-tools-version:6.2
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
            ],
            plugins: ["EmbedMigrations"]
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
