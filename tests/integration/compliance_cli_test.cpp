// The compliance commands of the real CLI binary: alerts, alerts ack,
// verify and backup, against real database files.
#include <catch2/catch.hpp>

#include <atomic>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "alerts/alerts.hpp"
#include "integration/fixture.hpp"
#include "report/compliance_db.hpp"
#include "report/verify.hpp"

using namespace steritrack;
using namespace std::chrono;
using steritrack::testing::add_cycle;
using steritrack::testing::add_sterilizer;
using steritrack::testing::at;
using steritrack::testing::sqlite3_shell;
using steritrack::testing::TempDb;

namespace {

// The CLI binary, through the fixture's runner.
testkit::CommandResult cli(const std::vector<std::string>& args) { return testkit::run_cli_args(args); }

// Five chained cycles and three alerts: open, open, resolved.
void fill(const std::string& path) {
  store::Connection db(path);
  store::Transaction tx(db);
  add_sterilizer(db, "A");
  const auto t0 = at("2026-11-02T08:00:00Z");
  for (int i = 1; i <= 5; ++i) add_cycle(db, "A", std::to_string(1000 + i), t0 + hours(i));
  alerts::raise(db, "bi_positive", "A/1003", "BI positive on A/1003", t0 + hours(6));
  alerts::raise(db, "expiring", "00614141000012/A/7", "lot A/7 expires 2026-11-20", t0 + hours(6));
  alerts::raise(db, "reorder", "00614141000012", "gloves: 2 left", t0 + hours(6));
  alerts::resolve(db, "reorder", "00614141000012", t0 + hours(7));
  tx.commit();
}

}  // namespace

TEST_CASE("steritrack alerts lists unresolved alerts in every format", "[cli][alerts]") {
  TempDb tmp;
  fill(tmp.path());

  auto r = cli({"--db", tmp.path(), "alerts", "--format", "csv"});
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string header, first, second, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK(header == "id,kind,subject,severity,state,message,first_seen,last_seen,acknowledged_by");
  CHECK(first == "1,bi_positive,A/1003,critical,open,BI positive on A/1003,2026-11-02T14:00:00Z,"
                 "2026-11-02T14:00:00Z,");
  CHECK(second.rfind("2,expiring,00614141000012/A/7,info,open,", 0) == 0);
  CHECK_FALSE(std::getline(lines, extra));

  r = cli({"alerts", "--all", "--format", "json", "--db", tmp.path()});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j.size() == 3);
  CHECK(j[2]["state"] == "resolved");
  CHECK(j[2]["id"] == 3);
  CHECK(j[0]["acknowledged_by"].is_null());

  r = cli({"--db", tmp.path(), "alerts"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("id  kind"));
  CHECK_THAT(r.out, Catch::Contains("BI positive on A/1003"));
}

