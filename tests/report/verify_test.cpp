// Tamper evidence: every way of editing the database behind steritrack's
// back with the real sqlite3 shell is caught by verify and named.
#include <catch2/catch.hpp>

#include "alerts/alerts.hpp"
#include "report/chain.hpp"
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

// Entries: 1..5 cycles A/1001..A/1005, 6 the acknowledgement of alert 1,
// 7 cycle A/1003 again (recalled after its release).
void build_record(const std::string& path) {
  store::Connection db(path);
  store::Transaction tx(db);
  add_sterilizer(db, "A");
  const auto t0 = at("2026-11-02T08:00:00Z");
  for (int i = 1; i <= 5; ++i) add_cycle(db, "A", std::to_string(1000 + i), t0 + hours(i));
  const auto id = alerts::raise(db, "bi_positive", "A/1003", "BI positive", t0 + hours(7));
  REQUIRE(alerts::acknowledge(db, id, "U-0042", t0 + hours(8)));
  db.execute("UPDATE cycles SET status = 'recalled' WHERE sterilizer = 'A' AND cycle = '1003'");
  report::chain_record(db, "cycle", "A/1003", t0 + hours(8));
  tx.commit();
}

report::VerifyResult verify_file(const std::string& path, const report::VerifyOptions& options = {}) {
  store::Connection db(path, store::OpenMode::read_write);
  return report::verify(db, options);
}

struct ChainRow {
  std::int64_t seq;
  std::string type, key, at, content_hash, prev_hash, entry_hash;
};

std::vector<ChainRow> read_chain(const std::string& path) {
  store::Connection db(path);
  std::vector<ChainRow> rows;
  auto& s = db.query("SELECT seq, record_type, record_key, at, content_hash, prev_hash, entry_hash FROM chain"
                     " ORDER BY seq");
  while (s.step())
    rows.push_back({s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_text(4), s.get_text(5),
                    s.get_text(6)});
  return rows;
}

// What an attacker who knows the scheme does: recompute the chain from
// `from` on, consistently, and move the head. SQL for the shell.
std::string rewrite_chain_sql(std::vector<ChainRow> rows, std::int64_t from) {
  std::string sql = "DROP TRIGGER chain_no_update;\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    auto& r = rows[i];
    if (r.seq < from) continue;
    r.prev_hash = i == 0 ? report::kGenesisHash : rows[i - 1].entry_hash;
    r.entry_hash = report::entry_hash(r.seq, r.type, r.key, r.at, r.content_hash, r.prev_hash);
    sql += "UPDATE chain SET content_hash = '" + r.content_hash + "', prev_hash = '" + r.prev_hash +
           "', entry_hash = '" + r.entry_hash + "' WHERE seq = " + std::to_string(r.seq) + ";\n";
  }
  sql += "UPDATE chain_head SET seq = " + std::to_string(rows.back().seq) + ", entry_hash = '" +
         rows.back().entry_hash + "';\n";
  return sql;
}

std::string content_hash_of_cycle(const std::string& path, const std::string& key) {
  store::Connection db(path);
  for (const auto& t : report::chained_record_types()) {
    if (t.name != "cycle") continue;
    auto& s = db.query(t.select_one, key);
    REQUIRE(s.step());
    std::string h = report::content_hash(s);
    s.reset();
    return h;
  }
  FAIL("no cycle record type");
  return {};
}

void require_first(const report::VerifyResult& r, report::ProblemKind kind, std::int64_t seq,
                   const std::string& type = {}, const std::string& key = {}) {
  INFO("problems:");
  for (const auto& p : r.problems) INFO(report::describe(p));
  REQUIRE_FALSE(r.ok());
  REQUIRE_FALSE(r.problems.empty());
  const auto& p = r.problems.front();
  INFO(report::describe(p));
  CHECK(p.kind == kind);
  CHECK(p.seq == seq);
  CHECK(p.record_type == type);
  CHECK(p.record_key == key);
}

}  // namespace

TEST_CASE("an untouched record verifies", "[report][verify]") {
  TempDb tmp;
  build_record(tmp.path());
  const auto r = verify_file(tmp.path());
  for (const auto& p : r.problems) INFO(report::describe(p));
  CHECK(r.ok());
  CHECK(r.entries_checked == 7);
  CHECK(r.records_checked == 6);  // 5 cycles, 1 acknowledged alert
  REQUIRE(r.head);
  CHECK(r.head->seq == 7);
  CHECK(r.head->entry_hash == read_chain(tmp.path()).back().entry_hash);
  // An alert that was never acknowledged is not under the chain.
  {
    store::Connection db(tmp.path());
    alerts::raise(db, "stockout", "G1", "none", at("2026-11-03T08:00:00Z"));
  }
  CHECK(verify_file(tmp.path()).ok());
  // The anchor of the current head holds.
  CHECK(verify_file(tmp.path(), {{*r.head}}).ok());
}

