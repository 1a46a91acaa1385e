#include <catch2/catch.hpp>

#include "alerts/alerts.hpp"
#include "report/compliance_db.hpp"
#include "report/verify.hpp"

using namespace steritrack;
using namespace std::chrono;
using steritrack::testing::at;
using steritrack::testkit::TempDb;

namespace {

std::int64_t count_rows(store::Connection& db, const char* kind) {
  return db.query_int("SELECT count(*) FROM alerts WHERE kind = ?", kind).value_or(-1);
}

}  // namespace

TEST_CASE("every kind of the spec has its severity and subject form", "[alerts]") {
  CHECK(alerts::kinds().size() == 18);
  CHECK(alerts::severity_of("reorder") == alerts::Severity::warning);
  CHECK(alerts::severity_of("stockout") == alerts::Severity::critical);
  CHECK(alerts::severity_of("expiring") == alerts::Severity::info);
  CHECK(alerts::severity_of("expired") == alerts::Severity::warning);
  CHECK(alerts::severity_of("record_incomplete") == alerts::Severity::warning);
  CHECK(alerts::severity_of("device_silent") == alerts::Severity::warning);
  CHECK(alerts::severity_of("recalled_pack") == alerts::Severity::critical);
  CHECK(alerts::kind_info("expiring").subject == alerts::SubjectKind::lot);
  CHECK(alerts::kind_info("recall").subject == alerts::SubjectKind::cycle);
  CHECK(alerts::kind_info("bi_overdue").subject == alerts::SubjectKind::sterilizer);
  CHECK(alerts::kind_info("tray_incomplete").subject == alerts::SubjectKind::tray);
  CHECK_THROWS_AS(alerts::severity_of("stock_out"), std::logic_error);
  CHECK(alerts::lot_subject("00614141000012", "A/7") == "00614141000012/A/7");
  CHECK(alerts::cycle_subject("A", "1042") == "A/1042");
}

TEST_CASE("raising twice keeps one alert and updates last_seen", "[alerts]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  const auto t0 = at("2026-11-27T08:00:00Z");
  const auto id = alerts::raise(db, "stockout", "00614141000012", "gloves: none on hand", t0);
  const auto again = alerts::raise(db, "stockout", "00614141000012", "gloves: still none", t0 + minutes(5));
  CHECK(again == id);
  CHECK(count_rows(db, "stockout") == 1);
  const auto a = *alerts::find(db, id);
  CHECK(a.state == "open");
  CHECK(a.severity == "critical");
  CHECK(a.first_seen == "2026-11-27T08:00:00Z");
  CHECK(a.last_seen == "2026-11-27T08:05:00Z");
  CHECK(a.message == "gloves: still none");
  // Another subject or another kind is another alert.
  alerts::raise(db, "stockout", "00614141000029", "masks: none on hand", t0);
  alerts::raise(db, "reorder", "00614141000012", "gloves: order now", t0);
  CHECK(alerts::list(db, false).size() == 3);
}

TEST_CASE("set resolves when the condition clears and raises a new alert when it returns", "[alerts]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  const auto t0 = at("2026-11-27T08:00:00Z");
  alerts::set(db, true, "reorder", "00614141000012", "gloves: 2 left", t0);
  CHECK(alerts::is_unresolved(db, "reorder", "00614141000012"));
  alerts::set(db, false, "reorder", "00614141000012", "gloves: restocked", t0 + hours(1));
  CHECK_FALSE(alerts::is_unresolved(db, "reorder", "00614141000012"));
  CHECK(alerts::list(db, false).empty());
  const auto all = alerts::list(db, true);
  REQUIRE(all.size() == 1);
  CHECK(all[0].state == "resolved");
  CHECK(db.query_text("SELECT resolved_at FROM alerts WHERE id = ?", all[0].id) == "2026-11-27T09:00:00Z");
  // Clearing what is already clear changes nothing.
  CHECK_FALSE(alerts::resolve(db, "reorder", "00614141000012", t0 + hours(2)));
  // The condition returns: a new alert, the resolved one stays in the history.
  const auto id2 = alerts::raise(db, "reorder", "00614141000012", "gloves: 1 left", t0 + hours(3));
  CHECK(id2 != all[0].id);
  CHECK(alerts::list(db, true).size() == 2);
  CHECK(alerts::list(db, false).size() == 1);
}

