// The crash suite: steritrackd killed with SIGKILL at random moments while
// work streams in over MQTT, restarted each time. Nothing acknowledged may
// be lost and nothing redelivered may be applied twice (docs/mqtt.md,
// "Delivery"), and the database must come through sound.
//
// The kill moments come from a seed printed with the results; set
// STERITRACK_CRASH_SEED to run the same moments again.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <future>
#include <iomanip>
#include <random>
#include <sstream>
#include <thread>

#include "integration/cycle_run.hpp"
#include "store/sqlite.hpp"
#include "support/paths.hpp"

using namespace steritrack;
using namespace steritrack::testkit;

namespace {

unsigned crash_seed() {
  if (const char* s = std::getenv("STERITRACK_CRASH_SEED")) return static_cast<unsigned>(std::stoul(s));
  return std::random_device{}();
}

struct Kill {
  std::chrono::milliseconds after;  // since the daemon's last (re)start was ready
  std::int64_t done;                // how far the work had got
};

// Kills the daemon `kills` times, each after a random delay of up to
// `max_delay` from its last (re)start, and starts it again. `done` says how
// far the work had got at each kill.
std::vector<Kill> kill_at_random(Daemon& daemon, std::mt19937& rng, int kills, std::chrono::milliseconds max_delay,
                                 const std::function<std::int64_t()>& done) {
  std::uniform_int_distribution<int> delay_ms(50, static_cast<int>(max_delay.count()));
  std::vector<Kill> out;
  for (int k = 0; k < kills; ++k) {
    const std::chrono::milliseconds delay{delay_ms(rng)};
    std::this_thread::sleep_for(delay);
    out.push_back({delay, done()});
    daemon.kill9();
    daemon.start_ready(60s);
  }
  return out;
}

std::string describe(const std::vector<Kill>& kills, const std::string& what) {
  std::string out;
  for (std::size_t k = 0; k < kills.size(); ++k)
    out += "\n  kill " + std::to_string(k + 1) + " after " + std::to_string(kills[k].after.count()) + " ms: " +
           std::to_string(kills[k].done) + " " + what;
  return out;
}

// The first column of the first row, read while the daemon may be writing.
std::int64_t query_number(const std::string& db_path, const std::string& sql) {
  store::Connection db(db_path, store::OpenMode::read_only);
  return db.query_int(sql).value_or(-1);
}

constexpr int kScans = 3000;
constexpr int kKills = 3;
const std::string kScanTopic = "steritrack/scan/desk";
const std::string kFeedback = "steritrack/station/desk/feedback";
// A pouch of lot CRASH: every scan in RECEIVE books exactly one.
const std::string kPouchLabel = "(01)00614141000029(17)301231(10)CRASH";

std::string storm_scan(int i) {
  return R"({"id":"storm-)" + std::to_string(i) + R"(","code":")" + kPouchLabel + R"("})";
}

}  // namespace

