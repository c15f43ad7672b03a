#include "catalog/sqlite_db.h"

namespace shoebox {

void Statement::Release() {
  if (!stmt_) return;
  if (cached_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    Release();
    db_ = o.db_;
    stmt_ = o.stmt_;
    cached_ = o.cached_;
    bind_rc_ = o.bind_rc_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { Release(); }

Statement& Statement::Bound(int rc) {
  if (rc != SQLITE_OK && rc != SQLITE_RANGE && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}
Statement& Statement::Bind(int i, int64_t v) { return Bound(sqlite3_bind_int64(stmt_, i, v)); }
Statement& Statement::Bind(int i, double v) { return Bound(sqlite3_bind_double(stmt_, i, v)); }
Statement& Statement::Bind(int i, std::string_view v) {
  if (v.size() > static_cast<size_t>(INT32_MAX)) return Bound(SQLITE_TOOBIG);
  return Bound(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
}
Statement& Statement::BindNull(int i) { return Bound(sqlite3_bind_null(stmt_, i)); }

bool Statement::Step(Status* status) {
  if (bind_rc_ != SQLITE_OK) {
    if (status)
      *status =
          SqliteStatus(db_, bind_rc_, std::string("binding a value of: ") + sqlite3_sql(stmt_));
    return false;
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE && status) *status = SqliteStatus(db_, rc, sqlite3_sql(stmt_));
  return false;
}

Status Statement::Run() {
  Status st;
  while (Step(&st)) {
  }
  Reset();
  return st;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

Statement& Statement::BindBlob(int index, const void* data, size_t size) {
  return Bound(sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT));
}

std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}
std::optional<std::string> Statement::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}
std::optional<int64_t> Statement::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}
std::optional<double> Statement::OptDouble(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Double(col);
}

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  std::string msg = std::string(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  msg += " (while: " + std::string(what.substr(0, 80)) + ")";
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status(StatusCode::kDiskFull, "disk full: " + msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Busy("catalog is busy: " + msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Corrupt("catalog is damaged: " + msg);
    case SQLITE_CANTOPEN:
      return IoError("cannot open catalog: " + msg);
    case SQLITE_READONLY:
      return IoError("catalog is read-only: " + msg);
    default:
      return IoError("catalog error: " + msg);
  }
}

Database::~Database() { Close(); }

void Database::Close() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Result<Statement> Database::PrepareCached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    if (sqlite3_stmt_busy(it->second)) return Prepare(sql);
    return Statement(db_, it->second, true);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc, sql);
  cache_.emplace(sql, stmt);
  return Statement(db_, stmt, true);
}

Status Database::Open(const std::string& path, bool create, bool read_only) {
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st = SqliteStatus(db_, rc, "open " + path);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return st;
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 10000);
  if (!read_only) SHOEBOX_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
  // NORMAL is durable across process crashes in WAL mode; only power loss can drop the
  // last commits, which the next index run redoes.
  SHOEBOX_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
  SHOEBOX_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
  return Status::Ok();
}

Status Database::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc, sql);
  return Status::Ok();
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(db_, rc, sql);
  return Statement(db_, stmt);
}

Transaction::~Transaction() {
  if (open_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Begin() {
  SHOEBOX_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  Status st = db_->Exec("COMMIT");
  if (st.ok()) open_ = false;
  return st;
}

}  // namespace shoebox
