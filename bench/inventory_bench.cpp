// bench_inventory: CONSUME scans per second through the station handler,
// with the supply alerts on, committed in groups by the daemon's writer
// (store::Writer), for catalogs of 100 and 10,000 supplies. Each scan also
// writes and completes its scans row, as the daemon's pipeline does. The
// ceiling is the same writer committing one bare ~200-byte row per job.
//
//   bench_inventory [SCANS [CATALOG...]]   (default 20000 scans, catalogs 100 and 10000)
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "codes/code.hpp"
#include "common/clock.hpp"
#include "common/policy.hpp"
#include "common/time.hpp"
#include "inventory/catalog.hpp"
#include "inventory/station_modes.hpp"
#include "inventory/stock.hpp"
#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/writer.hpp"

using namespace steritrack;
using Stopwatch = std::chrono::steady_clock;

namespace {

std::string gtin14(std::int64_t n) {
  char body[24];
  std::snprintf(body, sizeof body, "%013lld", static_cast<long long>(700000000000 + n));
  int sum = 0;
  for (int i = 0; i < 13; ++i) sum += (body[12 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return std::string{body} + static_cast<char>('0' + (10 - sum % 10) % 10);
}

struct TempFolder {
  std::filesystem::path path;
  TempFolder() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("steritrack-bench-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// Submits jobs to a writer and waits until every one has completed.
class Completion {
public:
  explicit Completion(std::size_t expected) : left_(expected) {}
  void done(std::exception_ptr e) {
    if (e) failed_ = true;
    std::lock_guard lock(mutex_);
    if (--left_ == 0) cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return left_ == 0; });
  }
  bool failed() const { return failed_; }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::size_t left_;
  std::atomic<bool> failed_{false};
};

struct Run {
  double seconds = 0;
  double cpu_seconds = 0;  // the whole process: this thread and the writer's
  bool failed = false;
};

double cpu_now() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// A catalog of n supplies; every supply has two lots in store. A third of
// them sit at or below the reorder point and a third have a lot expiring
// soon, so the alert rules raise and refresh as well as check.
void seed(store::Connection& db, std::size_t n, TimePoint now, const Policy& policy) {
  std::vector<inventory::Supply> supplies;
  for (std::size_t i = 0; i < n; ++i) {
    const bool low = i % 3 == 0;
    supplies.push_back({gtin14(static_cast<std::int64_t>(i)), "Supply " + std::to_string(i), "box", "Vendor " + std::to_string(i % 7),
                        low ? 3'000'000 : 20, low ? 2'500'000 : 8, 24});
  }
  store::Transaction tx(db);
  inventory::upsert_supplies(db, supplies, now);
  const auto today = utc_date(now);
  const auto soon = std::chrono::year_month_day{std::chrono::sys_days{today} + std::chrono::days{10}};
  const auto later = std::chrono::year_month_day{std::chrono::sys_days{today} + std::chrono::days{400}};
  const inventory::Origin origin{std::nullopt, "bench", "", now};
  for (std::size_t i = 0; i < n; ++i) {
    const auto& s = supplies[i];
    inventory::receive(db, s, {"A" + std::to_string(i), i % 3 == 1 ? soon : later}, 1'000'000, "L-STORE-1", origin,
                       policy);
    inventory::receive(db, s, {"B" + std::to_string(i), later}, 1'000'000, "L-STORE-1", origin, policy);
  }
  tx.commit();
}

std::vector<codes::Code> scans_for(std::size_t catalog, std::size_t count) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<std::size_t> pick(0, catalog - 1);
  std::vector<codes::Code> out;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t k = pick(rng);
    codes::Code c;
    c.kind = codes::Kind::gs1;
    c.gtin = gtin14(static_cast<std::int64_t>(k));
    c.text = "01" + *c.gtin;
    if (i % 2 == 0) {  // half name their lot, half leave it to FEFO
      c.lot = "B" + std::to_string(k);
      c.text += "10" + *c.lot;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Run consume_run(const std::string& path, const std::vector<codes::Code>& codes, std::size_t batch, TimePoint now,
                const Policy& policy) {
  store::Writer writer(path, store::Writer::Options{batch, std::chrono::milliseconds{250}});
  inventory::ConsumeMode mode;
  Completion completion(codes.size());
  const double cpu_start = cpu_now();
  const auto start = Stopwatch::now();
  std::size_t n = 0;
  for (const auto& code : codes) {
    const std::string scan_id = "bench-" + std::to_string(batch) + "-" + std::to_string(n++);
    writer.submit(
        [&, scan_id](store::Connection& db) {
          db.execute(
              "INSERT INTO scans (scan_id, station, source, at, operator, mode, code, ok, message)"
              " VALUES (?, 'desk', 'mqtt', ?, 'U-0001', 'CONSUME', ?, 0, '')",
              scan_id, format_rfc3339(now), code.text);
          const std::int64_t row = db.last_insert_id();
          stations::Station station{"desk", stations::Mode::consume, "U-0001", "L-STORE-1", nullptr};
          stations::ScanContext ctx{db, station, policy, now, row};
          const auto outcome = mode.scan(ctx, code);
          db.execute("UPDATE scans SET ok = ?, message = ? WHERE id = ?", outcome.ok, outcome.message, row);
        },
        [&](std::exception_ptr e) { completion.done(e); });
  }
  completion.wait();
  Run r;
  r.seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
  r.cpu_seconds = cpu_now() - cpu_start;
  r.failed = completion.failed();
  return r;
}

Run ceiling_run(const std::string& path, std::size_t count, std::size_t batch) {
  {
    store::Connection db(path);
    db.exec("CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  }
  store::Writer writer(path, store::Writer::Options{batch, std::chrono::milliseconds{250}});
  const std::string payload(200, 'x');
  Completion completion(count);
  const auto start = Stopwatch::now();
  for (std::size_t i = 0; i < count; ++i)
    writer.submit([&](store::Connection& db) { db.execute("INSERT INTO bench_rows (payload) VALUES (?)", payload); },
                  [&](std::exception_ptr e) { completion.done(e); });
  completion.wait();
  Run r;
  r.seconds = std::chrono::duration<double>(Stopwatch::now() - start).count();
  r.failed = completion.failed();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t scans = argc > 1 ? static_cast<std::size_t>(std::stoul(argv[1])) : 20000;
  std::vector<std::size_t> catalogs;
  for (int i = 2; i < argc; ++i) catalogs.push_back(static_cast<std::size_t>(std::stoul(argv[i])));
  if (catalogs.empty()) catalogs = {100, 10'000};
  const Policy policy;
  const TimePoint now = SystemClock{}.now();
  std::printf("%-9s %-6s %-7s %-9s %-9s %-12s %-11s %s\n", "catalog", "batch", "scans", "seconds", "scans/s",
              "cpu_us/scan", "ceiling/s", "ratio");
  for (const std::size_t catalog : catalogs) {
    for (const std::size_t batch : {std::size_t{256}, std::size_t{1}}) {
      // One transaction per scan is FULL-sync bound: fewer scans suffice.
      const std::size_t count = batch == 1 ? std::min<std::size_t>(scans, 2000) : scans;
      TempFolder folder;
      const std::string path = (folder.path / "bench.db").string();
      {
        store::Connection db(path);
        store::migrate(db);
        seed(db, catalog, now, policy);
        // Start from an empty WAL: the seeding's checkpoint is not the scans' cost.
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      const auto codes = scans_for(catalog, count);
      const Run consume = consume_run(path, codes, batch, now, policy);
      const Run ceiling = ceiling_run(path, count, batch);
      if (consume.failed || ceiling.failed) {
        std::fprintf(stderr, "bench_inventory: a job failed\n");
        return 1;
      }
      const double rate = static_cast<double>(count) / consume.seconds;
      const double ceiling_rate = static_cast<double>(count) / ceiling.seconds;
      std::printf("%-9zu %-6zu %-7zu %-9.2f %-9.0f %-12.0f %-11.0f %.2f\n", catalog, batch, count, consume.seconds, rate,
                  consume.cpu_seconds * 1e6 / static_cast<double>(count), ceiling_rate, rate / ceiling_rate);
    }
  }
  return 0;
}
