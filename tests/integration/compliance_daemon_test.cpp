// Alerts on MQTT with the real daemon and a real broker: retained publish and
// clear, the broker's retained topics matching the database after a broker
// restart and a daemon restart, and how soon a CLI write reaches MQTT.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alerts/alerts.hpp"
#include "integration/fixture.hpp"
#include "store/sqlite.hpp"

using namespace steritrack;
using namespace steritrack::testkit;
using namespace std::chrono;

namespace {

// Another process writing the daemon's database, as the CLI does.
void raise(const Daemon& d, const char* kind, const char* subject, const char* message) {
  store::Connection db(d.db_path(), store::OpenMode::read_write);
  alerts::raise(db, kind, subject, message, SystemClock{}.now());
}
void resolve(const Daemon& d, const char* kind, const char* subject) {
  store::Connection db(d.db_path(), store::OpenMode::read_write);
  alerts::resolve(db, kind, subject, SystemClock{}.now());
}

bool non_empty(const Message& m) { return !m.payload.empty(); }
bool empty(const Message& m) { return m.payload.empty(); }

// What the broker retains on `topic`, as a client that subscribes now sees
// it. The second subscription's retained message arrives after any of the
// first's, so its arrival ends the wait without a timeout.
std::optional<Message> retained_on(const Broker& broker, const std::string& topic, const std::string& status_topic) {
  TestClient c(broker.url());
  c.subscribe(topic);
  c.subscribe(status_topic);
  REQUIRE(c.wait_for(status_topic));
  for (const auto& m : c.messages())
    if (m.topic == topic) return m;
  return std::nullopt;
}

}  // namespace

TEST_CASE("daemon: an alert is published retained and cleared when it resolves", "[daemon][alerts]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  const std::string status = daemon.topic_prefix() + "/status";
  TestClient watch(broker.url());
  watch.subscribe(daemon.topic_prefix() + "/alerts/#");

  raise(daemon, "expiring", "00614141000012/A/7", "lot A/7 expires in 10 days");
  const std::string topic = daemon.topic_prefix() + "/alerts/expiring/00614141000012/A%2F7";
  const auto live = watch.wait_for(topic, non_empty);
  REQUIRE(live);
  const auto j = nlohmann::json::parse(live->payload);
  CHECK(j["kind"] == "expiring");
  CHECK(j["subject"] == "00614141000012/A/7");
  CHECK(j["severity"] == "info");
  CHECK(j["state"] == "open");
  CHECK(j["acknowledged_by"].is_null());
  CHECK(j.size() == 9);

  const auto kept = retained_on(broker, topic, status);
  REQUIRE(kept);
  CHECK(kept->retained);
  CHECK(kept->payload == live->payload);

  resolve(daemon, "expiring", "00614141000012/A/7");
  REQUIRE(watch.wait_for(topic, empty));
  CHECK_FALSE(retained_on(broker, topic, status));
}

TEST_CASE("daemon: retained alerts match the database after broker and daemon restarts", "[daemon][alerts]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  const std::string prefix = daemon.topic_prefix();
  const std::string status = prefix + "/status";
  const std::string g1 = prefix + "/alerts/stockout/G1";
  const std::string g2 = prefix + "/alerts/reorder/G2";
  const std::string ghost = prefix + "/alerts/stockout/GHOST";
  TestClient watch(broker.url());
  watch.subscribe(prefix + "/alerts/#");
  raise(daemon, "stockout", "G1", "gloves: none on hand");
  raise(daemon, "reorder", "G2", "masks: 3 left");
  REQUIRE(watch.wait_for(g1, non_empty));
  REQUIRE(watch.wait_for(g2, non_empty));

  SECTION("a broker that lost its retained messages gets them again") {
    broker.kill();  // nothing saved
    broker.start();
    REQUIRE(watch.wait_for(g1, non_empty, 30s));
    REQUIRE(watch.wait_for(g2, non_empty, 30s));
    CHECK(retained_on(broker, g1, status));
    CHECK(retained_on(broker, g2, status));
  }
  SECTION("an alert resolved and a stray topic retained while the daemon was down are cleared") {
    REQUIRE(daemon.terminate() == 0);
    resolve(daemon, "reorder", "G2");
    watch.publish(ghost, R"({"id":99})", 1, true);
    daemon.start_ready();
    REQUIRE(watch.wait_for(g2, empty, 30s));
    REQUIRE(watch.wait_for(ghost, empty, 30s));
    CHECK(retained_on(broker, g1, status));
    CHECK_FALSE(retained_on(broker, g2, status));
    CHECK_FALSE(retained_on(broker, ghost, status));
  }
  SECTION("an alert resolved while the broker was away is cleared after it comes back") {
    broker.stop();  // saves the retained messages
    resolve(daemon, "stockout", "G1");
    broker.start();
    // The clear deletes the retained message: a watcher that resubscribes
    // after it sees nothing at all, so ask the broker what it retains.
    CHECK(eventually([&] { return !retained_on(broker, g1, status); }, 30s));
    CHECK(retained_on(broker, g2, status));
  }
}

TEST_CASE("daemon: an acknowledgement by the CLI reaches MQTT within seconds", "[daemon][alerts][latency]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  const std::string topic = daemon.topic_prefix() + "/alerts/bi_positive/A/1042";
  TestClient watch(broker.url());
  watch.subscribe(daemon.topic_prefix() + "/alerts/#");
  std::vector<double> from_start_ms, from_exit_ms;
  for (int i = 0; i < 5; ++i) {
    store::Connection db(daemon.db_path(), store::OpenMode::read_write);
    const auto id = alerts::raise(db, "bi_positive", "A/1042", "BI positive", SystemClock{}.now());
    REQUIRE(watch.wait_for(topic, [](const Message& m) { return m.payload.find(R"("state":"open")") != std::string::npos; }));

    const auto start = steady_clock::now();
    const auto r = run_cli("--db", daemon.db_path(), "alerts", "ack", std::to_string(id), "--operator", "U-0042");
    const auto exited = steady_clock::now();
    REQUIRE(r.exit_code == 0);
    const auto m = watch.wait_for(topic, [](const Message& msg) {
      return msg.payload.find(R"("acknowledged_by":"U-0042")") != std::string::npos;
    });
    const auto arrived = steady_clock::now();
    REQUIRE(m);
    from_start_ms.push_back(duration<double, std::milli>(arrived - start).count());
    from_exit_ms.push_back(duration<double, std::milli>(arrived - exited).count());
    alerts::resolve(db, "bi_positive", "A/1042", SystemClock{}.now());
    REQUIRE(watch.wait_for(topic, empty));
  }
  std::sort(from_start_ms.begin(), from_start_ms.end());
  std::sort(from_exit_ms.begin(), from_exit_ms.end());
  WARN("alerts ack -> MQTT: median " << from_start_ms[2] << " ms from starting the CLI (max " << from_start_ms[4]
                                     << "), " << from_exit_ms[2] << " ms after it exited (max " << from_exit_ms[4]
                                     << ")");
  CHECK(from_start_ms[4] < 5000);
}
