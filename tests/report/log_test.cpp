#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "report/log.hpp"
#include "sterilization/cycle_recorder.hpp"
#include "sterilization/cycle_test_support.hpp"

using namespace steritrack;

namespace {

// Cycles on A and B over three days; 1042 of the example with its samples.
void fill(test::CycleDb& cdb) {
  sterilization::CycleRecorder rec(test::shipped_programs(), Policy{});
  auto& db = cdb.db();
  const TimePoint now = *parse_rfc3339("2026-11-30T00:00:00Z");
  for (const auto& [topic, payload] : test::example_trace()) rec.handle(db, "A", *sterilization::parse_event(payload), now);
  const auto start = [&](const std::string& sterilizer, const std::string& cycle, const std::string& ts) {
    rec.handle(db, sterilizer, sterilization::CycleStart{cycle, "gravity-121-30", *parse_rfc3339(ts)}, now);
  };
  start("A", "1043", "2026-11-28T00:00:00Z");
  start("B", "7", "2026-11-28T12:00:00Z");
  start("A", "1044", "2026-11-28T23:59:59Z");
  start("A", "1045", "2026-11-29T00:00:00Z");
}

std::vector<std::string> cycles(store::Connection& db, const report::LogFilter& f) {
  std::vector<std::string> out;
  for (const auto& r : report::sterilization_log(db, f)) out.push_back(r.sterilizer + "/" + r.cycle);
  return out;
}

TimePoint day(const char* d, bool upper) { return *report::parse_log_bound("--from", d, upper); }

}  // namespace

TEST_CASE("the log's columns are those of compliance.md section 1, in order", "[log]") {
  CHECK(report::log_columns() ==
        std::vector<std::string>{"sterilizer", "cycle", "program", "start", "end", "operator", "exposure_s",
                                 "min_temp_c", "max_temp_c", "f0_min", "device_result", "verified", "bi", "ci",
                                 "bowie_dick", "bi_lot", "implants", "load", "status", "released_by", "released_at"});
}

TEST_CASE("log rows carry the cycle's record", "[log]") {
  test::CycleDb cdb;
  fill(cdb);
  const auto rows = report::sterilization_log(cdb.db(), {});
  REQUIRE(rows.size() == 6);
  const auto& r = rows[1];
  CHECK(r.sterilizer == "A");
  CHECK(r.cycle == "1042");
  CHECK(r.program == "prevac-132-4");
  CHECK(r.start == "2026-11-27T07:52:00Z");
  CHECK(r.end == "2026-11-27T08:04:30Z");
  CHECK(r.exposure_s == 240);
  CHECK(r.min_temp_c == 132.4);
  CHECK(r.max_temp_c == 132.8);
  CHECK(r.device_result == "pass");
  CHECK(r.verified == "pass");
  CHECK_FALSE(r.bi);
  CHECK_FALSE(r.implants);
  // An open cycle has no end and no verdict yet.
  CHECK_FALSE(rows[5].end);
  CHECK_FALSE(rows[5].verified);
}

TEST_CASE("log dates are whole UTC days, inclusive, times are exact", "[log]") {
  test::CycleDb cdb;
  fill(cdb);
  auto& db = cdb.db();
  report::LogFilter f;
  f.from = day("2026-11-28", false);
  f.to = day("2026-11-28", true);
  CHECK(cycles(db, f) == std::vector<std::string>{"A/1043", "B/7", "A/1044"});
  f.sterilizer = "A";
  CHECK(cycles(db, f) == std::vector<std::string>{"A/1043", "A/1044"});
  f.sterilizer = std::nullopt;
  f.from = *report::parse_log_bound("--from", "2026-11-28T12:00:00Z", false);
  f.to = *report::parse_log_bound("--to", "2026-11-29T00:00:00Z", true);
  CHECK(cycles(db, f) == std::vector<std::string>{"B/7", "A/1044", "A/1045"});
  f.from = *report::parse_log_bound("--from", "2026-11-28T12:00:00.001Z", false);
  f.to = *report::parse_log_bound("--to", "2026-11-28T23:59:59.999Z", true);
  CHECK(cycles(db, f) == std::vector<std::string>{"A/1044"});
  f = {};
  f.to = day("2026-11-27", true);
  CHECK(cycles(db, f) == std::vector<std::string>{"A/1041", "A/1042"});

  for (const char* bad : {"2026-02-30", "28.11.2026", "2026-11-28T25:00:00Z", "", "yesterday"}) {
    const auto r = report::parse_log_bound("--from", bad, false);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error(), Catch::StartsWith("--from: \"" + std::string{bad} + "\""));
  }
}

TEST_CASE("the log is one indexed range scan", "[log]") {
  test::CycleDb cdb;
  auto& db = cdb.db();
  for (const bool by_sterilizer : {false, true}) {
    const std::string sql = "EXPLAIN QUERY PLAN " + std::string{report::log_query_sql(by_sterilizer)};
    auto& s = by_sterilizer ? db.query(sql, "a", "b", "A") : db.query(sql, "a", "b");
    std::string plan;
    while (s.step()) plan += s.get_text(3) + "\n";
    INFO(plan);
    CHECK_THAT(plan, Catch::Contains(by_sterilizer ? "USING INDEX cycles_sterilizer_start (sterilizer=? AND start>? AND start<?)"
                                                   : "USING INDEX cycles_start (start>? AND start<?)"));
    CHECK_THAT(plan, !Catch::Contains("TEMP B-TREE"));
  }
}