TEST_CASE("steritrack alerts ack records the operator, and refuses what it cannot", "[cli][alerts]") {
  TempDb tmp;
  fill(tmp.path());

  auto r = cli({"--db", tmp.path(), "alerts", "ack", "1", "--operator", "0042"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("badge"));
  r = cli({"--db", tmp.path(), "alerts", "ack", "1"});
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Catch::Contains("--operator"));
  r = cli({"--db", tmp.path(), "alerts", "ack", "99", "--operator", "U-0042"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("no alert 99"));
  r = cli({"--db", tmp.path(), "alerts", "ack", "3", "--operator", "U-0042"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("already resolved"));

  r = cli({"alerts", "ack", "1", "--operator", "U-0042", "--db", tmp.path()});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "alert 1 (bi_positive A/1003) acknowledged by U-0042\n");
  r = cli({"--db", tmp.path(), "alerts", "ack", "1", "--operator", "U-0043"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("already acknowledged by U-0042"));

  r = cli({"--db", tmp.path(), "--format", "json", "alerts"});
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j[0]["state"] == "acknowledged");
  CHECK(j[0]["acknowledged_by"] == "U-0042");
  // The acknowledgement is in the chain, and the record still verifies.
  CHECK(cli({"--db", tmp.path(), "verify"}).exit_code == 0);
}

TEST_CASE("steritrack verify exits 0 when intact and names the first bad record when not", "[cli][verify]") {
  TempDb tmp;
  fill(tmp.path());

  auto r = cli({"--db", tmp.path(), "verify"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("chain intact: 5 entries, 5 records checked"));
  CHECK_THAT(r.out, Catch::Contains(": head 5:"));
  r = cli({"--db", tmp.path(), "verify", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["ok"] == true);
  CHECK(j["entries"] == 5);
  const std::string head = j["head"];

  REQUIRE(sqlite3_shell(tmp.path(), "UPDATE cycles SET verified = 'fail' WHERE cycle = '1002';") == 0);
  r = cli({"--db", tmp.path(), "verify"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("TAMPERED: 1 problem"));
  CHECK_THAT(r.err, Catch::Contains("entry 2 (cycle A/1002): record edited"));
  r = cli({"--db", tmp.path(), "verify", "--format", "csv"});
  CHECK(r.exit_code == 2);
  CHECK(r.out == "seq,problem,record_type,record_key,detail\n"
                 "2,record edited,cycle,A/1002,its content no longer matches its latest entry\n");
  REQUIRE(sqlite3_shell(tmp.path(), "UPDATE cycles SET verified = 'pass' WHERE cycle = '1002';") == 0);
  CHECK(cli({"--db", tmp.path(), "verify"}).exit_code == 0);

  // Anchors: the head printed earlier must still be there.
  CHECK(cli({"--db", tmp.path(), "verify", "--anchor", head}).exit_code == 0);
  r = cli({"--db", tmp.path(), "verify", "--anchor", "5:" + std::string(64, 'a')});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("anchor mismatch"));
  r = cli({"--db", tmp.path(), "verify", "--anchor", "5"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("SEQ:HASH"));
}

TEST_CASE("steritrack backup writes a checked copy and refuses to overwrite", "[cli][backup]") {
  TempDb tmp;
  fill(tmp.path());
  const std::string dest = tmp.dir().file("copy.db");

  auto r = cli({"--db", tmp.path(), "backup", dest});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("integrity_check ok"));
  CHECK_THAT(r.out, Catch::Contains(dest + ": chain intact: 5 entries"));
  CHECK(cli({"--db", dest, "verify"}).exit_code == 0);
  CHECK(cli({"--db", dest, "alerts", "--all", "--format", "csv"}).out ==
        cli({"--db", tmp.path(), "alerts", "--all", "--format", "csv"}).out);

  r = cli({"--db", tmp.path(), "backup", dest});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("exists: use --force"));
  r = cli({"--db", tmp.path(), "backup", tmp.path(), "--force"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("is the database itself"));

  // The record moves on; --force replaces the copy, and the old copy is an
  // anchor the live chain must still contain.
  const std::string old_copy = tmp.dir().file("old.db");
  std::filesystem::copy_file(dest, old_copy);
  {
    store::Connection db(tmp.path());
    store::Transaction tx(db);
    add_cycle(db, "A", "1006", at("2026-11-03T08:00:00Z"));
    tx.commit();
  }
  r = cli({"--db", tmp.path(), "backup", dest, "--force"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("chain intact: 6 entries"));
  CHECK(cli({"--db", tmp.path(), "verify", "--against", old_copy}).exit_code == 0);
  for (const auto& e : std::filesystem::directory_iterator(tmp.dir().path()))
    CHECK(e.path().filename().string().find(".partial-") == std::string::npos);

  // A record rewritten consistently after the old backup: only the backup shows it.
  REQUIRE(sqlite3_shell(tmp.path(), "DROP TRIGGER chain_no_delete; DELETE FROM chain WHERE seq >= 5;"
                                    " DELETE FROM cycles WHERE cycle IN ('1005', '1006');"
                                    " UPDATE chain_head SET seq = 4, entry_hash ="
                                    " (SELECT entry_hash FROM chain WHERE seq = 4);") == 0);
  CHECK(cli({"--db", tmp.path(), "verify"}).exit_code == 0);
  r = cli({"--db", tmp.path(), "verify", "--against", old_copy});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("chain truncated"));

  // A copy of a tampered database is kept (it is evidence) but reported.
  REQUIRE(sqlite3_shell(tmp.path(), "UPDATE cycles SET operator = 'U-9999' WHERE cycle = '1001';") == 0);
  const std::string tampered_copy = tmp.dir().file("tampered.db");
  r = cli({"--db", tmp.path(), "backup", tampered_copy});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("entry 1 (cycle A/1001): record edited"));
  CHECK(std::filesystem::exists(tampered_copy));
}

TEST_CASE("steritrack backup while another process writes continuously", "[cli][backup]") {
  TempDb tmp;
  fill(tmp.path());
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    store::Connection db(tmp.path());
    const auto t0 = at("2026-11-04T08:00:00Z");
    for (int i = 0; !stop; ++i) {
      store::Transaction tx(db);
      add_cycle(db, "A", std::to_string(20000 + i), t0 + minutes(i));
      if (i % 10 == 0) alerts::raise(db, "record_incomplete", "A/" + std::to_string(20000 + i), "gap", t0);
      tx.commit();
      ++written;
    }
  });
  while (written < 100) std::this_thread::yield();
  const std::string dest = tmp.dir().file("live.db");
  const auto r = cli({"--db", tmp.path(), "backup", dest});
  const int during = written;
  stop = true;
  writer.join();
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("integrity_check ok"));
  CHECK_THAT(r.out, Catch::Contains("chain intact"));
  store::Connection copy(dest, store::OpenMode::read_only);
  const auto cycles = copy.query_int("SELECT count(*) FROM cycles").value_or(0);
  CHECK(cycles >= 5 + 100);
  CHECK(cycles <= 5 + during);
}
