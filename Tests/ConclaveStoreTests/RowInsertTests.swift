import GRDB
import Testing

@testable import ConclaveStore

/// Values bound straight into SQLite read back as GRDB reads them, and every refusal is an error, not a crash.
@Suite struct RowInsertTests {
    let queue: DatabaseQueue

    init() throws {
        queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL NOT NULL, note TEXT)")
        }
    }

    @Test func textNumbersAndNullReadBackAsBound() throws {
        let texts = ["plain", "", "naïve — 東京 🚀", String(repeating: "long ", count: 10_000)]
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, n, x, note) VALUES (?, ?, ?, ?)")
            for (position, text) in texts.enumerated() {
                try RowInsert.execute(insert) { row in
                    row.bind("row\(position)")
                    row.bind(position == 0 ? nil : Int.max - position)
                    row.bind(Double(position) / 3)
                    row.bind(text)
                }
            }
            try RowInsert.execute(insert) { row in
                row.bind("none")
                row.bind(-7)
                row.bind(-0.5)
                row.bind(nil as String?)
            }
        }
        try queue.read { db in
            for (position, text) in texts.enumerated() {
                let row = try #require(try Row.fetchOne(db, sql: "SELECT n, x, note FROM t WHERE id = ?", arguments: ["row\(position)"]))
                #expect(row["n"] as Int? == (position == 0 ? nil : Int.max - position))
                #expect(row["x"] as Double == Double(position) / 3)
                #expect(row["note"] as String? == text)
            }
            let none = try #require(try Row.fetchOne(db, sql: "SELECT n, x, note FROM t WHERE id = 'none'"))
            #expect(none["n"] as Int == -7 && none["x"] as Double == -0.5 && (none["note"] as String?) == nil)
        }
    }

    @Test func aRefusedRowThrowsAndTheStatementGoesOn() throws {
        try queue.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO t (id, n, x, note) VALUES (?, ?, ?, ?)")
            let bindRow = { (id: String) in
                { (row: inout RowInsert) in
                    row.bind(id)
                    row.bind(1)
                    row.bind(2.0)
                    row.bind("n")
                }
            }
            try RowInsert.execute(insert, bindRow("a"))
            let duplicate = #expect(throws: DatabaseError.self) { try RowInsert.execute(insert, bindRow("a")) }
            #expect(duplicate?.resultCode == .SQLITE_CONSTRAINT)
            let short = #expect(throws: DatabaseError.self) { try RowInsert.execute(insert) { $0.bind("b") } }
            #expect(short?.resultCode == .SQLITE_MISUSE)
            let missingValue = #expect(throws: DatabaseError.self) {
                try RowInsert.execute(insert) { row in
                    row.bind("c")
                    row.bind(1)
                    row.bind(Double.nan)
                    row.bind("n")
                }
            }
            #expect(missingValue?.resultCode == .SQLITE_CONSTRAINT)
            try RowInsert.execute(insert, bindRow("d"))
        }
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT id FROM t ORDER BY id") } == ["a", "d"])
    }
}
