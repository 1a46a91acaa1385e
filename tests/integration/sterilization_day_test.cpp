// A clinic's day through the real daemon and broker: a Bowie-Dick test, an
// assembly with a missing instrument, a normal load, an implant load held and
// then released by its BI, a failed cycle and its reprocessing, packs issued
// to cases, a positive BI with its recall scope, and a cycle on the
// out-of-service sterilizer. Checks station feedback, retained alerts, the
// sterilization log, the recall list and the record chain.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "integration/fixture.hpp"
#include "support/paths.hpp"

using namespace steritrack::testkit;
using Catch::Contains;
using nlohmann::json;

namespace {

using steritrack::TimePoint;
using std::chrono::minutes;
using std::chrono::seconds;

// A fixed-offset zone that puts `t` at 06:00 local time, so the whole
// simulated day (about two hours before now) falls on one clinic day
// whenever the test runs. Etc/GMT-N is UTC+N.
std::string zone_for_morning(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  int offset = 6 - static_cast<int>(std::chrono::floor<std::chrono::hours>(t - day).count());
  if (offset < -12) offset += 24;
  if (offset == 0) return "Etc/GMT";
  return offset > 0 ? "Etc/GMT-" + std::to_string(offset) : "Etc/GMT+" + std::to_string(-offset);
}

class ClinicDay {
public:
  Broker broker;
  TimePoint base;  // device time of the day's first cycle
  std::unique_ptr<Daemon> daemon;
  std::unique_ptr<TestClient> mqtt;

  ClinicDay() : base(std::chrono::time_point_cast<steritrack::Duration>(
                    std::chrono::floor<seconds>(std::chrono::system_clock::now()) - minutes{110})) {
    DaemonConfig config;
    config.stations = {{"bench", "L-STERI", ""}, {"autoclave", "L-STERI", ""}, {"op1", "L-OP1", ""}, {"sink", "L-SINK", ""}};
    config.sterilizers = {{"A", "Autoclave A", "prevac", "generic-json"}, {"B", "Autoclave B", "gravity", "generic-json"}};
    config.extra_toml = "[policy]\ntimezone = \"" + zone_for_morning(base) + "\"\n";
    daemon = std::make_unique<Daemon>(broker, config);
    daemon->start_ready();
    mqtt = std::make_unique<TestClient>(broker.url());
    mqtt->subscribe("steritrack/station/+/feedback");
    mqtt->subscribe("steritrack/alerts/#");
  }

  // One scan at a station; returns its feedback.
  json scan(const std::string& station, const std::string& code) {
    const std::string id = "scan-" + std::to_string(++scans_);
    mqtt->publish("steritrack/scan/" + station, json{{"id", id}, {"code", code}}.dump());
    const auto m = mqtt->wait_for("steritrack/station/" + station + "/feedback", [&](const Message& msg) {
      const auto j = json::parse(msg.payload, nullptr, false);
      return !j.is_discarded() && j.value("id", "") == id;
    });
    REQUIRE(m);
    return json::parse(m->payload);
  }
  json scan_ok(const std::string& station, const std::string& code) {
    const json fb = scan(station, code);
    INFO(station << " " << code << ": " << fb.dump());
    REQUIRE(fb["ok"] == true);
    return fb;
  }

  // A cycle as the sterilizer reports it, starting `at` minutes after base.
  // A passing run reaches the program's temperature for `exposure_s`; a
  // failing one reports `fail` after a short exposure.
  void cycle(const std::string& sterilizer, const std::string& number, const std::string& program, int at,
             int exposure_s, double temp_c, const std::string& result = "pass") {
    const std::string topic = "steritrack/sterilizer/" + sterilizer + "/event";
    TimePoint t = base + minutes{at};
    auto ts = [&] { return steritrack::format_rfc3339(t); };
    mqtt->publish(topic, json{{"type", "cycle_start"}, {"cycle", number}, {"program", program}, {"ts", ts()}}.dump());
    t += seconds{60};
    mqtt->publish(topic, json{{"type", "sample"}, {"cycle", number}, {"phase", "heating"}, {"temp_c", 110.0},
                              {"pressure_kpa", 200.0}, {"ts", ts()}}.dump());
    const int samples = result == "pass" ? exposure_s / 10 + 1 : 5;
    for (int i = 0; i < samples; ++i) {
      t += seconds{10};
      mqtt->publish_async(topic, json{{"type", "sample"}, {"cycle", number}, {"phase", "exposure"}, {"temp_c", temp_c},
                                      {"pressure_kpa", 300.0}, {"ts", ts()}}
                                     .dump());
    }
    mqtt->flush();
    t += seconds{60};
    mqtt->publish(topic, json{{"type", "cycle_end"}, {"cycle", number}, {"result", result}, {"ts", ts()}}.dump());
    // The daemon handles messages in order: once a later scan's feedback
    // is back, the cycle's events are committed.
    scan_ok("autoclave", "U-0042");
  }

