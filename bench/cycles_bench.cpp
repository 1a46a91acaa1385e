// bench_cycles: the cycle recorder's figures for docs/performance.md.
//   1. samples/s ingested through ProfileRouter + CycleRecorder on the
//      group-commit writer, against the broker pipe (mosquitto, QoS 1, one
//      pipelined publisher to one subscriber) measured in the same run;
//   2. stored bytes per hour-long 1 Hz cycle: the blob, and a row per sample;
//   3. `log` for one sterilizer-month on a generated 500k-cycle database.
// Usage: bench_cycles [--quick] [--keep DIR]   (run by hand; prints figures)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>

#include "bench/broker_pipe.hpp"
#include "common/time.hpp"
#include "report/log.hpp"
#include "simulator/trace.hpp"
#include "sterilization/cycle_recorder.hpp"
#include "sterilization/samples.hpp"
#include "store/migrations.hpp"
#include "store/writer.hpp"
#include "support/broker.hpp"

namespace fs = std::filesystem;
using namespace steritrack;
using Wall = std::chrono::steady_clock;

namespace {

double seconds_since(Wall::time_point t0) { return std::chrono::duration<double>(Wall::now() - t0).count(); }

const TimePoint kStart = *parse_rfc3339("2026-11-27T07:00:00Z");
const std::string kDevices = STERITRACK_DEVICES_DIR;

std::vector<sterilization::DeviceProfile> profiles() {
  return {sterilization::load_profile(kDevices + "/profiles", "generic-json")};
}

// N sterilizers each running one hour-long 1 Hz cycle at the same time,
// their messages interleaved by time as a broker would deliver them.
std::vector<simulator::Message> interleaved_traces(int sterilizers) {
  const auto programs = sterilization::ProgramCatalog::load(kDevices + "/programs.toml");
  std::vector<simulator::Message> all;
  for (int i = 0; i < sterilizers; ++i) {
    simulator::TraceOptions o;
    o.sterilizer = "S" + std::to_string(i);
    o.cycle = "1";
    o.start = kStart;
    o.seed = static_cast<unsigned>(i + 1);
    auto t = simulator::make_trace(*programs.find("gravity-121-30"), o);
    all.insert(all.end(), t.begin(), t.end());
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  return all;
}

void add_sterilizers(store::Connection& db, int n) {
  for (int i = 0; i < n; ++i)
    db.execute("INSERT INTO sterilizers (id, name, type, profile) VALUES (?, ?, 'gravity', 'generic-json')",
               "S" + std::to_string(i), "Sterilizer " + std::to_string(i));
}

// ---- 1a. the recorder on the writer ------------------------------------

double ingest(const fs::path& dir, const std::vector<simulator::Message>& messages, int sterilizers) {
  const std::string path = (dir / "ingest.db").string();
  {
    store::Connection db(path);
    store::migrate(db);
    add_sterilizers(db, sterilizers);
  }
  std::map<std::string, std::string> of;
  for (int i = 0; i < sterilizers; ++i) of["S" + std::to_string(i)] = "generic-json";
  const sterilization::ProfileRouter router(profiles(), of, "steritrack");
  sterilization::CycleRecorder recorder(sterilization::ProgramCatalog::load(kDevices + "/programs.toml"), Policy{});

  std::mutex m;
  std::condition_variable cv;
  std::size_t done = 0;
  std::atomic<std::size_t> refused{0};
  const auto t0 = Wall::now();
  {
    store::Writer writer(path, store::Writer::Options{});
    for (const auto& msg : messages) {
      // Mapping runs on the event loop; the recorder on the writer thread.
      auto mapped = router.map(msg.topic, msg.payload, kStart + msg.offset);
      if (!mapped) throw std::runtime_error(mapped.error());
      const TimePoint now = kStart + msg.offset;
      writer.submit(
          [&recorder, &refused, mapped = std::move(*mapped), now](store::Connection& db) {
            for (const auto& e : mapped.events)
              if (recorder.handle(db, mapped.sterilizer, e, now).outcome == sterilization::Outcome::refused) ++refused;
          },
          [&](std::exception_ptr) {
            std::lock_guard lock(m);
            ++done;
            cv.notify_one();
          });
    }
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done == messages.size(); });
  }
  const double s = seconds_since(t0);
  if (refused) throw std::runtime_error("ingest: events refused");
  store::Connection db(path);
  const auto verified = db.query_int("SELECT count(*) FROM cycles WHERE verified = 'pass'").value_or(0);
  if (verified != sterilizers) throw std::runtime_error("ingest: cycles not verified");
  return static_cast<double>(messages.size()) / s;
}

