#pragma once
// Shared by the cycle tests: a real SQLite database in a temp folder, the
// shipped device files, and the example trace.
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sterilization/profiles.hpp"
#include "sterilization/programs.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "support/temp_dir.hpp"
#include "support/paths.hpp"

namespace steritrack::test {

// A migrated database with sterilizers A (prevac, generic-json) and B
// (gravity, tuttnauer-line) and C (prevac, amsco-record).
class CycleDb {
public:
  CycleDb() : file_((dir_.path() / "steritrack.db").string()), db_(std::make_unique<store::Connection>(file_)) {
    store::migrate(*db_);
    add_sterilizer("A", "prevac", "generic-json");
    add_sterilizer("B", "gravity", "tuttnauer-line");
    add_sterilizer("C", "prevac", "amsco-record");
  }
  store::Connection& db() { return *db_; }
  const std::string& file() const { return file_; }
  // A new connection, as after a daemon restart.
  void reopen() {
    db_.reset();
    db_ = std::make_unique<store::Connection>(file_);
  }
  void add_sterilizer(const std::string& id, const std::string& type, const std::string& profile) {
    db_->execute("INSERT INTO sterilizers (id, name, type, profile) VALUES (?, ?, ?, ?)", id, "Sterilizer " + id, type,
                 profile);
  }

private:
  testkit::TempDir dir_{"steritrack-cycles"};
  std::string file_;
  std::unique_ptr<store::Connection> db_;
};

inline std::string devices_dir() { return test_paths::source_dir() + "/devices"; }

inline sterilization::ProgramCatalog shipped_programs() {
  return sterilization::ProgramCatalog::load(devices_dir() + "/programs.toml");
}

inline sterilization::DeviceProfile shipped_profile(const std::string& name) {
  return sterilization::load_profile(devices_dir() + "/profiles", name);
}

// The example trace: (topic, payload text) in order.
inline std::vector<std::pair<std::string, std::string>> example_trace() {
  std::ifstream in(test_paths::data() + "/sterilizer-A-day.jsonl");
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line);
    out.emplace_back(j.at("topic").get<std::string>(), j.at("payload").dump());
  }
  return out;
}

}  // namespace steritrack::test
