#pragma once
// A real SQLite file in a fresh temp folder, migrated to the current schema.
#include <filesystem>
#include <random>
#include <string>

#include "store/migrations.hpp"
#include "store/sqlite.hpp"

namespace steritrack::testing {

class TempDir {
public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("steritrack-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

class TempDb {
public:
  TempDb() : path_(dir_.file("test.db")), db_(path_) { store::migrate(db_); }
  store::Connection& db() { return db_; }
  const std::string& path() const { return path_; }
  const TempDir& dir() const { return dir_; }

private:
  TempDir dir_;
  std::string path_;
  store::Connection db_;
};

}  // namespace steritrack::testing
