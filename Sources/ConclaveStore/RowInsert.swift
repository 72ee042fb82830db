import GRDB
import GRDBSQLite

/// One execution of a prepared insert, its values bound straight into SQLite in the order of the statement's
/// `?` placeholders. The store's hot inserts (decisions, calls, results) use it: GRDB's
/// `execute(arguments:)` boxes every value and nests a closure per argument, which was a quarter of the time
/// the gateway's log spent in the writer.
///
/// ```swift
/// let insert = try db.cachedStatement(sql: "INSERT INTO notes (id, stars, text) VALUES (?, ?, ?)")
/// try RowInsert.execute(insert) { row in
///     row.bind("n1")
///     row.bind(3)
///     row.bind(nil as String?)
/// }
/// ```
struct RowInsert {
    private let handle: OpaquePointer
    private var index: CInt = 1
    /// The first binding SQLite refused (too long a text, say), reported when the row is executed.
    private var failure: CInt = SQLITE_OK

    private init(handle: OpaquePointer) { self.handle = handle }

    /// Binds the values `values` gives, runs the statement once and resets it for the next row.
    ///
    /// - Throws: `DatabaseError` when SQLite refuses a value or the insert (a constraint, a full disk), or
    ///   when `values` binds another number of values than the statement has placeholders.
    static func execute(_ statement: Statement, _ values: (inout RowInsert) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var row = RowInsert(handle: handle)
        values(&row)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let placeholders = sqlite3_bind_parameter_count(handle)
        guard row.index - 1 == placeholders else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "\(row.index - 1) values bound for \(placeholders) placeholders",
                sql: statement.sql
            )
        }
        let code = row.failure == SQLITE_OK ? sqlite3_step(handle) : row.failure
        guard code == SQLITE_DONE else {
            let message = sqlite3_errmsg(sqlite3_db_handle(handle)).map { String(cString: $0) }
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    mutating func bind(_ text: String?) {
        guard var text else { return next(sqlite3_bind_null(handle, index)) }
        next(text.withUTF8 { bindText($0) })
    }

    /// Binds UTF-8 bytes as text (JSON as `JSONText` writes it).
    mutating func bind(utf8 bytes: [UInt8]) { next(bytes.withUnsafeBufferPointer { bindText($0) }) }

    /// Binds `bytes` as the text of the next placeholder, copied by SQLite.
    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>) -> CInt {
        bytes.withMemoryRebound(to: CChar.self) { chars in
            guard let start = chars.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, Self.transient) }
            guard let length = CInt(exactly: chars.count) else { return SQLITE_TOOBIG }
            return sqlite3_bind_text(handle, index, start, length, Self.transient)
        }
    }

    mutating func bind(_ value: Int?) {
        next(value.map { sqlite3_bind_int64(handle, index, Int64($0)) } ?? sqlite3_bind_null(handle, index))
    }

    mutating func bind(_ value: Double) {
        next(sqlite3_bind_double(handle, index, value))
    }

    private mutating func next(_ code: CInt) {
        if code != SQLITE_OK && failure == SQLITE_OK { failure = code }
        index += 1
    }

    /// SQLite's `SQLITE_TRANSIENT`: copy the bytes before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
