import Testing

@testable import S2PGCore

@Suite("Worker registry")
struct WorkerRegistryTests {
    @Test("the workers' rebalancing lock is no table's lease, not even a table named assignments")
    func lockKey() {
        let registry = WorkerRegistry(schema: "s2pg", identity: TableLease.Identity(command: "run"), leaseSeconds: 30)
        #expect(registry.lockKey != TableLease(schema: "s2pg", table: "assignments").key)
        #expect(registry.lockKey != WorkerRegistry(schema: "other", identity: registry.identity, leaseSeconds: 30).lockKey)
        #expect(registry.lockKey != TableLease.schemaLockKey("s2pg", "migrations"))
    }

    @Test("a fair share is the tables over the live workers, rounded up", arguments: [(30, 3, 10), (31, 3, 11), (2, 3, 1), (0, 2, 0), (5, 0, 5)])
    func share(_ tables: Int, _ workers: Int, _ share: Int) {
        #expect(WorkerRegistry.share(of: tables, among: workers) == share)
    }
}
