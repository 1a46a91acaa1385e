#include <sstream>

#include <catch2/catch.hpp>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "common/time.hpp"
#include "sterilization/cycle_recorder.hpp"
#include "sterilization/cycle_test_support.hpp"

using namespace steritrack;

namespace {

struct Run {
  int code = 0;
  std::string out;
  std::string err;
};

// Runs the CLI's cycle commands in-process, as main does.
Run run(const std::string& db, std::vector<std::string> args) {
  SystemClock clock;
  std::ostringstream out, err;
  cli::Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.clock = &clock;
  CLI::App app;
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", ctx.db_option);
  app.add_option("--format", ctx.format_option)->check(CLI::IsMember({"table", "csv", "json"}));
  cli::add_cycle_commands(app, ctx);
  args.insert(args.begin(), {"steritrack", "--db", db});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  Run r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    r.code = e.get_exit_code();
  } catch (const cli::Failure& e) {
    r.code = e.exit_code();
    err << e.what();
  }
  r.out = out.str();
  r.err = err.str();
  return r;
}

void fill(test::CycleDb& cdb) {
  sterilization::CycleRecorder rec(test::shipped_programs(), Policy{});
  const TimePoint now = *parse_rfc3339("2026-11-28T00:00:00Z");
  for (const auto& [topic, payload] : test::example_trace())
    rec.handle(cdb.db(), "A", *sterilization::parse_event(payload), now);
  cdb.db().execute("UPDATE cycles SET load = 'T-ORTHO-03;T-HYG-01', operator = 'U-0042' WHERE cycle = '1042'");
}

}  // namespace

TEST_CASE("steritrack log prints the compliance columns in csv, json and table", "[cli][log]") {
  test::CycleDb cdb;
  fill(cdb);
  auto r = run(cdb.file(), {"log", "--format", "csv"});
  REQUIRE(r.code == 0);
  std::istringstream lines(r.out);
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK(header ==
        "sterilizer,cycle,program,start,end,operator,exposure_s,min_temp_c,max_temp_c,f0_min,device_result,verified,"
        "bi,ci,bowie_dick,bi_lot,implants,load,status,released_by,released_at");
  CHECK_THAT(first, Catch::StartsWith("A,1041,bowie-dick-134-3.5,2026-11-27T07:30:00Z,2026-11-27T07:42:00Z,,210,134.4,134.8,"));
  CHECK_THAT(second, Catch::StartsWith("A,1042,prevac-132-4,2026-11-27T07:52:00Z,2026-11-27T08:04:30Z,U-0042,240,132.4,132.8,"));
  CHECK_THAT(second, Catch::EndsWith(",pass,pass,,,,,no,T-ORTHO-03;T-HYG-01,,,"));

  r = run(cdb.file(), {"log", "--format", "json", "--from", "2026-11-27", "--to", "2026-11-27", "--sterilizer", "A"});
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 2);
  CHECK(j[1]["exposure_s"] == 240);
  CHECK(j[1]["min_temp_c"] == 132.4);
  CHECK(j[1]["verified"] == "pass");
  CHECK(j[1]["bi"].is_null());
  CHECK(j[1]["implants"] == "no");
  CHECK(j[1].size() == 21);

  r = run(cdb.file(), {"log", "--from", "2026-11-28"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("(none)"));
  r = run(cdb.file(), {"log", "--sterilizer", "B", "--format", "csv"});
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
}

TEST_CASE("steritrack log refuses an invalid date, naming it", "[cli][log]") {
  test::CycleDb cdb;
  auto r = run(cdb.file(), {"log", "--from", "2026-13-01"});
  CHECK(r.code != 0);
  CHECK_THAT(r.err, Catch::Contains("--from: \"2026-13-01\""));
  r = run(cdb.file(), {"log", "--to", "soon"});
  CHECK(r.code != 0);
  CHECK_THAT(r.err, Catch::Contains("--to: \"soon\""));
  r = run(cdb.file(), {"log", "--from", "2026-11-28", "--to", "2026-11-27"});
  CHECK(r.code != 0);
  CHECK_THAT(r.err, Catch::Contains("is after"));
}

TEST_CASE("steritrack cycle show prints summary, reasons and samples in all formats", "[cli][cycle]") {
  test::CycleDb cdb;
  fill(cdb);
  auto r = run(cdb.file(), {"cycle", "show", "A/1042", "--format", "json"});
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["cycle"] == "1042");
  CHECK(j["verified"] == "pass");
  CHECK(j["exposure_s"] == 240);
  CHECK(j["reasons"] == nlohmann::json::array());
  REQUIRE(j["samples"].size() == 44);
  CHECK(j["samples"][10] == nlohmann::json({{"ts", "2026-11-27T07:53:50Z"}, {"phase", "exposure"}, {"temp_c", 132.4},
                                            {"pressure_kpa", 288.0}}));

  r = run(cdb.file(), {"cycle", "show", "A/1042", "--format", "csv"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("field,value\nsterilizer,A\ncycle,1042\n"));
  CHECK_THAT(r.out, Catch::Contains("\n\nts,phase,temp_c,pressure_kpa\n2026-11-27T07:52:10Z,conditioning,100,20\n"));

  r = run(cdb.file(), {"cycle", "show", "A/1042"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("requirements") && Catch::Contains("load: 132.0 °C for 240 s") &&
                        Catch::Contains("2026-11-27 08:03:30 UTC  drying"));

  // A failed cycle shows why.
  cdb.db().execute("UPDATE cycles SET reasons = '[\"sterilizer reported fail\"]', verified = 'fail' WHERE cycle = '1041'");
  r = run(cdb.file(), {"cycle", "show", "A/1041", "--format", "json"});
  CHECK(nlohmann::json::parse(r.out)["reasons"] == nlohmann::json::array({"sterilizer reported fail"}));

  r = run(cdb.file(), {"cycle", "show", "A/9999"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("no cycle A/9999"));
  r = run(cdb.file(), {"cycle", "show", "1042"});
  CHECK(r.code == 2);
}
