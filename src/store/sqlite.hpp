#pragma once
// Our narrow seam over SQLite. Only store/sqlite.cpp includes <sqlite3.h>;
// everything else talks to Connection, Statement and Transaction.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace steritrack::store {

class DatabaseError : public std::runtime_error {
public:
  DatabaseError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

private:
  int code_;
};

using Blob = std::vector<std::uint8_t>;

class Statement {
public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  // Binding is 1-based like SQLite. std::nullopt and nullptr bind NULL.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view{value}); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view{value}); }
  Statement& bind(int index, std::span<const std::uint8_t> blob);
  Statement& bind(int index, const Blob& blob) { return bind(index, std::span<const std::uint8_t>{blob}); }
  Statement& bind(int index, std::nullptr_t);
  Statement& bind(int index, std::nullopt_t) { return bind(index, nullptr); }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row; false when done. Throws DatabaseError on error.
  bool step();
  // Runs a statement that returns no rows.
  void run() { while (step()) {} }
  void reset();

  bool is_null(int column) const;
  std::int64_t get_int(int column) const;
  double get_double(int column) const;
  std::string get_text(int column) const;
  std::optional<std::string> get_opt_text(int column) const;
  std::optional<std::int64_t> get_opt_int(int column) const;
  std::optional<double> get_opt_double(int column) const;
  Blob get_blob(int column) const;
  int column_count() const;
  std::string column_name(int column) const;

private:
  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

enum class OpenMode { create, read_write, read_only };

class Connection {
public:
  // Opens with WAL, synchronous=FULL, foreign keys on and a busy timeout, so
  // the daemon and the CLI can share one file.
  explicit Connection(const std::string& path, OpenMode mode = OpenMode::create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(std::string_view sql);  // one or more statements, no parameters
  // A prepared statement kept for the life of the connection, reset and
  // re-bound on every call: the hot paths prepare each SQL text once.
  template <typename... Args>
  Statement& query(std::string_view sql, const Args&... args) {
    Statement& s = cached(sql);
    s.bind_all(args...);
    return s;
  }
  // Runs a write (or any statement whose rows are not needed).
  template <typename... Args>
  void execute(std::string_view sql, const Args&... args) {
    query(sql, args...).run();
  }
  // First column of the first row, if any row.
  template <typename... Args>
  std::optional<std::int64_t> query_int(std::string_view sql, const Args&... args) {
    Statement& s = query(sql, args...);
    std::optional<std::int64_t> out;
    if (s.step()) out = s.get_opt_int(0);
    s.reset();
    return out;
  }
  template <typename... Args>
  std::optional<std::string> query_text(std::string_view sql, const Args&... args) {
    Statement& s = query(sql, args...);
    std::optional<std::string> out;
    if (s.step()) out = s.get_opt_text(0);
    s.reset();
    return out;
  }

  std::int64_t last_insert_id() const;
  int changes() const;
  // Changes when another connection commits (PRAGMA data_version).
  std::int64_t data_version();
  bool in_transaction() const;
  const std::string& path() const { return path_; }

  // Online copy of the whole database into dest (SQLite backup API).
  void backup_to(const std::string& dest);

private:
  Statement& cached(std::string_view sql);

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

// RAII transaction: rolls back unless commit() was called. BEGIN IMMEDIATE
// takes the write lock up front so a busy database waits (busy timeout)
// instead of failing half way.
class Transaction {
public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

private:
  Connection& db_;
  bool done_ = false;
};

// RAII savepoint, nested inside a transaction: one failing step rolls back
// only itself.
class Savepoint {
public:
  explicit Savepoint(Connection& db);
  ~Savepoint();
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release();

private:
  Connection& db_;
  bool done_ = false;
};

}  // namespace steritrack::store
