// verify on a large record: builds a database of N cycles (default 100000)
// with sample blobs, each chained three times as the recorder and workflow
// do (start, verdict, release), then times `verify` against a plain scan
// of the same rows (the floor: reading without hashing).
//
//   verify_bench [CYCLES] [DB]     (DB defaults to a temp file, removed after)
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "common/time.hpp"
#include "report/chain.hpp"
#include "report/verify.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"

using namespace steritrack;
using Steady = std::chrono::steady_clock;

namespace {

double since(Steady::time_point t) { return std::chrono::duration<double>(Steady::now() - t).count(); }
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

void build(store::Connection& db, int cycles) {
  db.execute("INSERT INTO sterilizers (id, name, type, profile) VALUES ('A', 'A', 'prevac', 'generic-json')");
  // ~300 samples of a 50-minute cycle at 10 s, 8 bytes each.
  store::Blob samples(2400);
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<std::uint8_t>(i * 31);
  auto t = *parse_rfc3339("2020-01-01T08:00:00Z");
  const int batch = 500;
  for (int done = 0; done < cycles;) {
    store::Transaction tx(db);
    for (int i = 0; i < batch && done < cycles; ++i, ++done) {
      const std::string cycle = std::to_string(100000 + done);
      const std::string key = "A/" + cycle;
      samples[0] = static_cast<std::uint8_t>(done);
      db.execute(
          "INSERT INTO cycles (sterilizer, cycle, program, program_kind, required_temp_c, required_exposure_s,"
          " tolerance_c, max_gap_s, start, operator) VALUES ('A', ?, 'prevac-132-4', 'load', 132, 240, 0, 30, ?,"
          " 'U-0042')",
          cycle, format_rfc3339(t));
      report::chain_record(db, "cycle", key, t);
      t += std::chrono::minutes(50);
      db.execute(
          "UPDATE cycles SET end = ?, device_result = 'pass', verified = 'pass', exposure_s = 250, min_temp_c = 132.1,"
          " max_temp_c = 133.9, f0_min = 23.4, sample_count = 300, samples = ?, load = 'T-ORTHO-03;T-HYG-01',"
          " status = 'quarantined' WHERE sterilizer = 'A' AND cycle = ?",
          format_rfc3339(t), samples, cycle);
      report::chain_record(db, "cycle", key, t);
      db.execute("UPDATE cycles SET status = 'released', released_by = 'U-0042', released_at = ?"
                 " WHERE sterilizer = 'A' AND cycle = ?",
                 format_rfc3339(t), cycle);
      report::chain_record(db, "cycle", key, t);
      t += std::chrono::minutes(10);
    }
    tx.commit();
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int cycles = argc > 1 ? std::atoi(argv[1]) : 100000;
  std::string path;
  std::filesystem::path dir;
  if (argc > 2) {
    path = argv[2];
  } else {
    std::string templ = (std::filesystem::temp_directory_path() / "verify-bench-XXXXXX").string();
    if (!::mkdtemp(templ.data())) return 1;
    dir = templ;
    path = (dir / "bench.db").string();
  }
  {
    store::Connection db(path);
    store::migrate(db);
    if (db.query_int("SELECT count(*) FROM cycles").value_or(0) == 0) {
      const auto t = Steady::now();
      build(db, cycles);
      const double s = since(t);
      std::printf("build: %d cycles, %d chain appends in %.2f s (%.0f appends/s, 500 cycles per commit)\n", cycles,
                  3 * cycles, s, 3 * cycles / s);
    }
  }
  std::printf("database: %.1f MB\n", static_cast<double>(std::filesystem::file_size(path)) / 1e6);
  store::Connection db(path, store::OpenMode::read_write);
  for (int run = 0; run < 3; ++run) {
    auto t = Steady::now();
    double cpu = cpu_seconds();
    std::int64_t rows = 0, bytes = 0;
    {
      auto& s = db.query("SELECT seq, record_type, record_key, at, content_hash, prev_hash, entry_hash FROM chain"
                         " ORDER BY seq");
      while (s.step()) {
        ++rows;
        bytes += static_cast<std::int64_t>(s.get_text(6).size());
      }
      for (const auto& type : report::chained_record_types()) {
        auto& r = db.query(type.select_all);
        while (r.step()) {
          ++rows;
          bytes += static_cast<std::int64_t>(r.get_text(1).size() + r.get_blob(2).size());
        }
      }
    }
    const double scan = since(t);
    const double scan_cpu = cpu_seconds() - cpu;
    t = Steady::now();
    cpu = cpu_seconds();
    const auto result = report::verify(db);
    const double verify = since(t);
    const double verify_cpu = cpu_seconds() - cpu;
    std::printf("run %d: plain scan %.3f s (cpu %.3f s; %lld rows, %.0f MB); verify %.3f s (cpu %.3f s; %lld entries,"
                " %lld records, %s) = %.1fx the scan\n",
                run + 1, scan, scan_cpu, static_cast<long long>(rows), static_cast<double>(bytes) / 1e6, verify,
                verify_cpu,
                static_cast<long long>(result.entries_checked), static_cast<long long>(result.records_checked),
                result.ok() ? "intact" : "PROBLEMS", verify / scan);
  }
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
