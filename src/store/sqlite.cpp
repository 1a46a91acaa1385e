#include "store/sqlite.hpp"

#include <sqlite3.h>

namespace steritrack::store {
namespace {

[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what) {
  std::string msg{what};
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw DatabaseError(rc, msg);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                                    nullptr);
  if (rc != SQLITE_OK) throw_error(db, rc, "prepare failed for [" + std::string{sql.substr(0, 120)} + "]");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : stmt_(other.stmt_), db_(other.db_) { other.stmt_ = nullptr; }

Statement& Statement::bind(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) throw_error(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) throw_error(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
  if (const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
      rc != SQLITE_OK)
    throw_error(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
  if (const int rc = sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
      rc != SQLITE_OK)
    throw_error(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, std::nullptr_t) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) throw_error(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  sqlite3_reset(stmt_);
  throw_error(db_, rc, std::string{"step ["} + std::string{std::string_view{sqlite3_sql(stmt_)}.substr(0, 120)} + "]");
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::int64_t Statement::get_int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::get_double(int column) const { return sqlite3_column_double(stmt_, column); }
std::string Statement::get_text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}
std::optional<std::string> Statement::get_opt_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_text(column);
}
std::optional<std::int64_t> Statement::get_opt_int(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_int(column);
}
std::optional<double> Statement::get_opt_double(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_double(column);
}
Blob Statement::get_blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return p ? Blob(p, p + n) : Blob{};
}
int Statement::column_count() const { return sqlite3_column_count(stmt_); }
std::string Statement::column_name(int column) const { return sqlite3_column_name(stmt_, column); }

Connection::Connection(const std::string& path, OpenMode mode) : path_(path) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case OpenMode::create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case OpenMode::read_write: flags |= SQLITE_OPEN_READWRITE; break;
    case OpenMode::read_only: flags |= SQLITE_OPEN_READONLY; break;
  }
  if (const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr); rc != SQLITE_OK) {
    std::string msg = "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw DatabaseError(rc, msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  // Readers and the writer of other processes wait up to 10 s for a lock
  // rather than failing with "database is locked".
  sqlite3_busy_timeout(db_, 10000);
  if (mode != OpenMode::read_only) exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
}

Connection::~Connection() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

void Connection::exec(std::string_view sql) {
  std::string text{sql};
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DatabaseError(rc, msg);
  }
}

Statement& Connection::cached(std::string_view sql) {
  auto it = cache_.find(std::string{sql});
  if (it == cache_.end()) it = cache_.emplace(std::string{sql}, std::make_unique<Statement>(db_, sql)).first;
  it->second->reset();
  return *it->second;
}

std::int64_t Connection::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
int Connection::changes() const { return sqlite3_changes(db_); }
std::int64_t Connection::data_version() { return query_int("PRAGMA data_version").value_or(0); }
bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::backup_to(const std::string& dest) {
  sqlite3* out = nullptr;
  if (const int rc = sqlite3_open(dest.c_str(), &out); rc != SQLITE_OK) {
    std::string msg = "cannot create backup " + dest + ": " + (out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
    sqlite3_close(out);
    throw DatabaseError(rc, msg);
  }
  sqlite3_backup* b = sqlite3_backup_init(out, "main", db_, "main");
  if (!b) {
    std::string msg = "cannot start backup to " + dest + ": " + sqlite3_errmsg(out);
    sqlite3_close(out);
    throw DatabaseError(SQLITE_ERROR, msg);
  }
  // Copy in one step: the source is read in one read transaction, so the copy
  // is a consistent snapshot even while the daemon keeps writing.
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    std::string msg = "backup to " + dest + " failed: " + sqlite3_errstr(rc);
    sqlite3_close(out);
    throw DatabaseError(rc, msg);
  }
  sqlite3_close(out);
}

Transaction::Transaction(Connection& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // Nothing sensible to do in a destructor; SQLite already rolled back.
    }
  }
}
void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

Savepoint::Savepoint(Connection& db) : db_(db) { db_.exec("SAVEPOINT step"); }
Savepoint::~Savepoint() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK TO step; RELEASE step");
    } catch (...) {
      // The enclosing transaction is rolled back by its own guard.
    }
  }
}
void Savepoint::release() {
  db_.exec("RELEASE step");
  done_ = true;
}

}  // namespace steritrack::store