  // The retained state of an alert topic: its JSON, or empty once cleared.
  std::optional<json> alert(const std::string& kind, const std::string& subject_topic,
                            const std::function<bool(const json&)>& pred = {}) {
    const auto m = mqtt->wait_for("steritrack/alerts/" + kind + "/" + subject_topic, [&](const Message& msg) {
      if (msg.payload.empty()) return !pred;
      const auto j = json::parse(msg.payload, nullptr, false);
      return !j.is_discarded() && (!pred || pred(j));
    });
    if (!m) return std::nullopt;
    return m->payload.empty() ? json() : json::parse(m->payload);
  }
  bool alert_cleared(const std::string& kind, const std::string& subject_topic) {
    const auto m = mqtt->wait_for("steritrack/alerts/" + kind + "/" + subject_topic,
                                  [](const Message& msg) { return msg.payload.empty(); });
    return m.has_value();
  }

  CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", daemon->db_path()});
    return run_cli_args(args);
  }
  void cli_ok(std::vector<std::string> args) {
    const auto r = cli(std::move(args));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }

private:
  int scans_ = 0;
};

const json& log_row(const json& log, const std::string& sterilizer, const std::string& cycle) {
  for (const json& row : log)
    if (row["sterilizer"] == sterilizer && row["cycle"] == cycle) return row;
  FAIL("no log row for " << sterilizer << "/" << cycle << " in " << log.dump());
  return log;
}

}  // namespace

