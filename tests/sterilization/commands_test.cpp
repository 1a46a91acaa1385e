// The sterilization commands run in-process against a real database file,
// as `steritrack` runs them.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "workflow_fixture.hpp"
#include "support/paths.hpp"

namespace steritrack::sterilization::test {
namespace {

struct CommandResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

CommandResult run(WorkflowDb& w, std::vector<std::string> args) {
  std::ostringstream out, err;
  cli::Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  ctx.clock = &w.clock;
  CLI::App app{"steritrack"};
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--db", ctx.db_option);
  app.add_option("--format", ctx.format_option);
  cli::add_sterilization_commands(app, ctx);

  args.insert(args.begin(), {"steritrack", "--db", (w.dir.path() / "steritrack.db").string()});
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  CommandResult r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    r.exit_code = app.exit(e, out, err);
  } catch (const cli::Failure& e) {
    err << e.what();
    r.exit_code = e.exit_code();
  }
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string write_file(WorkflowDb& w, const std::string& name, const std::string& text) {
  const auto path = (w.dir.path() / name).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("trays import and instruments import upsert a valid file", "[sterilization][cli]") {
  WorkflowDb w;  // already holds the example catalog
  const auto again = run(w, {"trays", "import", test_paths::data() + "/trays.csv"});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("4 trays imported (0 new, 4 updated)"));

  const auto file = write_file(w, "more.csv", "instrument,type,name\nI-000900,probe,Probe\n");
  const auto csv = run(w, {"instruments", "import", file, "--format", "csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out == "file,added,updated\n" + file + ",1,0\n");
}

TEST_CASE("an import with one bad row writes nothing and names line and field", "[sterilization][cli]") {
  WorkflowDb w;
  const auto file = write_file(w, "bad.csv",
                               "tray,name,recipe,implants,shelf_life_days\n"
                               "T-NEW-01,New,mirror:1,no,\n"
                               "T-NEW-02,Newer,mirror:1,perhaps,\n");
  const auto r = run(w, {"trays", "import", file});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("bad.csv, line 3, field implants"));
  CHECK(w.db->query_int("SELECT count(*) FROM trays WHERE id LIKE 'T-NEW-%'") == 0);
  const auto missing = run(w, {"trays", "import", (w.dir.path() / "nope.csv").string()});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("nope.csv: cannot open the file"));
}

TEST_CASE("indicator add, release and recall on the command line", "[sterilization][cli]") {
  WorkflowDb w;
  REQUIRE(w.assemble_tray("T-IMPL-01").ok);
  w.load_packs("A", {"T-IMPL-01"});
  w.run_cycle("A", "1042");

  const auto no_override = run(w, {"release", "A/1042", "--operator", "U-0042"});
  CHECK(no_override.exit_code == 1);
  CHECK_THAT(no_override.err, Catch::Contains("quarantined until a negative BI"));
  const auto no_operator = run(w, {"release", "A/1042"});
  CHECK(no_operator.exit_code != 0);

  SECTION("a negative BI releases the implant load") {
    const auto r = run(w, {"indicator", "add", "--cycle", "A/1042", "--type", "bi", "--result", "negative", "--lot",
                           "L-77", "--operator", "U-0042", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() == 1);
    CHECK(j[0]["status"] == "released");
    CHECK(j[0]["lot"] == "L-77");
    CHECK(j[0]["type"] == "bi");
    CHECK_THAT(j[0]["effects"].get<std::string>(), Catch::Contains("load released"));
  }
  SECTION("an override release is on the record") {
    const auto r =
        run(w, {"release", "A/1042", "--operator", "U-0042", "--override", "urgent case", "--format", "csv"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("sterilizer,cycle,status,released_by,released_at,packs\n"
                                        "A,1042,released,override:urgent case,"));
  }
  SECTION("a positive BI lists the recall") {
    REQUIRE(run(w, {"indicator", "add", "--cycle", "A/1042", "--type", "bi", "--result", "positive", "--lot", "L-77"})
                .exit_code == 0);
    const auto r = run(w, {"recall", "A/1042", "--format", "csv"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "sterilizer,cycle,tray,pack_status,case\nA,1042,T-IMPL-01,recalled,\n");
  }
  SECTION("bad input names the problem and writes nothing") {
    const auto r = run(w, {"indicator", "add", "--cycle", "A/1042", "--type", "bi", "--result", "negative"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("--lot"));
    CHECK(w.db->query_int("SELECT count(*) FROM indicators") == 0);
    CHECK(run(w, {"recall", "A/1042"}).exit_code == 1);
  }
}

}  // namespace steritrack::sterilization::test
