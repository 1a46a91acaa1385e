// The daemon as a whole: start-up, readiness, config errors, scan feedback,
// idempotent scan ids, SIGHUP and clean shutdown.
#include <catch2/catch.hpp>

#include <csignal>

#include <nlohmann/json.hpp>

#include "integration/fixture.hpp"
#include "store/sqlite.hpp"
#include "support/paths.hpp"

using namespace steritrack::testkit;
using Catch::Contains;

namespace {

nlohmann::json feedback(TestClient& mqtt, const std::string& station,
                        const std::function<bool(const nlohmann::json&)>& pred = {}) {
  auto m = mqtt.wait_for("steritrack/station/" + station + "/feedback", [&](const Message& msg) {
    const auto j = nlohmann::json::parse(msg.payload, nullptr, false);
    return !j.is_discarded() && (!pred || pred(j));
  });
  REQUIRE(m);
  return nlohmann::json::parse(m->payload);
}

}  // namespace

TEST_CASE("the daemon comes up online and goes offline on SIGTERM", "[daemon]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  TestClient mqtt(broker.url());
  mqtt.subscribe("steritrack/status");
  CHECK(mqtt.wait_for_payload("steritrack/status", "online"));
  CHECK(daemon.terminate() == 0);
  CHECK(mqtt.wait_for_payload("steritrack/status", "offline"));
  CHECK(daemon.log_count("daemon.stopped") == 1);
}

TEST_CASE("check-config names the key of a bad value and exits non-zero", "[daemon][config]") {
  TempDir dir;
  const auto cfg = dir.write("bad.toml", "[database]\npath = \"x.db\"\n[mqtt]\nurl = 42\n");
  Process p({test_paths::daemon(), "--check-config", "--config", cfg.string()},
            {.stdout_path = dir / "out", .stderr_path = dir / "err", .append = true, .extra_env = {}});
  const auto code = p.wait_for(30s);
  REQUIRE(code);
  CHECK(*code == 3);
  CHECK_THAT(read_file(dir / "err"), Contains("mqtt.url") && Contains("bad.toml"));

  const auto good = dir.write("good.toml", "[database]\npath = \"x.db\"\n[[station]]\nid = \"desk\"\n");
  Process ok({test_paths::daemon(), "--check-config", "--config", good.string()},
             {.stdout_path = dir / "out2", .stderr_path = dir / "err2", .append = true, .extra_env = {}});
  CHECK(ok.wait_for(30s) == 0);
}

TEST_CASE("a bad config stops the daemon before anything starts", "[daemon][config]") {
  Broker broker;
  auto daemon = Daemon::from_toml(broker, "[database]\npath = \"/nonexistent/dir/x.db\"\n[policy]\nbi_interval_days = 0\n");
  daemon->start();
  CHECK(daemon->wait_exit(30s) == 3);
  CHECK_THAT(daemon->log(), Contains("policy.bi_interval_days"));
}

TEST_CASE("scans get feedback after commit, a repeated scan id is applied once", "[daemon][scan]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  TestClient mqtt(broker.url());
  mqtt.subscribe("steritrack/station/+/feedback");

  mqtt.publish("steritrack/scan/desk", "T-EXAM-01");
  auto fb = feedback(mqtt, "desk");
  CHECK(fb["ok"] == false);
  CHECK(fb["code"] == "T-EXAM-01");
  CHECK_THAT(fb["message"].get<std::string>(), Contains("command card"));

  mqtt.publish("steritrack/scan/desk", R"({"id":"scan-1","code":"U-0042","ts":"2026-11-27T08:00:00Z"})");
  fb = feedback(mqtt, "desk");
  CHECK(fb["ok"] == true);
  CHECK(fb["id"] == "scan-1");
  mqtt.publish("steritrack/scan/desk", R"({"id":"scan-1","code":"U-0042"})");
  fb = feedback(mqtt, "desk");
  CHECK(fb["id"] == "scan-1");

  mqtt.publish("steritrack/scan/desk", R"({"id":"scan-2","code":"NOT A CODE"})");
  fb = feedback(mqtt, "desk");
  CHECK(fb["ok"] == false);

  mqtt.publish("steritrack/scan/desk", R"({"code": 12})");
  fb = feedback(mqtt, "desk");
  CHECK(fb["ok"] == false);
  CHECK_THAT(fb["message"].get<std::string>(), Contains("\"code\""));

  CHECK(daemon.terminate() == 0);
  // Scans with an id are recorded once; the malformed payload is not recorded.
  const auto r = run_cli("alerts", "--db", daemon.db_path(), "--format", "json");
  CHECK(r.exit_code == 0);
  steritrack::store::Connection db(daemon.db_path());
  CHECK(db.query_int("SELECT count(*) FROM scans WHERE scan_id = 'scan-1'") == 1);
  CHECK(db.query_int("SELECT count(*) FROM scans") == 3);
  CHECK(db.query_text("SELECT operator FROM stations WHERE id = 'desk'") == "U-0042");
}

TEST_CASE("station state survives a daemon restart", "[daemon][scan]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  TestClient mqtt(broker.url());
  mqtt.subscribe("steritrack/station/+/feedback");
  mqtt.publish("steritrack/scan/desk", "U-0007");
  feedback(mqtt, "desk");
  mqtt.publish("steritrack/scan/desk", "CMD-RECEIVE");
  CHECK(feedback(mqtt, "desk")["mode"] == "RECEIVE");
  daemon.restart();
  mqtt.publish("steritrack/scan/desk", "L-STORE-2");
  const auto fb = feedback(mqtt, "desk");
  CHECK(fb["mode"] == "RECEIVE");
  CHECK(daemon.terminate() == 0);
}

TEST_CASE("SIGHUP keeps the old config when the new one is bad", "[daemon][config]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  daemon.write_config("[database]\npath = 42\n");
  daemon.signal(SIGHUP);
  CHECK(daemon.wait_log("config.reload_failed"));
  CHECK(daemon.running());
  CHECK(daemon.terminate() == 0);
}