TEST_CASE("the chain's triggers stop a plain edit of the chain", "[report][verify]") {
  TempDb tmp;
  build_record(tmp.path());
  CHECK(sqlite3_shell(tmp.path(), "UPDATE chain SET at = '2026-01-01T00:00:00Z' WHERE seq = 2;") != 0);
  CHECK(sqlite3_shell(tmp.path(), "DELETE FROM chain WHERE seq = 7;") != 0);
  CHECK(sqlite3_shell(tmp.path(), "DELETE FROM chain_head;") != 0);
  CHECK(verify_file(tmp.path()).ok());
}

TEST_CASE("verify catches every edit made with the sqlite3 shell", "[report][verify]") {
  TempDb tmp;
  const std::string& db = tmp.path();
  build_record(db);
  using K = report::ProblemKind;

  SECTION("a cycle column edited") {
    REQUIRE(sqlite3_shell(db, "UPDATE cycles SET verified = 'fail' WHERE cycle = '1002';") == 0);
    require_first(verify_file(db), K::record_edited, 2, "cycle", "A/1002");
  }
  SECTION("a cycle edited after a later entry: named by its latest entry") {
    REQUIRE(sqlite3_shell(db, "UPDATE cycles SET released_by = 'U-9999' WHERE cycle = '1003';") == 0);
    require_first(verify_file(db), K::record_edited, 7, "cycle", "A/1003");
  }
  SECTION("a cycle's samples edited") {
    REQUIRE(sqlite3_shell(db, "UPDATE cycles SET samples = x'00' WHERE cycle = '1004';") == 0);
    require_first(verify_file(db), K::record_edited, 4, "cycle", "A/1004");
  }
  SECTION("a cycle row deleted") {
    REQUIRE(sqlite3_shell(db, "DELETE FROM cycles WHERE cycle = '1005';") == 0);
    require_first(verify_file(db), K::record_deleted, 5, "cycle", "A/1005");
  }
  SECTION("a cycle row inserted without entry") {
    REQUIRE(sqlite3_shell(db, "INSERT INTO cycles (sterilizer, cycle, program, program_kind, required_temp_c,"
                              " required_exposure_s, tolerance_c, max_gap_s, start, verified, status) VALUES"
                              " ('A', '1099', 'prevac-132-4', 'load', 132, 240, 0, 30, '2026-11-02T07:00:00Z',"
                              " 'pass', 'released');") == 0);
    const auto r = verify_file(db);
    require_first(r, K::record_unchained, 0, "cycle", "A/1099");
    CHECK(r.problem_count == 1);
  }
  SECTION("an acknowledgement edited") {
    REQUIRE(sqlite3_shell(db, "UPDATE alerts SET acknowledged_by = 'U-9999' WHERE id = 1;") == 0);
    require_first(verify_file(db), K::record_edited, 6, "alert", "1");
  }
  SECTION("an acknowledgement removed") {
    REQUIRE(sqlite3_shell(db, "UPDATE alerts SET acknowledged_by = NULL, acknowledged_at = NULL, state = 'open';") ==
            0);
    require_first(verify_file(db), K::record_deleted, 6, "alert", "1");
  }
  SECTION("an alert row with an acknowledgement inserted") {
    REQUIRE(sqlite3_shell(db, "INSERT INTO alerts (kind, subject, severity, state, message, first_seen, last_seen,"
                              " acknowledged_by, acknowledged_at, change_seq) VALUES ('recall', 'A/1001',"
                              " 'critical', 'acknowledged', 'x', '2026-11-02T07:00:00Z', '2026-11-02T07:00:00Z',"
                              " 'U-1', '2026-11-02T07:00:00Z', 99);") == 0);
    require_first(verify_file(db), K::record_unchained, 0, "alert", "2");
  }
  SECTION("a chain entry edited (trigger dropped)") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_update;"
                              " UPDATE chain SET at = '2026-11-01T08:00:00Z' WHERE seq = 4;") == 0);
    const auto r = verify_file(db);
    require_first(r, K::hash_mismatch, 4, "cycle", "A/1004");
    CHECK(r.problem_count == 1);
  }
  SECTION("a chain entry's content hash replaced along with its record") {
    REQUIRE(sqlite3_shell(db, "UPDATE cycles SET verified = 'fail' WHERE cycle = '1002';") == 0);
    const std::string h = content_hash_of_cycle(db, "A/1002");
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_update; UPDATE chain SET content_hash = '" + h +
                                  "' WHERE seq = 2;") == 0);
    require_first(verify_file(db), K::hash_mismatch, 2, "cycle", "A/1002");
  }
  SECTION("a chain entry rewritten with a recomputed hash") {
    REQUIRE(sqlite3_shell(db, "UPDATE cycles SET verified = 'fail' WHERE cycle = '1002';") == 0);
    auto rows = read_chain(db);
    auto& e = rows[1];
    e.content_hash = content_hash_of_cycle(db, "A/1002");
    e.entry_hash = report::entry_hash(e.seq, e.type, e.key, e.at, e.content_hash, e.prev_hash);
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_update; UPDATE chain SET content_hash = '" + e.content_hash +
                                  "', entry_hash = '" + e.entry_hash + "' WHERE seq = 2;") == 0);
    require_first(verify_file(db), K::broken_link, 3, "cycle", "A/1003");
  }
  SECTION("a chain entry deleted (trigger dropped)") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_delete; DELETE FROM chain WHERE seq = 3;") == 0);
    const auto r = verify_file(db);
    require_first(r, K::broken_link, 4, "cycle", "A/1004");
    CHECK_THAT(r.problems.front().detail, Catch::Contains("entry 3 is missing"));
  }
  SECTION("the first chain entry deleted") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_delete; DELETE FROM chain WHERE seq = 1;") == 0);
    const auto r = verify_file(db);
    require_first(r, K::broken_link, 2, "cycle", "A/1002");
    // A/1001 has no entry left.
    CHECK(r.problems.back().kind == K::record_unchained);
    CHECK(r.problems.back().record_key == "A/1001");
  }
  SECTION("chain entries swapped") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_update; UPDATE chain SET seq = -2 WHERE seq = 2;"
                              " UPDATE chain SET seq = 2 WHERE seq = 3; UPDATE chain SET seq = 3 WHERE seq = -2;") ==
            0);
    require_first(verify_file(db), K::broken_link, 2, "cycle", "A/1003");
  }
  SECTION("a prev_hash altered") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_update; UPDATE chain SET prev_hash = '" +
                                  std::string(64, 'a') + "' WHERE seq = 4;") == 0);
    const auto r = verify_file(db);
    require_first(r, K::broken_link, 4, "cycle", "A/1004");
    CHECK(r.problems.at(1).kind == K::hash_mismatch);
  }
  SECTION("an entry_hash altered") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_update; UPDATE chain SET entry_hash = '" +
                                  std::string(64, 'b') + "' WHERE seq = 5;") == 0);
    require_first(verify_file(db), K::hash_mismatch, 5, "cycle", "A/1005");
  }
  SECTION("an entry pointed at another record") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_update; UPDATE chain SET record_key = 'A/1001' WHERE seq = 5;") ==
            0);
    require_first(verify_file(db), K::hash_mismatch, 5, "cycle", "A/1001");
  }
  SECTION("an entry of a type steritrack does not chain") {
    auto rows = read_chain(db);
    const std::string hash = report::entry_hash(8, "invoice", "7", rows.back().at, std::string(64, 'c'),
                                                rows.back().entry_hash);
    REQUIRE(sqlite3_shell(db, "INSERT INTO chain VALUES (8, 'invoice', '7', '" + rows.back().at + "', '" +
                                  std::string(64, 'c') + "', '" + rows.back().entry_hash + "', '" + hash +
                                  "'); UPDATE chain_head SET seq = 8, entry_hash = '" + hash + "';") == 0);
    require_first(verify_file(db), K::unknown_record_type, 8, "invoice", "7");
  }
  SECTION("the chain's tail cut off (trigger dropped)") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_delete; DELETE FROM chain WHERE seq >= 6;") == 0);
    const auto r = verify_file(db);
    require_first(r, K::chain_truncated, 6);
    CHECK_THAT(r.problems.front().detail, Catch::Contains("entries 6..7 are gone"));
    // The records those entries covered no longer match the chain either.
    REQUIRE(r.problems.size() == 3);
    CHECK(r.problems[1].kind == K::record_edited);
    CHECK(r.problems[1].record_key == "A/1003");
    CHECK(r.problems[2].kind == K::record_unchained);
    CHECK(r.problems[2].record_type == "alert");
  }
  SECTION("the tail cut off and the head moved back") {
    auto rows = read_chain(db);
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_delete; DELETE FROM chain WHERE seq >= 6;"
                              " UPDATE chain_head SET seq = 5, entry_hash = '" +
                                  rows[4].entry_hash + "';") == 0);
    // A/1003 is current, but its latest entry is gone: it no longer matches.
    require_first(verify_file(db), K::record_edited, 3, "cycle", "A/1003");
  }
  SECTION("the head removed") {
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_head_no_delete; DELETE FROM chain_head;") == 0);
    require_first(verify_file(db), K::head_mismatch, 7);
  }
  SECTION("an entry appended without the head") {
    REQUIRE(sqlite3_shell(db, "INSERT INTO cycles (sterilizer, cycle, program, program_kind, required_temp_c,"
                              " required_exposure_s, tolerance_c, max_gap_s, start) VALUES"
                              " ('A', '1099', 'prevac-132-4', 'load', 132, 240, 0, 30, '2026-11-03T07:00:00Z');") == 0);
    auto rows = read_chain(db);
    const std::string content = content_hash_of_cycle(db, "A/1099");
    const std::string hash = report::entry_hash(8, "cycle", "A/1099", "2026-11-03T07:00:00Z", content,
                                                rows.back().entry_hash);
    REQUIRE(sqlite3_shell(db, "INSERT INTO chain VALUES (8, 'cycle', 'A/1099', '2026-11-03T07:00:00Z', '" +
                                  content + "', '" + rows.back().entry_hash + "', '" + hash + "');") == 0);
    require_first(verify_file(db), K::head_mismatch, 8);
  }
}

