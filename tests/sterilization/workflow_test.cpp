// The workflow against a real SQLite file: station modes, the cycle
// listener, indicators, release and recall, driven as the daemon does.
#include <catch2/catch.hpp>

#include "sterilization/indicators.hpp"
#include "sterilization/recall.hpp"
#include "workflow_fixture.hpp"

namespace steritrack::sterilization::test {
namespace {

const std::vector<std::string> kExamSet = {"I-000101", "I-000102", "I-000103"};

Result<IndicatorRecorded> indicator(WorkflowDb& w, const std::string& cycle, const std::string& type,
                                    const std::string& result, std::optional<std::string> lot = "BI-LOT-7") {
  store::Transaction tx(*w.db);
  auto r = add_indicator(*w.db, cycle, type, result, type == "bi" ? lot : std::nullopt, std::string{"U-0042"}, w.policy,
                         w.clock.now());
  if (r) tx.commit();
  return r;
}

Result<Released> release_load(WorkflowDb& w, const std::string& cycle, std::optional<std::string> override_reason) {
  store::Transaction tx(*w.db);
  auto r = release(*w.db, cycle, "U-0099", override_reason, w.policy, w.clock.now());
  if (r) tx.commit();
  return r;
}

}  // namespace

TEST_CASE("assembly with a missing instrument flags the pack and raises tray_incomplete", "[sterilization][workflow]") {
  WorkflowDb w;
  const auto done = w.assemble_tray("T-EXAM-01", {"I-000101", "I-000102"});
  REQUIRE(done.ok);
  CHECK_THAT(done.message, Catch::Contains("MISSING cotton-plier x1"));
  CHECK(w.pack_state("T-EXAM-01") == "assembled");
  CHECK(w.text("SELECT missing FROM packs") == R"({"cotton-plier":1})");
  CHECK(w.text("SELECT assembled_by FROM packs") == "U-0042");
  CHECK(w.alert_open("tray_incomplete", "T-EXAM-01"));

  // Still loadable: the flag travels with it.
  REQUIRE(w.scan(w.autoclave, w.load, sterilizer("A")).ok);
  const auto loaded = w.scan(w.autoclave, w.load, tray("T-EXAM-01"));
  REQUIRE(loaded.ok);
  CHECK_THAT(loaded.message, Catch::Contains("flagged: missing cotton-plier x1"));

  // Cancelling the load puts it back; a recount with the plier found resolves the alert.
  CHECK_THAT(w.cancel(w.autoclave, w.load).message, Catch::Contains("1 pack back to assembled"));
  CHECK(w.db->query_int("SELECT count(*) FROM loads") == 0);
  const auto recount = w.assemble_tray("T-EXAM-01", kExamSet);
  CHECK_THAT(recount.message, Catch::Contains("complete"));
  CHECK(w.db->query_int("SELECT count(*) FROM packs") == 1);
  CHECK_FALSE(w.alert_open("tray_incomplete", "T-EXAM-01"));
  w.require_chain_current();
}

TEST_CASE("assembly: uncounted packs, UDI instruments, extras and refusals", "[sterilization][workflow]") {
  WorkflowDb w;
  SECTION("no instruments scanned makes an uncounted pack") {
    const auto done = w.assemble_tray("T-SURG-01");
    CHECK_THAT(done.message, Catch::Contains("uncounted"));
    CHECK(w.db->query_int("SELECT counted FROM packs") == 0);
    CHECK(w.text("SELECT missing FROM packs") == "<null>");
    CHECK_FALSE(w.alert_open("tray_incomplete", "T-SURG-01"));
  }
  SECTION("a UDI code maps to its instrument; an instrument of another tray is extra") {
    REQUIRE(w.scan(w.bench, w.assemble, tray("T-IMPL-01")).ok);
    const auto driver = w.scan(w.bench, w.assemble, udi("00614141000098", "SN-A1"));
    REQUIRE(driver.ok);
    CHECK_THAT(driver.message, Catch::Contains("driver: 1 of 1"));
    const auto mirror = w.scan(w.bench, w.assemble, instrument("I-000101"));
    CHECK_THAT(mirror.message, Catch::Contains("extra"));
    CHECK_THAT(w.scan(w.bench, w.assemble, instrument("I-000101")).message, Catch::Contains("already counted"));
    const auto done = w.done(w.bench, w.assemble);
    CHECK_THAT(done.message, Catch::Contains("MISSING drill x4, implant-screw x2, ratchet x1"));
    CHECK_THAT(done.message, Catch::Contains("extra mirror x1"));
  }
  SECTION("refusals say what to do") {
    CHECK_THAT(w.scan(w.bench, w.assemble, instrument("I-000101")).message, Catch::Contains("scan the tray"));
    CHECK_THAT(w.scan(w.bench, w.assemble, tray("T-NOPE")).message, Catch::Contains("unknown tray"));
    CHECK_THAT(w.done(w.bench, w.assemble).message, Catch::Contains("nothing to finish"));
    REQUIRE(w.scan(w.bench, w.assemble, tray("T-EXAM-01")).ok);
    CHECK_THAT(w.scan(w.bench, w.assemble, instrument("I-999")).message, Catch::Contains("unknown instrument"));
    const auto other = w.scan(w.bench, w.assemble, tray("T-EXAM-02"));
    CHECK_FALSE(other.ok);
    CHECK_THAT(other.message, Catch::Contains("finish T-EXAM-01 first"));
    CHECK_THAT(w.cancel(w.bench, w.assemble).message, Catch::Contains("cancelled"));
    CHECK(w.bench.open_step.is_null());
    w.bench.operator_badge.clear();
    CHECK_THAT(w.scan(w.bench, w.assemble, tray("T-EXAM-01")).message, Catch::Contains("badge"));
  }
  w.require_chain_current();
}

TEST_CASE("a normal load is bound at cycle_start and released with its shelf life", "[sterilization][workflow]") {
  WorkflowDb w;
  REQUIRE(w.assemble_tray("T-EXAM-01", kExamSet).ok);
  REQUIRE(w.assemble_tray("T-SURG-01").ok);
  w.load_packs("A", {"T-EXAM-01", "T-SURG-01"});
  CHECK(w.pack_state("T-EXAM-01") == "loaded");

  const auto row = w.start_cycle("A", "1042");
  CHECK(w.pack_state("T-EXAM-01") == "processing");
  CHECK(w.cycle_column("load", "A", "1042") == "T-EXAM-01;T-SURG-01");
  CHECK(w.cycle_column("operator", "A", "1042") == "U-0042");
  CHECK(w.cycle_column("implants", "A", "1042") == "0");
  CHECK(w.db->query_int("SELECT count(*) FROM loads WHERE cycle_row IS NULL") == 0);

  w.clock.advance(std::chrono::minutes{40});
  w.end_cycle(row);
  CHECK(w.pack_state("T-EXAM-01") == "released");
  CHECK(w.pack_state("T-SURG-01") == "released");
  CHECK(w.cycle_column("status", "A", "1042") == "released");
  CHECK(w.cycle_column("released_by", "A", "1042") == "auto:cycle_verified");
  CHECK(w.cycle_column("released_at", "A", "1042") == "2026-11-27T07:40:00Z");
  // T-SURG-01 keeps 30 days from the day of sterilization; T-EXAM-01 is event-related.
  CHECK(w.text("SELECT expiry FROM packs WHERE tray = 'T-SURG-01'") == "2026-12-27");
  CHECK(w.text("SELECT expiry FROM packs WHERE tray = 'T-EXAM-01'") == "<null>");
  w.require_chain_current();
}

TEST_CASE("LOAD refuses what cannot go into a sterilizer", "[sterilization][workflow]") {
  WorkflowDb w;
  CHECK_THAT(w.scan(w.autoclave, w.load, tray("T-EXAM-01")).message, Catch::Contains("sterilizer label"));
  CHECK_THAT(w.scan(w.autoclave, w.load, sterilizer("Z")).message, Catch::Contains("unknown sterilizer"));
  REQUIRE(w.scan(w.autoclave, w.load, sterilizer("A")).ok);
  CHECK_THAT(w.scan(w.autoclave, w.load, tray("T-EXAM-01")).message, Catch::Contains("assemble it first"));
  REQUIRE(w.assemble_tray("T-EXAM-01").ok);
  REQUIRE(w.scan(w.autoclave, w.load, tray("T-EXAM-01")).ok);
  CHECK_THAT(w.scan(w.autoclave, w.load, tray("T-EXAM-01")).message, Catch::Contains("already in this load"));
  REQUIRE(w.scan(w.autoclave, w.load, sterilizer("B")).ok);
  CHECK_THAT(w.scan(w.autoclave, w.load, tray("T-EXAM-01")).message,
             Catch::Contains("already in the pending load of sterilizer A"));
  w.require_chain_current();
}

TEST_CASE("an implant load is held until its BI is read negative", "[sterilization][workflow]") {
  WorkflowDb w;
  REQUIRE(w.assemble_tray("T-IMPL-01").ok);
  w.load_packs("A", {"T-IMPL-01"});
  const auto row = w.start_cycle("A", "1043");
  CHECK(w.cycle_column("implants", "A", "1043") == "1");
  w.clock.advance(std::chrono::minutes{40});
  w.end_cycle(row);
  CHECK(w.pack_state("T-IMPL-01") == "quarantined");
  CHECK(w.cycle_column("status", "A", "1043") == "quarantined");
  CHECK(w.cycle_column("bi", "A", "1043") == "pending");

  // Not issuable, and not releasable without a BI or an override.
  REQUIRE(w.scan(w.operatory, w.issue, case_label("C-2026-1187")).ok);
  const auto refused = w.scan(w.operatory, w.issue, tray("T-IMPL-01"));
  CHECK_FALSE(refused.ok);
  CHECK_THAT(refused.message, Catch::Contains("NOT STERILE"));
  CHECK(w.alert_open("unsterile_issue", "T-IMPL-01"));
  CHECK_THAT(release_load(w, "A/1043", std::nullopt).error(), Catch::Contains("--override"));

  SECTION("a negative BI a day later releases it") {
    w.clock.advance(std::chrono::hours{24});
    const auto bi = indicator(w, "A/1043", "bi", "negative");
    REQUIRE(bi);
    CHECK(bi->cycle_status == "released");
    CHECK(w.pack_state("T-IMPL-01") == "released");
    CHECK(w.cycle_column("bi", "A", "1043") == "negative");
    CHECK(w.cycle_column("bi_lot", "A", "1043") == "BI-LOT-7");
    CHECK(w.cycle_column("released_by", "A", "1043") == "auto:bi_negative");
    CHECK(w.text("SELECT expiry FROM packs") == "2026-12-27");  // from the day of sterilization
    CHECK(w.scan(w.operatory, w.issue, tray("T-IMPL-01")).ok);
    CHECK(w.pack_state("T-IMPL-01") == "issued");
  }
  SECTION("an override releases it early, on the record") {
    const auto r = release_load(w, "A/1043", "emergency case, BI incubating");
    REQUIRE(r);
    CHECK(r->released_by == "override:emergency case, BI incubating");
    CHECK(w.cycle_column("released_by", "A", "1043") == "override:emergency case, BI incubating");
    CHECK(w.cycle_column("status", "A", "1043") == "released");
    CHECK(w.text("SELECT operator FROM releases WHERE override_reason IS NOT NULL") == "U-0099");
    CHECK(w.alert_open("implant_released_without_bi", "A/1043"));
    CHECK(w.pack_state("T-IMPL-01") == "released");
    CHECK_THAT(release_load(w, "A/1043", "again").error(), Catch::Contains("already released"));
  }
  w.require_chain_current();
}

TEST_CASE("implant quarantine off by policy releases implant loads at cycle end", "[sterilization][workflow]") {
  WorkflowDb w;
  w.policy.implant_quarantine = false;
  REQUIRE(w.assemble_tray("T-IMPL-01").ok);
  w.load_packs("A", {"T-IMPL-01"});
  w.run_cycle("A", "1");
  CHECK(w.pack_state("T-IMPL-01") == "released");
}

TEST_CASE("a failed cycle fails its packs, which are assembled again directly", "[sterilization][workflow]") {
  WorkflowDb w;
  REQUIRE(w.assemble_tray("T-EXAM-01", kExamSet).ok);
  w.load_packs("A", {"T-EXAM-01"});
  w.run_cycle("A", "7", "fail");
  CHECK(w.pack_state("T-EXAM-01") == "failed");
  CHECK(w.cycle_column("status", "A", "7") == "failed");
  CHECK_THAT(release_load(w, "A/7", "x").error(), Catch::Contains("did not pass"));
  CHECK(release_load(w, "A/7", "x").error_kind() == ErrorKind::conflict);
  CHECK(release_load(w, "A/99", "x").error_kind() == ErrorKind::not_found);

  const auto again = w.assemble_tray("T-EXAM-01", kExamSet);
  REQUIRE(again.ok);
  CHECK(w.pack_state("T-EXAM-01") == "assembled");
  CHECK(w.db->query_int("SELECT count(*) FROM packs WHERE state = 'failed'") == 1);  // the record stays
  w.load_packs("A", {"T-EXAM-01"});
  w.run_cycle("A", "8");
  CHECK(w.pack_state("T-EXAM-01") == "released");

  SECTION("an incomplete verdict fails too") {
    REQUIRE(w.scan(w.sink, w.return_mode, tray("T-EXAM-01")).ok);
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.load_packs("A", {"T-EXAM-01"});
    w.run_cycle("A", "9", "incomplete");
    CHECK(w.cycle_column("status", "A", "9") == "failed");
  }
  w.require_chain_current();
}

TEST_CASE("ISSUE refuses unsterile, expired and recalled packs at once", "[sterilization][workflow]") {
  WorkflowDb w;
  REQUIRE(w.assemble_tray("T-SURG-01").ok);
  REQUIRE(w.assemble_tray("T-EXAM-01").ok);
  w.load_packs("A", {"T-SURG-01"});
  w.run_cycle("A", "1");

  const auto no_case = w.scan(w.operatory, w.issue, tray("T-SURG-01"));
  CHECK_FALSE(no_case.ok);
  CHECK_THAT(no_case.message, Catch::Contains("case label"));

  REQUIRE(w.scan(w.operatory, w.issue, case_label("C-2026-1187")).ok);
  const auto unsterile = w.scan(w.operatory, w.issue, tray("T-EXAM-01"));
  CHECK_FALSE(unsterile.ok);
  CHECK_THAT(unsterile.message, Catch::Contains("NOT STERILE: T-EXAM-01 is assembled"));
  CHECK(w.alert_open("unsterile_issue", "T-EXAM-01"));
  CHECK(w.pack_state("T-EXAM-01") == "assembled");

  SECTION("within its shelf life it is issued to the case") {
    w.clock.advance(std::chrono::days{30});  // the last day of use
    const auto ok = w.scan(w.operatory, w.issue, tray("T-SURG-01"));
    REQUIRE(ok.ok);
    CHECK_THAT(ok.message, Catch::Contains("issued to C-2026-1187 (sterilized in A/1, use by 2026-12-27)"));
    CHECK(w.text("SELECT case_label || ' ' || issued_by FROM packs WHERE tray = 'T-SURG-01'") == "C-2026-1187 U-0077");
    CHECK(w.scan(w.operatory, w.issue, tray("T-SURG-01")).ok);  // the same case again: no harm
    REQUIRE(w.scan(w.operatory, w.issue, case_label("C-2026-1188")).ok);
    CHECK_THAT(w.scan(w.operatory, w.issue, tray("T-SURG-01")).message,
               Catch::Contains("already issued to C-2026-1187"));
    const auto back = w.scan(w.sink, w.return_mode, tray("T-SURG-01"));
    CHECK_THAT(back.message, Catch::Contains("returned from C-2026-1187"));
    CHECK(w.pack_state("T-SURG-01") == "dirty");
  }
  SECTION("past its shelf life it is refused") {
    w.clock.advance(std::chrono::days{31});
    const auto expired = w.scan(w.operatory, w.issue, tray("T-SURG-01"));
    CHECK_FALSE(expired.ok);
    CHECK_THAT(expired.message, Catch::Contains("EXPIRED: T-SURG-01 expired on 2026-12-27"));
    CHECK(w.alert_open("expired_pack", "T-SURG-01"));
    CHECK(w.pack_state("T-SURG-01") == "released");
  }
  w.require_chain_current();
}

TEST_CASE("a positive BI recalls its scope and takes the sterilizer out of service", "[sterilization][workflow]") {
  WorkflowDb w;
  // Cycle 1 has a negative BI; 2 a normal load; 3 fails; 4 gets the positive BI; 5 ran after it.
  REQUIRE(w.assemble_tray("T-EXAM-01").ok);
  w.load_packs("A", {"T-EXAM-01"});
  w.run_cycle("A", "1");
  REQUIRE(indicator(w, "A/1", "bi", "negative"));
  REQUIRE(w.scan(w.sink, w.return_mode, tray("T-EXAM-01")).ok);  // used, back dirty: before the scope

  REQUIRE(w.assemble_tray("T-EXAM-02").ok);
  REQUIRE(w.assemble_tray("T-SURG-01").ok);
  w.load_packs("A", {"T-EXAM-02", "T-SURG-01"});
  w.run_cycle("A", "2");
  REQUIRE(w.scan(w.operatory, w.issue, case_label("C-2026-0001")).ok);
  REQUIRE(w.scan(w.operatory, w.issue, tray("T-SURG-01")).ok);  // used on a patient

  REQUIRE(w.assemble_tray("T-EXAM-01").ok);
  w.load_packs("A", {"T-EXAM-01"});
  w.run_cycle("A", "3", "fail");

  REQUIRE(w.assemble_tray("T-IMPL-01").ok);
  w.load_packs("A", {"T-IMPL-01"});
  w.run_cycle("A", "4");  // quarantined: implants

  w.run_cycle("A", "5");  // an empty chamber cycle

  w.clock.advance(std::chrono::hours{24});
  const auto bi = indicator(w, "A/4", "bi", "positive");
  REQUIRE(bi);
  CHECK(bi->cycle_status == "recalled");
  CHECK(w.cycle_column("status", "A", "2") == "recalled");
  CHECK(w.cycle_column("status", "A", "3") == "failed");  // failed stays failed
  CHECK(w.cycle_column("status", "A", "4") == "recalled");
  CHECK(w.cycle_column("status", "A", "1") == "released");
  CHECK(w.pack_state("T-EXAM-02") == "recalled");
  CHECK(w.pack_state("T-SURG-01") == "issued");  // listed with its case, not hidden
  CHECK(w.pack_state("T-EXAM-01") == "failed");
  CHECK(w.pack_state("T-IMPL-01") == "recalled");
  CHECK(w.db->query_int("SELECT in_service FROM sterilizers WHERE id = 'A'") == 0);
  CHECK(w.db->query_int("SELECT negative_bi_needed FROM sterilizers WHERE id = 'A'") == 1);
  CHECK(w.alert_open("bi_positive", "A/4"));
  CHECK(w.alert_open("recall", "A/4"));

  const auto lines = recall_listing(*w.db, "A/4");
  REQUIRE(lines);
  REQUIRE(lines->size() == 4);
  CHECK((*lines)[0].cycle == "2");
  CHECK((*lines)[0].tray == "T-EXAM-02");
  CHECK((*lines)[0].pack_status == "recalled");
  CHECK((*lines)[1].tray == "T-SURG-01");
  CHECK((*lines)[1].pack_status == "issued");
  CHECK((*lines)[1].case_label == "C-2026-0001");
  CHECK((*lines)[2].cycle == "3");
  CHECK((*lines)[2].pack_status == "failed");
  CHECK((*lines)[3].tray == "T-IMPL-01");
  CHECK_THAT(recall_listing(*w.db, "A/2").error(), Catch::Contains("no positive BI"));

  // A recalled pack is refused everywhere but RETURN.
  REQUIRE(w.scan(w.operatory, w.issue, case_label("C-2026-0002")).ok);
  const auto at_issue = w.scan(w.operatory, w.issue, tray("T-EXAM-02"));
  CHECK_FALSE(at_issue.ok);
  CHECK_THAT(at_issue.message, Catch::Contains("RECALLED: T-EXAM-02 (positive BI on A/4)"));
  CHECK(w.alert_open("recalled_pack", "T-EXAM-02"));
  CHECK_FALSE(w.scan(w.bench, w.assemble, tray("T-EXAM-02")).ok);
  REQUIRE(w.scan(w.autoclave, w.load, sterilizer("B")).ok);
  CHECK_FALSE(w.scan(w.autoclave, w.load, tray("T-EXAM-02")).ok);

  // A load on the out-of-service sterilizer is held and raises out_of_service_use.
  REQUIRE(w.assemble_tray("T-EXAM-01").ok);  // reprocessing the failed pack
  const auto warn = w.scan(w.autoclave, w.load, sterilizer("A"));
  CHECK_THAT(warn.message, Catch::Contains("OUT OF SERVICE"));
  REQUIRE(w.scan(w.autoclave, w.load, tray("T-EXAM-01")).ok);
  REQUIRE(w.done(w.autoclave, w.load).ok);
  w.run_cycle("A", "6");
  CHECK(w.alert_open("out_of_service_use", "A"));
  CHECK(w.cycle_column("status", "A", "6") == "quarantined");
  CHECK(w.pack_state("T-EXAM-01") == "quarantined");

  // Its negative BI releases that load and returns A to service.
  w.clock.advance(std::chrono::hours{24});
  const auto back = indicator(w, "A/6", "bi", "negative");
  REQUIRE(back);
  CHECK_THAT(back->effects.back(), Catch::Contains("back in service"));
  CHECK(w.pack_state("T-EXAM-01") == "released");
  CHECK(w.db->query_int("SELECT in_service FROM sterilizers WHERE id = 'A'") == 1);
  CHECK_FALSE(w.alert_open("out_of_service_use", "A"));
  CHECK_FALSE(w.alert_open("bi_positive", "A/4"));
  CHECK(w.alert_open("recall", "A/4"));  // packs still out

  // The recall resolves when every pack in scope is returned or reprocessed.
  REQUIRE(w.scan(w.sink, w.return_mode, tray("T-EXAM-02")).ok);
  REQUIRE(w.scan(w.sink, w.return_mode, tray("T-SURG-01")).ok);
  CHECK(w.alert_open("recall", "A/4"));
  CHECK_THAT(w.scan(w.sink, w.return_mode, tray("T-IMPL-01")).message,
             Catch::Contains("recalled pack T-IMPL-01 returned"));
  CHECK_FALSE(w.alert_open("recall", "A/4"));
  CHECK(w.text("SELECT resolved_at IS NOT NULL FROM recalls") == "1");
  const auto after = recall_listing(*w.db, "A/4");
  REQUIRE(after);
  CHECK((*after)[0].pack_status == "returned");
  CHECK((*after)[2].pack_status == "reprocessed");  // the failed T-EXAM-01, assembled again
  w.require_chain_current();
}

TEST_CASE("the policy's number of negative BIs returns a sterilizer to service", "[sterilization][workflow]") {
  WorkflowDb w;
  w.policy.negative_bi_to_return = 3;
  w.run_cycle("B", "1");
  REQUIRE(indicator(w, "B/1", "bi", "positive"));
  for (int i = 2; i <= 4; ++i) {
    w.run_cycle("B", std::to_string(i));
    REQUIRE(indicator(w, "B/" + std::to_string(i), "bi", "negative"));
    CHECK(w.db->query_int("SELECT in_service FROM sterilizers WHERE id = 'B'") == (i == 4 ? 1 : 0));
  }
}

TEST_CASE("a positive BI read after a later cycle's negative one still takes the sterilizer out", "[sterilization][workflow]") {
  WorkflowDb w;
  w.run_cycle("B", "1");
  w.run_cycle("B", "2");
  REQUIRE(indicator(w, "B/2", "bi", "negative"));
  REQUIRE(indicator(w, "B/1", "bi", "positive"));  // read late
  CHECK(w.db->query_int("SELECT in_service FROM sterilizers WHERE id = 'B'") == 0);
  w.run_cycle("B", "3");
  REQUIRE(indicator(w, "B/3", "bi", "negative"));
  CHECK(w.db->query_int("SELECT in_service FROM sterilizers WHERE id = 'B'") == 1);
  // Its scope stops before B/2, the first later cycle with a negative BI.
  const auto lines = w.db->query_int(
      "SELECT count(*) FROM recall_scope rs JOIN cycles c ON c.id = rs.cycle_row WHERE c.cycle = '2'");
  CHECK(lines == 0);
}

TEST_CASE("bowie_dick_missing: a prevac load before a passed Bowie-Dick that clinic day", "[sterilization][workflow]") {
  WorkflowDb w;
  SECTION("no test today") {
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.load_packs("A", {"T-EXAM-01"});
    w.run_cycle("A", "1");
    CHECK(w.alert_open("bowie_dick_missing", "A"));
    // The day's test recorded afterwards resolves it.
    const auto bd = w.start_cycle("A", "2", "air_removal_test", "bowie-dick-134-3.5");
    w.end_cycle(bd);
    CHECK(w.cycle_column("status", "A", "2") == "test");
    const auto r = indicator(w, "A/2", "bowie-dick", "pass");
    REQUIRE(r);
    CHECK_FALSE(w.alert_open("bowie_dick_missing", "A"));
    CHECK(w.cycle_column("bowie_dick", "A", "2") == "pass");
  }
  SECTION("a passed test earlier the same day") {
    const auto bd = w.start_cycle("A", "1", "air_removal_test", "bowie-dick-134-3.5");
    w.end_cycle(bd);
    REQUIRE(indicator(w, "A/1", "bowie-dick", "pass"));
    w.clock.advance(std::chrono::minutes{20});
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.load_packs("A", {"T-EXAM-01"});
    w.run_cycle("A", "2");
    CHECK_FALSE(w.alert_open("bowie_dick_missing", "A"));
  }
  SECTION("a failed test does not count") {
    const auto bd = w.start_cycle("A", "1", "air_removal_test", "bowie-dick-134-3.5");
    w.end_cycle(bd);
    const auto r = indicator(w, "A/1", "bowie-dick", "fail");
    REQUIRE(r);
    CHECK_THAT(r->effects.front(), Catch::Contains("run no loads"));
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.load_packs("A", {"T-EXAM-01"});
    w.run_cycle("A", "2");
    CHECK(w.alert_open("bowie_dick_missing", "A"));
  }
  SECTION("the clinic's day is in its time zone") {
    // 23:30 UTC is 00:30 the next day in Berlin: the test and the 07:00 UTC
    // load are on the same clinic day there, not in UTC.
    w.clock.set(at("2026-03-10T23:30:00Z"));
    const auto bd = w.start_cycle("A", "1", "air_removal_test", "bowie-dick-134-3.5");
    w.end_cycle(bd);
    REQUIRE(indicator(w, "A/1", "bowie-dick", "pass"));
    w.clock.set(at("2026-03-11T07:00:00Z"));
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.load_packs("A", {"T-EXAM-01"});
    SECTION("Berlin") {
      w.policy.timezone = "Europe/Berlin";
      w.run_cycle("A", "2");
      CHECK_FALSE(w.alert_open("bowie_dick_missing", "A"));
    }
    SECTION("UTC") {
      w.run_cycle("A", "2");
      CHECK(w.alert_open("bowie_dick_missing", "A"));
    }
  }
  SECTION("the clinic's day keeps its length across a daylight-saving change") {
    // The test early on the 25-hour day of the autumn change, the load late
    // that evening: one clinic day, but two UTC days, and two days for a
    // fixed summer offset.
    struct Change {
      const char* zone;
      const char* test_at;  // 00:30 or 01:30 local, still summer time
      const char* load_at;  // 23:30 local, winter time
      const char* next_day_load_at;  // 00:30 local the day after
    };
    const Change change = GENERATE(Change{"Europe/Berlin", "2026-10-24T22:30:00Z", "2026-10-25T22:30:00Z",
                                          "2026-10-25T23:30:00Z"},
                                   Change{"America/New_York", "2026-11-01T05:30:00Z", "2026-11-02T04:30:00Z",
                                          "2026-11-02T05:30:00Z"});
    INFO(change.zone);
    w.policy.timezone = change.zone;
    w.clock.set(at(change.test_at));
    const auto bd = w.start_cycle("A", "1", "air_removal_test", "bowie-dick-134-3.5");
    w.end_cycle(bd);
    REQUIRE(indicator(w, "A/1", "bowie-dick", "pass"));
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.clock.set(at(change.load_at));
    w.load_packs("A", {"T-EXAM-01"});
    w.run_cycle("A", "2");
    CHECK_FALSE(w.alert_open("bowie_dick_missing", "A"));
    REQUIRE(w.assemble_tray("T-EXAM-02").ok);
    w.clock.set(at(change.next_day_load_at));
    w.load_packs("A", {"T-EXAM-02"});
    w.run_cycle("A", "3");
    CHECK(w.alert_open("bowie_dick_missing", "A"));
  }
  SECTION("the clinic's day starts at local midnight after the spring change") {
    // 2026-03-29 in Berlin has 23 hours: 22:30 UTC is 00:30 CEST on the
    // 30th, a new day (with CET's +1 it would still be the 29th).
    w.policy.timezone = "Europe/Berlin";
    w.clock.set(at("2026-03-29T05:00:00Z"));
    const auto bd = w.start_cycle("A", "1", "air_removal_test", "bowie-dick-134-3.5");
    w.end_cycle(bd);
    REQUIRE(indicator(w, "A/1", "bowie-dick", "pass"));
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.clock.set(at("2026-03-29T22:30:00Z"));
    w.load_packs("A", {"T-EXAM-01"});
    w.run_cycle("A", "2");
    CHECK(w.alert_open("bowie_dick_missing", "A"));
  }
  SECTION("gravity sterilizers need no Bowie-Dick test") {
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.load_packs("B", {"T-EXAM-01"});
    w.run_cycle("B", "1");
    CHECK_FALSE(w.alert_open("bowie_dick_missing", "B"));
  }
  w.require_chain_current();
}

TEST_CASE("bi_overdue: loads without a BI in the policy's interval", "[sterilization][workflow]") {
  WorkflowDb w;
  auto load_day = [&](const std::string& cycle) {
    REQUIRE(w.assemble_tray("T-EXAM-01").ok);
    w.load_packs("B", {"T-EXAM-01"});
    w.run_cycle("B", cycle);
    REQUIRE(w.scan(w.sink, w.return_mode, tray("T-EXAM-01")).ok);
  };
  auto check = [&] {
    store::Transaction tx(*w.db);
    check_time_rules(*w.db, w.clock.now(), w.policy);
    tx.commit();
    return w.alert_open("bi_overdue", "B");
  };
  load_day("1");
  CHECK_FALSE(check());  // the first week of use
  w.clock.advance(std::chrono::days{6});
  load_day("2");
  CHECK_FALSE(check());
  w.clock.advance(std::chrono::days{2});
  load_day("3");
  CHECK(check());  // loads in the last 7 days, no BI, in use for longer
  CHECK_FALSE(w.alert_open("bi_overdue", "A"));

  // The BI in that load is read two days later; it counts from both days.
  w.clock.advance(std::chrono::days{2});
  REQUIRE(indicator(w, "B/3", "bi", "negative"));
  CHECK_FALSE(w.alert_open("bi_overdue", "B"));
  w.clock.advance(std::chrono::days{6});  // cycle 3 ran 8 days ago, its BI was read 6 days ago
  load_day("4");
  CHECK_FALSE(check());
  w.clock.advance(std::chrono::days{2});
  load_day("5");
  CHECK(check());
  // An idle sterilizer is not overdue.
  w.clock.advance(std::chrono::days{30});
  CHECK_FALSE(check());
}

TEST_CASE("indicator input is checked before anything is written", "[sterilization][workflow]") {
  WorkflowDb w;
  const auto open = w.start_cycle("A", "1");
  CHECK_THAT(indicator(w, "A/1", "bi", "negative").error(), Catch::Contains("has not ended"));
  w.end_cycle(open);
  CHECK_THAT(indicator(w, "A/1", "bi", "negative", std::nullopt).error(), Catch::Contains("--lot"));
  CHECK_THAT(indicator(w, "A/1", "bi", "pass").error(), Catch::Contains("negative or positive"));
  CHECK_THAT(indicator(w, "A/1", "ci", "negative").error(), Catch::Contains("pass or fail"));
  CHECK_THAT(indicator(w, "A/1", "spore", "pass").error(), Catch::Contains("bi, ci or bowie-dick"));
  CHECK_THAT(indicator(w, "A/1", "bowie-dick", "pass").error(), Catch::Contains("air-removal test cycle"));
  CHECK_THAT(indicator(w, "A/99", "ci", "pass").error(), Catch::Contains("no cycle A/99"));
  CHECK_THAT(indicator(w, "Q/1", "ci", "pass").error(), Catch::Contains("unknown sterilizer"));
  CHECK_THAT(indicator(w, "A1", "ci", "pass").error(), Catch::Contains("STERILIZER/CYCLE"));
  CHECK(w.db->query_int("SELECT count(*) FROM indicators") == 0);

  REQUIRE(indicator(w, "A/1", "ci", "pass"));
  REQUIRE(indicator(w, "A/1", "ci", "fail"));
  CHECK(w.cycle_column("ci", "A", "1") == "fail");
  w.require_chain_current();
}

TEST_CASE("test cycles are logged as tests and leave the pending load alone", "[sterilization][workflow]") {
  WorkflowDb w;
  REQUIRE(w.assemble_tray("T-EXAM-01").ok);
  w.load_packs("A", {"T-EXAM-01"});
  const auto leak = w.start_cycle("A", "1", "leak_test", "leak-test");
  CHECK(w.cycle_column("status", "A", "1") == "test");
  w.end_cycle(leak);
  CHECK(w.cycle_column("status", "A", "1") == "test");
  CHECK(w.pack_state("T-EXAM-01") == "loaded");
  w.run_cycle("A", "2");
  CHECK(w.cycle_column("load", "A", "2") == "T-EXAM-01");
}

}  // namespace steritrack::sterilization::test
