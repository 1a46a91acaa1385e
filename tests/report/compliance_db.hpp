#pragma once
// Test helpers for alerts and tamper evidence: a migrated database in a
// fresh temp folder, cycles written the way the recorder writes them (row,
// then its chain entry, in one transaction), and the real sqlite3 shell.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "common/time.hpp"
#include "report/chain.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

namespace steritrack::testing {

class TempDb {
public:
  TempDb() {
    std::string templ = (std::filesystem::temp_directory_path() / "steritrack-test-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
    path_ = (dir_ / "steritrack.db").string();
    store::Connection db(path_);
    store::migrate(db);
  }
  ~TempDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;

  const std::string& path() const { return path_; }
  const std::filesystem::path& dir() const { return dir_; }

private:
  std::filesystem::path dir_;
  std::string path_;
};

inline TimePoint at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }

inline void add_sterilizer(store::Connection& db, const std::string& id) {
  db.execute("INSERT INTO sterilizers (id, name, type, profile) VALUES (?, ?, 'prevac', 'generic-json')", id,
             "Autoclave " + id);
}

// A finished, verified cycle with a samples blob, chained as the recorder
// chains it.
inline void add_cycle(store::Connection& db, const std::string& sterilizer, const std::string& cycle,
                      TimePoint start) {
  const store::Blob samples(64, static_cast<std::uint8_t>(cycle.size()));
  db.execute(
      "INSERT INTO cycles (sterilizer, cycle, program, program_kind, required_temp_c, required_exposure_s,"
      " tolerance_c, max_gap_s, start, end, operator, device_result, verified, exposure_s, min_temp_c,"
      " max_temp_c, f0_min, sample_count, samples, load, status)"
      " VALUES (?, ?, 'prevac-132-4', 'load', 132.0, 240, 0.0, 30, ?, ?, 'U-0042', 'pass', 'pass', 250.0, 132.1,"
      " 133.4, 21.5, 25, ?, 'T-ORTHO-03', 'released')",
      sterilizer, cycle, format_rfc3339(start), format_rfc3339(start + std::chrono::minutes(40)), samples);
  report::chain_record(db, "cycle", sterilizer + "/" + cycle, start + std::chrono::minutes(40));
}

// Runs SQL through the real sqlite3 shell, as someone editing the file
// behind steritrack's back would. Returns the shell's exit status.
inline int sqlite3_shell(const std::string& db_path, const std::string& sql) {
  const std::string cmd = "/usr/bin/sqlite3 -bail '" + db_path + "'";
  FILE* p = ::popen(cmd.c_str(), "w");
  if (!p) return -1;
  std::fputs(sql.c_str(), p);
  std::fputs("\n", p);
  return ::pclose(p);
}

}  // namespace steritrack::testing