TEST_CASE("a caller naming the severity must name the kind's", "[alerts]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  const auto t0 = at("2026-11-27T08:00:00Z");
  CHECK_NOTHROW(alerts::raise(db, "bi_positive", "A/1042", alerts::Severity::critical, "BI positive", t0));
  CHECK_THROWS_AS(alerts::raise(db, "expiring", "X/L1", alerts::Severity::critical, "soon", t0), std::logic_error);
  CHECK_THROWS_AS(alerts::set(db, true, "bi_overdue", "A", alerts::Severity::info, "no BI", t0), std::logic_error);
  CHECK_THROWS_AS(alerts::raise(db, "no_such_kind", "A", "x", t0), std::logic_error);
}

TEST_CASE("acknowledge records who and when, once, and only for open alerts", "[alerts]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  const auto t0 = at("2026-11-27T08:00:00Z");
  const auto id = alerts::raise(db, "bi_overdue", "A", "no BI for 8 days", t0);

  auto refused = alerts::acknowledge(db, id, "0042", t0);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error(), Catch::Contains("badge"));
  refused = alerts::acknowledge(db, id, "U-", t0);
  CHECK_FALSE(refused);
  refused = alerts::acknowledge(db, 999, "U-0042", t0);
  REQUIRE_FALSE(refused);
  CHECK(refused.error() == "no alert 999");
  CHECK(alerts::find(db, id)->state == "open");

  const auto acked = alerts::acknowledge(db, id, "U-0042", t0 + minutes(3));
  REQUIRE(acked);
  CHECK(acked->state == "acknowledged");
  CHECK(acked->acknowledged_by == "U-0042");
  CHECK(db.query_text("SELECT acknowledged_at FROM alerts WHERE id = ?", id) == "2026-11-27T08:03:00Z");
  // The acknowledgement is under the chain.
  CHECK(db.query_int("SELECT count(*) FROM chain WHERE record_type = 'alert' AND record_key = ?",
                     std::to_string(id)) == 1);

  refused = alerts::acknowledge(db, id, "U-0043", t0 + minutes(4));
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error(), Catch::Contains("already acknowledged by U-0042"));

  // A repeat keeps it acknowledged; resolving ends it; a resolved one cannot be acknowledged.
  alerts::raise(db, "bi_overdue", "A", "no BI for 9 days", t0 + days(1));
  CHECK(alerts::find(db, id)->state == "acknowledged");
  CHECK(alerts::find(db, id)->acknowledged_by == "U-0042");
  alerts::resolve(db, "bi_overdue", "A", t0 + days(2));
  refused = alerts::acknowledge(db, id, "U-0042", t0 + days(3));
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error(), Catch::Contains("already resolved"));
  // Resolving an acknowledged alert is chained too, so the record still verifies.
  CHECK(db.query_int("SELECT count(*) FROM chain WHERE record_type = 'alert'") == 2);
  CHECK(report::verify(db).ok());
}