// ---- 1b. the broker pipe: bench::measure_broker_pipe (bench/broker_pipe.hpp)

// ---- 2. bytes per hour-long cycle ------------------------------------------

std::vector<sterilization::Sample> decoded_samples(const std::vector<simulator::Message>& messages) {
  std::vector<sterilization::Sample> out;
  for (const auto& m : messages) {
    auto e = sterilization::parse_event(m.payload);
    if (const auto* s = std::get_if<sterilization::SampleEvent>(&*e))
      sterilization::place_sample(out, sterilization::make_sample(s->ts.at, s->phase, s->temp_c, s->pressure_kpa));
  }
  return out;
}

// A row per sample, for comparison: the same values as integers in a
// WITHOUT ROWID table keyed by (cycle, ts); bytes measured from the file.
double bytes_row_per_sample(const fs::path& dir, const std::vector<sterilization::Sample>& samples, int cycles) {
  const std::string path = (dir / "rows.db").string();
  store::Connection db(path);
  db.exec("PRAGMA journal_mode=DELETE; CREATE TABLE s (cycle INTEGER, ts INTEGER, phase INTEGER, temp INTEGER,"
          " pressure INTEGER, PRIMARY KEY (cycle, ts)) WITHOUT ROWID;");
  const auto before = db.query_int("PRAGMA page_count").value_or(0);
  {
    store::Transaction tx(db);
    for (int c = 0; c < cycles; ++c)
      for (const auto& s : samples)
        db.execute("INSERT INTO s VALUES (?, ?, ?, ?, ?)", c, s.ts.time_since_epoch().count(),
                   static_cast<int>(s.phase), s.temp_dc, s.pressure_hpa);
    tx.commit();
  }
  const auto after = db.query_int("PRAGMA page_count").value_or(0);
  const auto page = db.query_int("PRAGMA page_size").value_or(4096);
  return static_cast<double>((after - before) * page) / cycles;
}

// ---- 3. the log on 500k cycles ---------------------------------------------