TEST_CASE("a consistent rewrite is caught only against an anchor kept elsewhere", "[report][verify]") {
  TempDb tmp;
  const std::string& db = tmp.path();
  build_record(db);
  const auto anchor = *verify_file(db).head;  // what an earlier verify printed
  using K = report::ProblemKind;

  SECTION("a record edited and the whole chain recomputed") {
    REQUIRE(sqlite3_shell(db, "UPDATE cycles SET verified = 'fail' WHERE cycle = '1002';") == 0);
    auto rows = read_chain(db);
    rows[1].content_hash = content_hash_of_cycle(db, "A/1002");
    REQUIRE(sqlite3_shell(db, rewrite_chain_sql(rows, 2)) == 0);
    CHECK(verify_file(db).ok());  // what verify cannot prove alone
    require_first(verify_file(db, {{anchor}}), K::anchor_mismatch, 7, "cycle", "A/1003");
  }
  SECTION("the last record and its entries removed, head moved back") {
    {
      store::Connection c(db);
      store::Transaction tx(c);
      add_cycle(c, "A", "1006", at("2026-11-02T20:00:00Z"));
      tx.commit();
    }
    const auto later = *verify_file(db).head;
    REQUIRE(later.seq == 8);
    auto rows = read_chain(db);
    REQUIRE(sqlite3_shell(db, "DROP TRIGGER chain_no_delete; DELETE FROM chain WHERE seq = 8;"
                              " DELETE FROM cycles WHERE cycle = '1006';"
                              " UPDATE chain_head SET seq = 7, entry_hash = '" +
                                  rows[6].entry_hash + "';") == 0);
    CHECK(verify_file(db).ok());
    const auto r = verify_file(db, {{later}});
    require_first(r, K::chain_truncated, 8);
    CHECK_THAT(report::describe(r.problems.front()), Catch::Contains("past the chain's end"));
    CHECK(verify_file(db, {{anchor}}).ok());  // the older anchor is still in place
  }
}

TEST_CASE("anchors parse as SEQ:HASH", "[report][verify]") {
  const std::string h(64, 'a');
  const auto a = report::parse_anchor("12:" + std::string(64, 'A'));
  REQUIRE(a);
  CHECK(a->seq == 12);
  CHECK(a->entry_hash == h);
  CHECK(report::to_string(*a) == "12:" + h);
  CHECK_FALSE(report::parse_anchor("12"));
  CHECK_FALSE(report::parse_anchor("0:" + h));
  CHECK_FALSE(report::parse_anchor("x:" + h));
  CHECK_FALSE(report::parse_anchor("12:" + h.substr(1)));
  CHECK_FALSE(report::parse_anchor("12:" + std::string(64, 'g')));
}
