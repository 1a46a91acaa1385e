#pragma once
// A real SQLite file in a fresh temp folder, migrated to the current schema.
#include <string>

#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "support/temp_dir.hpp"

namespace steritrack::testkit {

class TempDb {
public:
  TempDb() : path_((dir_ / "test.db").string()), db_(path_) { store::migrate(db_); }
  store::Connection& db() { return db_; }
  const std::string& path() const { return path_; }
  const TempDir& dir() const { return dir_; }

private:
  TempDir dir_;
  std::string path_;
  store::Connection db_;
};

}  // namespace steritrack::testkit