TEST_CASE("an event alert resolves when acknowledged, so the next event opens a new one", "[alerts]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  const auto t0 = at("2026-11-27T08:00:00Z");
  const auto first = alerts::raise(db, "expired_pack", "T-EXAM-03", "expired pack scanned for issue", t0);

  const auto acked = alerts::acknowledge(db, first, "U-0001", t0 + minutes(5));
  REQUIRE(acked);
  CHECK(acked->state == "resolved");
  CHECK(acked->acknowledged_by == "U-0001");
  CHECK(alerts::list(db, false).empty());
  CHECK(report::verify(db).ok());

  // A month later the same tray is expired again: a new, open alert.
  const auto second = alerts::raise(db, "expired_pack", "T-EXAM-03", "expired pack scanned for issue", t0 + days(30));
  CHECK(second != first);
  CHECK(alerts::find(db, second)->state == "open");

  // A condition stays acknowledged until it clears.
  const auto low = alerts::raise(db, "reorder", "G1", "low", t0);
  REQUIRE(alerts::acknowledge(db, low, "U-0001", t0 + minutes(1)));
  CHECK(alerts::find(db, low)->state == "acknowledged");
}

TEST_CASE("every change takes the next change_seq, across connections", "[alerts]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  store::Connection cli(tmp.path());  // another writer, like the CLI
  const auto t0 = at("2026-11-27T08:00:00Z");
  CHECK(alerts::last_change_seq(db) == 0);
  const auto a = alerts::raise(db, "stockout", "G1", "none", t0);
  const auto b = alerts::raise(cli, "reorder", "G2", "low", t0);
  alerts::raise(db, "stockout", "G1", "none", t0 + minutes(1));
  {
    store::Transaction tx(cli);
    REQUIRE(alerts::acknowledge(cli, b, "U-0042", t0 + minutes(2)));
    tx.commit();
  }
  alerts::resolve(db, "stockout", "G1", t0 + minutes(3));
  CHECK(alerts::last_change_seq(db) == 5);

  auto changed = alerts::changed_since(db, 0);
  REQUIRE(changed.size() == 2);  // one row per alert, at its latest change
  CHECK(changed[0].id == b);
  CHECK(changed[0].change_seq == 4);
  CHECK(changed[1].id == a);
  CHECK(changed[1].change_seq == 5);
  changed = alerts::changed_since(db, 4);
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].state == "resolved");
  CHECK(alerts::changed_since(db, 5).empty());
}

TEST_CASE("topics percent-encode each part of the subject", "[alerts]") {
  CHECK(alerts::topic("steritrack", "expiring", "00614141000012/A/7") ==
        "steritrack/alerts/expiring/00614141000012/A%2F7");
  CHECK(alerts::topic("clinic/one", "recall", "A/1042") == "clinic/one/alerts/recall/A/1042");
  CHECK(alerts::topic("steritrack", "expired", "00614141000012/L%1+#") ==
        "steritrack/alerts/expired/00614141000012/L%251%2B%23");
  CHECK(alerts::topic("steritrack", "stockout", "+H123ABC0123") == "steritrack/alerts/stockout/%2BH123ABC0123");
  // A one-part subject is encoded whole, '/' included.
  CHECK(alerts::topic("steritrack", "tray_incomplete", "T-A/B") == "steritrack/alerts/tray_incomplete/T-A%2FB");
  CHECK(alerts::topic("steritrack", "bi_overdue", "A") == "steritrack/alerts/bi_overdue/A");
  CHECK(alerts::encode_topic_part("a%2F") == "a%252F");
}

TEST_CASE("the payload is a JSON object with the alerts columns", "[alerts]") {
  alerts::Alert a;
  a.id = 7;
  a.kind = "bi_positive";
  a.subject = "A/1042";
  a.severity = "critical";
  a.state = "open";
  a.message = "BI \"positive\"";
  a.first_seen = "2026-11-27T08:00:00Z";
  a.last_seen = "2026-11-27T08:00:00Z";
  CHECK(alerts::payload(a) ==
        R"({"id":7,"kind":"bi_positive","subject":"A/1042","severity":"critical","state":"open",)"
        R"("message":"BI \"positive\"","first_seen":"2026-11-27T08:00:00Z","last_seen":"2026-11-27T08:00:00Z",)"
        R"("acknowledged_by":null})");
  a.acknowledged_by = "U-0042";
  CHECK_THAT(alerts::payload(a), Catch::EndsWith(R"("acknowledged_by":"U-0042"})"));
}
