// A thin RAII layer over SQLite: one connection, prepared statements, transactions.
// A Database is used from one thread at a time (SQLite's "multi-thread" mode).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace shoebox {

class Statement {
 public:
  Statement() = default;
  // cached: owned by the Database's statement cache; reset (not finalized) when done.
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool cached = false)
      : db_(db), stmt_(stmt), cached_(cached) {}
  Statement(Statement&& o) noexcept
      : db_(o.db_), stmt_(o.stmt_), cached_(o.cached_), bind_rc_(o.bind_rc_) {
    o.stmt_ = nullptr;
  }
  Statement& operator=(Statement&& o) noexcept;
  ~Statement();

  Statement& Bind(int index, int64_t v);
  Statement& Bind(int index, double v);
  Statement& Bind(int index, std::string_view v);  // bound as TEXT, bytes kept as they are
  Statement& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  Statement& BindNull(int index);
  Statement& BindBlob(int index, const void* data, size_t size);  // copied by SQLite
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& v) {
    return v ? Bind(index, *v) : BindNull(index);
  }
  Statement& Bind(int index, int v) { return Bind(index, static_cast<int64_t>(v)); }

  // A value SQLite refused to bind (too big, out of memory) fails the next Step or Run with
  // that error instead of running the statement without it. Binding a number the statement
  // does not use is allowed: filters bind all their parameters, the SQL uses those it needs.
  // Advances: true when a row is available, false when done. Errors land in *status.
  bool Step(Status* status);
  // Runs to completion, expecting no rows.
  Status Run();
  void Reset();

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const;
  // The bytes of a BLOB column, valid until the next Step/Reset.
  std::string_view Blob(int col) const {
    return {static_cast<const char*>(sqlite3_column_blob(stmt_, col)),
            static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
  }
  std::optional<std::string> OptText(int col) const;
  std::optional<int64_t> OptInt(int col) const;
  std::optional<double> OptDouble(int col) const;

 private:
  void Release();
  Statement& Bound(int rc);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool cached_ = false;
  int bind_rc_ = 0;  // the first refused binding's result code (SQLITE_OK: none)
};

// Maps an SQLite result code to our Status, naming what we were doing.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

class Database {
 public:
  Database() = default;
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens (creating if asked) the database at path in WAL mode with foreign keys on and
  // a busy timeout, so readers never block on the indexer.
  Status Open(const std::string& path, bool create, bool read_only);
  // Closes the connection (also done by the destructor); statements must be gone by then.
  void Close();
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // As Prepare, compiled once per connection and reused: for the hot per-row queries
  // (compiling a join costs more than running it). Falls back to a fresh statement when the
  // cached one is still in use.
  Result<Statement> PrepareCached(const std::string& sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Runs BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless committed.
class Transaction {
 public:
  explicit Transaction(Database* db) : db_(db) {}
  Transaction(Transaction&& o) noexcept : db_(o.db_), open_(o.open_) { o.open_ = false; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  Status Begin();
  Status Commit();

 private:
  Database* db_;
  bool open_ = false;
};

}  // namespace shoebox