void generate_cycles(const std::string& path, int sterilizers, int total, const sterilization::SampleBlob& blob) {
  store::Connection db(path);
  store::migrate(db);
  add_sterilizers(db, sterilizers);
  store::Transaction tx(db);
  std::mt19937 rng(5);
  const int per = total / sterilizers;
  const auto first = *parse_rfc3339("2017-01-02T07:00:00Z");
  for (int s = 0; s < sterilizers; ++s) {
    TimePoint t = first;
    for (int c = 0; c < per; ++c) {
      // Fourteen cycles a day, 40 minutes apart, from 07:00.
      if (c % 14 == 0 && c > 0) t += std::chrono::hours{24} - std::chrono::minutes{40 * 14};
      const std::string start = format_rfc3339(t);
      const std::string end = format_rfc3339(t + std::chrono::minutes{35});
      const bool ok = rng() % 50 != 0;
      db.execute(
          "INSERT INTO cycles (sterilizer, cycle, program, program_kind, required_temp_c, required_exposure_s,"
          " tolerance_c, max_gap_s, start, end, operator, device_result, verified, reasons, exposure_s, min_temp_c,"
          " max_temp_c, f0_min, sample_count, load, implants, bi, ci, status, released_by, released_at, samples)"
          " VALUES (?, ?, 'prevac-132-4', 'load', 132, 240, 0, 30, ?, ?, 'U-0042', 'pass', ?, ?, 262, 132.6, 133.4,"
          " 71.3, 2100, 'T-ORTHO-03;T-HYG-01', 0, ?, 'pass', ?, 'U-0042', ?, ?)",
          "S" + std::to_string(s), std::to_string(1000 + c), start, end, ok ? "pass" : "fail",
          ok ? "[]" : "[\"1 exposure sample below the minimum\"]", c % 20 == 0 ? "negative" : "",
          ok ? "released" : "failed", end, blob);
      t += std::chrono::minutes{40};
    }
  }
  tx.commit();
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::optional<fs::path> keep;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    if (a == "--keep" && i + 1 < argc) keep = argv[++i];
  }
  std::random_device rd;
  const fs::path dir = keep ? *keep : fs::temp_directory_path() / ("bench-cycles-" + std::to_string(rd()));
  fs::create_directories(dir);

  // 2. bytes per hour-long cycle
  const auto samples = decoded_samples(interleaved_traces(1));
  const auto blob = sterilization::encode_samples(samples);
  std::printf("stored bytes per hour-long 1 Hz cycle (%zu samples, %lld min): blob %zu B (%.2f B/sample);"
              " a row per sample %.0f B\n",
              samples.size(), static_cast<long long>((samples.back().ts - samples.front().ts).count() / 60000),
              blob.size(), static_cast<double>(blob.size()) / static_cast<double>(samples.size()),
              bytes_row_per_sample(dir, samples, quick ? 2 : 10));

  // 1. ingest against the broker pipe
  const int sterilizers = quick ? 2 : 8;
  const auto messages = interleaved_traces(sterilizers);
  testkit::Broker broker;
  const double pipe = bench::measure_broker_pipe(broker.url(), messages.size(), messages.front().payload.size()).rate();
  const double rate = ingest(dir, messages, sterilizers);
  std::printf("ingest: %zu messages (%d sterilizers, one hour-long 1 Hz cycle each): recorder %.0f msg/s;"
              " broker pipe (QoS 1) %.0f msg/s; ratio %.2f\n",
              messages.size(), sterilizers, rate, pipe, rate / pipe);

  // 3. log on 500k cycles
  const int total = quick ? 50000 : 500000;
  const std::string log_db = (dir / "log.db").string();
  fs::remove(log_db);
  auto t0 = Wall::now();
  // The log database's cycles carry the samples of a 1 Hz prevac-132-4 cycle
  // (about 25 minutes), a dental clinic's usual load.
  simulator::TraceOptions prevac;
  prevac.start = kStart;
  const auto programs = sterilization::ProgramCatalog::load(kDevices + "/programs.toml");
  const auto typical = sterilization::encode_samples(
      decoded_samples(simulator::make_trace(*programs.find("prevac-132-4"), prevac)));
  generate_cycles(log_db, 10, total, typical);
  std::printf("generated %d cycles (10 sterilizers, 14 a day each, %zu B of samples each, %.1f MB) in %.1f s\n",
              total, typical.size(), static_cast<double>(fs::file_size(log_db)) / 1e6, seconds_since(t0));
  store::Connection db(log_db, store::OpenMode::read_only);
  report::LogFilter f;
  f.sterilizer = "S3";
  // A month in the middle of the generated years.
  f.from = *report::parse_log_bound("--from", quick ? "2017-06-01" : "2021-06-01", false);
  f.to = *report::parse_log_bound("--to", quick ? "2017-06-30" : "2021-06-30", true);
  std::vector<double> times;
  std::size_t rows = 0;
  for (int i = 0; i < 20; ++i) {
    t0 = Wall::now();
    rows = report::sterilization_log(db, f).size();
    times.push_back(seconds_since(t0) * 1000);
  }
  const double first_ms = times.front();
  std::sort(times.begin(), times.end());
  std::printf("log, one sterilizer-month (%zu rows) of %d cycles: first %.2f ms, median %.2f ms, max %.2f ms\n", rows,
              total, first_ms, times[times.size() / 2], times.back());
  f.sterilizer = std::nullopt;
  t0 = Wall::now();
  rows = report::sterilization_log(db, f).size();
  std::printf("log, all sterilizers for that month (%zu rows): %.2f ms\n", rows, seconds_since(t0) * 1000);
  if (!keep) fs::remove_all(dir);
  return 0;
}
