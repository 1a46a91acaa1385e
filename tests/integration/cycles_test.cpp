// Sterilizer cycles end to end: steritrack-sim publishing to a real
// mosquitto, the real daemon mapping, recording and verifying them, the CLI
// reading the record; restarts of the daemon and of the broker mid-cycle.
#include <catch2/catch.hpp>

#include <set>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "integration/cycle_run.hpp"
#include "support/paths.hpp"

using namespace steritrack;
using namespace steritrack::testkit;
using Catch::Contains;

namespace {

// Publishes a simulated cycle as fast as the broker takes it; returns once
// the broker has acknowledged every message.
void simulate(const Broker& broker, const std::vector<std::string>& args) {
  std::vector<std::string> a = args;
  a.insert(a.end(), {"--speed", "0"});
  const auto r = run_command(sim_args(broker, a), 120s);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// Unresolved alerts of a subject, by kind.
std::set<std::string> alert_kinds(const Daemon& daemon, const std::string& subject) {
  const auto r = run_cli("alerts", "--db", daemon.db_path(), "--format", "json");
  REQUIRE(r.exit_code == 0);
  std::set<std::string> kinds;
  for (const auto& a : nlohmann::json::parse(r.out))
    if (a["subject"] == subject) kinds.insert(a["kind"].get<std::string>());
  return kinds;
}

DaemonConfig three_sterilizers() {
  DaemonConfig c;
  c.sterilizers = {{"A", "Autoclave A", "prevac", "generic-json"},
                   {"B", "Tuttnauer B", "prevac", "tuttnauer-line"},
                   {"C", "AMSCO C", "prevac", "amsco-record"}};
  return c;
}

}  // namespace

TEST_CASE("cycles: the example trace replayed over MQTT gives 1041 and 1042 verified pass", "[daemon][cycles]") {
  Broker broker;
  Daemon daemon(broker);
  daemon.start_ready();
  simulate(broker, {"--replay", test_paths::data() + "/sterilizer-A-day.jsonl"});
  require_verdict(daemon, "A/1041", "pass");
  require_verdict(daemon, "A/1042", "pass");

  const auto c = cycle(daemon, "A/1042");
  CHECK(c["verified"] == "pass");
  CHECK(c["device_result"] == "pass");
  CHECK(c["exposure_s"] == 240);
  CHECK(c["min_temp_c"] == 132.4);
  CHECK(c["max_temp_c"] == 132.8);
  CHECK(c["samples"].size() == 44);
  CHECK(cycle(daemon, "A/1041")["program"] == "bowie-dick-134-3.5");

  const auto log = run_cli("log", "--db", daemon.db_path(), "--format", "csv", "--from", "2026-11-27", "--to",
                           "2026-11-27");
  REQUIRE(log.exit_code == 0);
  CHECK(std::count(log.out.begin(), log.out.end(), '\n') == 3);
  CHECK_THAT(log.out, Contains("A,1042,prevac-132-4,2026-11-27T07:52:00Z,2026-11-27T08:04:30Z,"));
  CHECK(daemon.log_count("mqtt.rejected") == 0);
}

TEST_CASE("cycles: each simulator variant gets its verdict and alerts, in every device format", "[daemon][cycles]") {
  Broker broker;
  Daemon daemon(broker, three_sterilizers());
  daemon.start_ready();
  TestClient mqtt(broker.url());
  mqtt.subscribe("steritrack/alerts/#");

  struct Case {
    std::string sterilizer, cycle, format, variant, verdict;
    std::set<std::string> alerts;
  };
  const std::vector<Case> cases = {
      {"A", "11", "generic", "pass", "pass", {}},
      {"A", "12", "generic", "device-fail", "fail", {"cycle_failed"}},
      {"A", "13", "generic", "aborted", "fail", {"cycle_failed"}},
      {"A", "14", "generic", "temp-dip", "fail", {"cycle_failed", "parameter_mismatch"}},
      {"A", "15", "generic", "sample-gap", "incomplete", {"record_incomplete"}},
      {"A", "16", "generic", "data-fail", "fail", {"cycle_failed", "parameter_mismatch"}},
      {"B", "21", "tuttnauer", "pass", "pass", {}},
      {"B", "22", "tuttnauer", "temp-dip", "fail", {"cycle_failed", "parameter_mismatch"}},
      {"C", "31", "amsco", "pass", "pass", {}},
      {"C", "32", "amsco", "data-fail", "fail", {"cycle_failed", "parameter_mismatch"}},
  };
  int hour = 30;
  for (const Case& c : cases) {
    // One after the other on each sterilizer, in the recent past.
    simulate(broker, {"--sterilizer", c.sterilizer, "--cycle", c.cycle, "--format", c.format, "--variant", c.variant,
                      "--start", hours_ago(hour--), "--interval", c.format == "amsco" ? "1" : "5"});
  }
  for (const Case& c : cases) {
    const std::string subject = c.sterilizer + "/" + c.cycle;
    INFO(subject << " " << c.format << " " << c.variant);
    require_verdict(daemon, subject, c.verdict);
    CHECK(cycle(daemon, subject)["verified"] == c.verdict);
    CHECK(alert_kinds(daemon, subject) == c.alerts);
    for (const auto& kind : c.alerts) {
      // Retained on MQTT too.
      const auto m = mqtt.wait_for("steritrack/alerts/" + kind + "/" + subject, {}, 20s);
      REQUIRE(m);
      CHECK(nlohmann::json::parse(m->payload)["subject"] == subject);
    }
  }
  const auto dip = cycle(daemon, "A/14");
  CHECK_THAT(dip["reasons"].dump(), Contains("below the minimum 132.0"));
  const auto fault = cycle(daemon, "A/12");
  REQUIRE(fault["faults"].size() == 1);
  CHECK(fault["faults"][0]["code"] == "E21");
  CHECK(daemon.log_count("mqtt.rejected") == 0);
}

TEST_CASE("cycles: a missing cycle_end is found by the timer, a late one completes the record", "[daemon][cycles]") {
  Broker broker;
  DaemonConfig config;
  config.extra_toml = "[policy]\ncycle_end_timeout_min = 60\n\n[alerts]\ncheck_interval_s = 1\n";
  Daemon daemon(broker, config);
  daemon.start_ready();
  TestClient mqtt(broker.url());
  mqtt.subscribe("steritrack/alerts/#");

  const std::string start = hours_ago(2);
  simulate(broker, {"--cycle", "40", "--variant", "missing-end", "--start", start, "--interval", "10"});
  {
    INFO(daemon.log());
    REQUIRE(daemon.wait_log("cycle.end_overdue cycle=A/40 verdict=incomplete", 30s));
  }
  CHECK(cycle(daemon, "A/40")["verified"] == "incomplete");
  CHECK(alert_kinds(daemon, "A/40") == std::set<std::string>{"record_incomplete"});
  REQUIRE(mqtt.wait_for("steritrack/alerts/record_incomplete/A/40", {}, 20s));

  // The end was late, not lost: the record completes and the alert clears.
  const auto end_ts = format_rfc3339(*parse_rfc3339(start) + std::chrono::minutes{40});
  mqtt.publish("steritrack/sterilizer/A/event",
               R"({"type":"cycle_end","cycle":"40","result":"pass","ts":")" + end_ts + R"("})");
  require_verdict(daemon, "A/40", "pass");
  CHECK(alert_kinds(daemon, "A/40").empty());
  CHECK(mqtt.wait_for("steritrack/alerts/record_incomplete/A/40", [](const Message& m) { return m.payload.empty(); },
                      20s));
}

TEST_CASE("cycles: a daemon restart mid-cycle loses no sample and no cycle_end", "[daemon][cycles][restart]") {
  cycle_survives([](Broker&, Daemon& daemon) { daemon.restart(); });
}

TEST_CASE("cycles: a broker restart mid-cycle loses no sample and no cycle_end", "[daemon][cycles][restart]") {
  cycle_survives([](Broker& broker, Daemon&) { broker.restart(); });
}