TEST_CASE("crash: kill -9 three times during a storm of 3000 scans: none lost, none doubled", "[daemon][crash]") {
  const unsigned seed = crash_seed();
  INFO("STERITRACK_CRASH_SEED=" << seed);
  std::mt19937 rng(seed);
  const auto started = std::chrono::steady_clock::now();

  Broker broker;
  Daemon daemon(broker);
  const std::string db = daemon.db_path();
  REQUIRE(run_cli("init", "--db", db).exit_code == 0);
  REQUIRE(run_cli("supplies", "import", test_paths::data() + "/supplies.csv", "--db", db).exit_code == 0);
  TestClient mqtt(broker.url());
  mqtt.subscribe(kFeedback);
  daemon.start_ready();
  mqtt.publish(kScanTopic, "CMD-RECEIVE");
  const auto receive = mqtt.wait_for(kFeedback);
  REQUIRE(receive);
  REQUIRE(receive->payload.find(R"("mode":"RECEIVE")") != std::string::npos);

  // A gateway with a persistent session sends the scans at a steady pace,
  // about eight seconds in all so that the kills land inside the storm, and
  // never waits for feedback. The broker has every scan once it returns.
  // (Connected first: a new Paho client can take a second to connect.)
  TestClient gateway(broker.url(), TestClient::persistent_session(unique_client_id("gateway")));
  auto publisher = std::async(std::launch::async, [&gateway] {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kScans; ++i) {
      if (i % 30 == 0) std::this_thread::sleep_until(start + i / 30 * 80ms);
      gateway.publish_async(kScanTopic, storm_scan(i));
    }
    gateway.flush(120s);
  });
  const auto kills = kill_at_random(daemon, rng, kKills, 1500ms, [&] {
    return query_number(db, "SELECT count(*) FROM scans WHERE scan_id LIKE 'storm-%'");
  });
  publisher.get();

  // The broker hands messages over in order: once the feedback of a scan
  // sent after the storm is out, every scan of the storm has been handled.
  mqtt.publish(kScanTopic, R"({"id":"after-storm","code":"CMD-RECEIVE"})");
  {
    INFO(daemon.log());
    REQUIRE(mqtt.wait_for(
        kFeedback, [](const Message& m) { return m.payload.find(R"("id":"after-storm")") != std::string::npos; },
        120s));
  }
  CHECK(daemon.terminate() == 0);

  const auto recorded = query_number(db, "SELECT count(DISTINCT scan_id) FROM scans WHERE scan_id LIKE 'storm-%'");
  const auto accepted = query_number(db, "SELECT count(*) FROM scans WHERE scan_id LIKE 'storm-%' AND ok = 1");
  const auto receipts = query_number(db,
                                     "SELECT count(*) FROM stock_ledger l JOIN scans s ON s.id = l.scan"
                                     " WHERE s.scan_id LIKE 'storm-%' AND l.kind = 'receive' AND l.delta = 1");
  const auto on_hand = query_number(db,
                                    "SELECT sum(quantity) FROM stock JOIN lots ON lots.id = stock.lot_id"
                                    " WHERE lots.lot = 'CRASH'");
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::ostringstream figures;
  figures << "scan storm (STERITRACK_CRASH_SEED=" << seed << "): scans " << kScans << ", kills " << kills.size()
          << ", lost " << kScans - recorded << ", doubled " << on_hand - recorded << ", on hand " << on_hand
          << ", redelivered after their commit and ignored " << daemon.log_count("duplicate=true") << ", "
          << std::fixed << std::setprecision(1) << seconds << " s" << describe(kills, "scans committed");
  WARN(figures.str());

  for (const Kill& k : kills) CHECK(k.done < kScans);  // every kill interrupted the storm
  CHECK(recorded == kScans);
  CHECK(accepted == kScans);
  CHECK(receipts == kScans);
  CHECK(on_hand == kScans);
  CHECK(run_cli("stock", "--db", db, "--format", "csv").out ==
        "code,name,lot,expiry,location,quantity\n"
        "00614141000029,Self-seal sterilization pouch 3.5x9 (200),CRASH,2030-12-31,L-STORE-1,3000\n");
  CHECK(daemon.log_count("scan.not_committed") == 0);
  require_sound_database(daemon);
}

TEST_CASE("crash: kill -9 three times during a sterilizer cycle: recorded once, every sample, pass",
          "[daemon][cycles][crash]") {
  const unsigned seed = crash_seed();
  INFO("STERITRACK_CRASH_SEED=" << seed);
  std::mt19937 rng(seed);
  const auto kill_three_times = [&](Broker&, Daemon& daemon) {
    bool ended_before_a_kill = false;
    const auto kills = kill_at_random(daemon, rng, kKills, 1000ms, [&] {
      store::Connection db(daemon.db_path(), store::OpenMode::read_only);
      ended_before_a_kill = ended_before_a_kill || db.query_int("SELECT 1 FROM cycles WHERE end IS NOT NULL");
      return db.query_int("SELECT sample_count FROM cycles").value_or(0);
    });
    WARN("sterilizer cycle (STERITRACK_CRASH_SEED=" << seed << "): kills " << kills.size()
                                                    << describe(kills, "samples recorded"));
    CHECK_FALSE(ended_before_a_kill);  // every kill interrupted the cycle
  };
  // At 100 times real time the cycle takes about twelve seconds: three
  // kills, each up to a second after the last restart, stay inside it even
  // when restarts are slow.
  cycle_survives(kill_three_times, 100);
}
