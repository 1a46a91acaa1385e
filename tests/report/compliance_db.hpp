#pragma once
// Test helpers for alerts and tamper evidence: cycles written the way the
// recorder writes them (row, then its chain entry, in one transaction), and
// the real sqlite3 shell. Databases: support/temp_db.hpp.
#include <cstdio>
#include <string>

#include "common/time.hpp"
#include "report/chain.hpp"
#include "support/temp_db.hpp"
#include "store/sqlite.hpp"

namespace steritrack::testing {

using testkit::TempDb;

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