TEST_CASE("a clinic's day: assembly, loads, release, issue, recall and out of service", "[integration][sterilization]") {
  ClinicDay day;
  const std::string data = test_paths::data();
  day.cli_ok({"trays", "import", data + "/trays.csv"});
  day.cli_ok({"instruments", "import", data + "/instruments.csv"});
  for (const char* station : {"bench", "autoclave"}) day.scan_ok(station, "U-0042");
  for (const char* station : {"op1", "sink"}) day.scan_ok(station, "U-0077");

  // 06:00 The morning Bowie-Dick test on the prevacuum sterilizer A.
  day.cycle("A", "100", "bowie-dick-134-3.5", 0, 210, 134.5);
  day.cli_ok({"indicator", "add", "--cycle", "A/100", "--type", "bowie-dick", "--result", "pass", "--operator", "U-0042"});

  // Assembly with a missing instrument: the cotton plier is not there.
  day.scan_ok("bench", "CMD-ASSEMBLE");
  CHECK_THAT(day.scan_ok("bench", "T-EXAM-01")["message"].get<std::string>(), Contains("cotton-plier x1"));
  CHECK_THAT(day.scan_ok("bench", "I-000101")["message"].get<std::string>(), Contains("mirror: 1 of 1"));
  day.scan_ok("bench", "I-000102");
  const json incomplete = day.scan_ok("bench", "CMD-DONE");
  CHECK_THAT(incomplete["message"].get<std::string>(), Contains("MISSING cotton-plier x1"));
  const auto tray_alert = day.alert("tray_incomplete", "T-EXAM-01");
  REQUIRE(tray_alert);
  CHECK((*tray_alert)["severity"] == "warning");
  day.scan_ok("bench", "T-SURG-01");
  CHECK_THAT(day.scan_ok("bench", "CMD-DONE")["message"].get<std::string>(), Contains("uncounted"));

  // A normal load on A: the flagged pack goes in all the same.
  day.scan_ok("autoclave", "CMD-LOAD");
  day.scan_ok("autoclave", "S-A");
  CHECK_THAT(day.scan_ok("autoclave", "T-EXAM-01")["message"].get<std::string>(), Contains("flagged"));
  day.scan_ok("autoclave", "T-SURG-01");
  CHECK_THAT(day.scan_ok("autoclave", "CMD-DONE")["message"].get<std::string>(), Contains("2 packs"));
  day.cycle("A", "101", "prevac-132-4", 8, 240, 133.0);

  // An implant kit, its driver scanned by its UDI DataMatrix.
  day.scan_ok("bench", "T-IMPL-01");
  CHECK_THAT(day.scan_ok("bench", "]d2010061414100009821SN-A1")["message"].get<std::string>(),
             Contains("driver: 1 of 1"));
  day.scan_ok("bench", "CMD-DONE");
  day.scan_ok("autoclave", "S-A");
  day.scan_ok("autoclave", "T-IMPL-01");
  day.scan_ok("autoclave", "CMD-DONE");
  day.cycle("A", "102", "prevac-132-4", 16, 240, 133.0);

  // Held: the operatory cannot use it before its BI.
  day.scan_ok("op1", "CMD-ISSUE");
  day.scan_ok("op1", "C-2026-0001");
  const json held = day.scan("op1", "T-IMPL-01");
  CHECK(held["ok"] == false);
  CHECK_THAT(held["message"].get<std::string>(), Contains("NOT STERILE: T-IMPL-01 is quarantined"));
  REQUIRE(day.alert("unsterile_issue", "T-IMPL-01"));
  // Its BI comes back negative: released at once, and issued.
  day.cli_ok({"indicator", "add", "--cycle", "A/102", "--type", "bi", "--result", "negative", "--lot", "BI-2291",
              "--operator", "U-0042"});
  CHECK_THAT(day.scan_ok("op1", "T-IMPL-01")["message"].get<std::string>(), Contains("issued to C-2026-0001"));

  // A failed cycle on gravity sterilizer B, and its reprocessing.
  day.scan_ok("bench", "T-EXAM-02");
  for (const char* i : {"I-000101", "I-000102", "I-000103"}) day.scan_ok("bench", i);
  CHECK_THAT(day.scan_ok("bench", "CMD-DONE")["message"].get<std::string>(), Contains("complete"));
  day.scan_ok("autoclave", "S-B");
  day.scan_ok("autoclave", "T-EXAM-02");
  day.scan_ok("autoclave", "CMD-DONE");
  day.cycle("B", "200", "gravity-132-15", 24, 900, 132.5, "fail");
  REQUIRE(day.alert("cycle_failed", "B/200"));
  CHECK(day.scan("op1", "T-EXAM-02")["ok"] == false);  // failed: not sterile
  day.scan_ok("bench", "T-EXAM-02");                // assembled again directly, no RETURN
  for (const char* i : {"I-000101", "I-000102", "I-000103"}) day.scan_ok("bench", i);
  day.scan_ok("bench", "CMD-DONE");
  day.scan_ok("autoclave", "S-B");
  day.scan_ok("autoclave", "T-EXAM-02");
  day.scan_ok("autoclave", "CMD-DONE");
  day.cycle("B", "201", "gravity-132-15", 32, 900, 132.5);

  // Packs issued to cases.
  day.scan_ok("op1", "C-2026-0002");
  CHECK_THAT(day.scan_ok("op1", "T-SURG-01")["message"].get<std::string>(), Contains("sterilized in A/101"));
  day.scan_ok("op1", "C-2026-0003");
  day.scan_ok("op1", "T-EXAM-02");

  // A positive BI on A/101, read after A/102's negative one.
  day.cli_ok({"indicator", "add", "--cycle", "A/101", "--type", "bi", "--result", "positive", "--lot", "BI-2291",
              "--operator", "U-0042"});
  REQUIRE(day.alert("bi_positive", "A/101"));
  const auto recall_alert = day.alert("recall", "A/101");
  REQUIRE(recall_alert);
  CHECK((*recall_alert)["severity"] == "critical");
  const auto recall = day.cli({"recall", "A/101", "--format", "csv"});
  REQUIRE(recall.exit_code == 0);
  // A/100 (a test, no packs) and A/101 are in scope; A/102 has a negative BI.
  CHECK(recall.out ==
        "sterilizer,cycle,tray,pack_status,case\n"
        "A,101,T-EXAM-01,recalled,\n"
        "A,101,T-SURG-01,issued,C-2026-0002\n");
  const json recalled = day.scan("op1", "T-EXAM-01");
  CHECK(recalled["ok"] == false);
  CHECK_THAT(recalled["message"].get<std::string>(), Contains("RECALLED: T-EXAM-01 (positive BI on A/101)"));
  REQUIRE(day.alert("recalled_pack", "T-EXAM-01"));

  // A cycle on the out-of-service sterilizer: warned at loading, held, alerted.
  day.scan_ok("sink", "CMD-RETURN");
  day.scan_ok("sink", "T-EXAM-02");
  day.scan_ok("bench", "T-EXAM-02");
  day.scan_ok("bench", "CMD-DONE");
  CHECK_THAT(day.scan_ok("autoclave", "S-A")["message"].get<std::string>(), Contains("OUT OF SERVICE"));
  day.scan_ok("autoclave", "T-EXAM-02");
  day.scan_ok("autoclave", "CMD-DONE");
  day.cycle("A", "104", "prevac-132-4", 56, 240, 133.0);
  const auto oos = day.alert("out_of_service_use", "A");
  REQUIRE(oos);
  CHECK((*oos)["severity"] == "critical");

  // The recalled packs come back; the recall is accounted for.
  CHECK_THAT(day.scan_ok("sink", "T-EXAM-01")["message"].get<std::string>(), Contains("recalled pack T-EXAM-01"));
  day.scan_ok("sink", "T-SURG-01");
  CHECK(day.alert_cleared("recall", "A/101"));
  // The held load's BI is negative: released, and A is back in service.
  day.cli_ok({"indicator", "add", "--cycle", "A/104", "--type", "bi", "--result", "negative", "--lot", "BI-2292"});
  CHECK(day.alert_cleared("out_of_service_use", "A"));
  CHECK(day.alert_cleared("bi_positive", "A/101"));
  CHECK(day.scan_ok("op1", "T-EXAM-02")["ok"] == true);

  // The sterilization log.
  const auto log = day.cli({"log", "--format", "json"});
  INFO(log.err);
  REQUIRE(log.exit_code == 0);
  const json rows = json::parse(log.out);
  const json& bd = log_row(rows, "A", "100");
  CHECK(bd["status"] == "test");
  CHECK(bd["bowie_dick"] == "pass");
  const json& normal = log_row(rows, "A", "101");
  CHECK(normal["load"] == "T-EXAM-01;T-SURG-01");
  CHECK(normal["operator"] == "U-0042");
  CHECK(normal["implants"] == "no");
  CHECK(normal["bi"] == "positive");
  CHECK(normal["status"] == "recalled");
  CHECK(normal["released_by"] == "auto:cycle_verified");
  const json& implant = log_row(rows, "A", "102");
  CHECK(implant["implants"] == "yes");
  CHECK(implant["bi"] == "negative");
  CHECK(implant["bi_lot"] == "BI-2291");
  CHECK(implant["status"] == "released");
  CHECK(implant["released_by"] == "auto:bi_negative");
  const json& failed = log_row(rows, "B", "200");
  CHECK(failed["verified"] == "fail");
  CHECK(failed["status"] == "failed");
  CHECK(log_row(rows, "B", "201")["status"] == "released");
  const json& held_load = log_row(rows, "A", "104");
  CHECK(held_load["status"] == "released");
  CHECK(held_load["released_by"] == "auto:bi_negative");

  // No Bowie-Dick alert: every load on A ran after the morning's passed test.
  const auto alerts = day.cli({"alerts", "--all", "--format", "json"});
  REQUIRE(alerts.exit_code == 0);
  for (const json& a : json::parse(alerts.out)) CHECK(a["kind"] != "bowie_dick_missing");

  // Every record of the day is under an intact chain.
  const auto verify = day.cli({"verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  CHECK(day.daemon->terminate() == 0);
}
