#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alerts/alerts.hpp"
#include "alerts/publisher.hpp"
#include "report/compliance_db.hpp"

using namespace steritrack;
using namespace std::chrono;
using steritrack::testing::at;
using steritrack::testing::TempDb;

namespace {

struct Message {
  std::string topic;
  std::string payload;
  bool retain;
};

// Stands in for Paho: records what would have been sent, or fails on demand.
struct Recorder {
  std::vector<Message> sent;
  bool fail = false;
  alerts::Publisher::Publish fn() {
    return [this](const std::string& t, const std::string& p, bool r) {
      if (fail) throw std::runtime_error("not connected");
      sent.push_back({t, p, r});
    };
  }
  std::vector<Message> take() { return std::exchange(sent, {}); }
};

nlohmann::json json_of(const Message& m) { return nlohmann::json::parse(m.payload); }

}  // namespace

TEST_CASE("nothing is published before the first resync", "[alerts][publisher]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  Recorder rec;
  alerts::Publisher pub("steritrack", rec.fn());
  alerts::raise(db, "stockout", "00614141000012", "none", at("2026-11-27T08:00:00Z"));
  CHECK_FALSE(pub.synced());
  const auto sent = pub.publish_changes(db);
  CHECK(sent.published == 0);
  CHECK(rec.sent.empty());
  CHECK(pub.retained_filter() == "steritrack/alerts/#");
}

TEST_CASE("changes are published retained after each commit, resolution clears the topic", "[alerts][publisher]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  Recorder rec;
  alerts::Publisher pub("steritrack", rec.fn());
  pub.resync(db, {});
  CHECK(rec.take().empty());

  const auto t0 = at("2026-11-27T08:00:00Z");
  const auto id = alerts::raise(db, "expiring", alerts::lot_subject("00614141000012", "A/7"), "expires in 10 days", t0);
  auto sent = pub.publish_changes(db);
  CHECK(sent.published == 1);
  auto msgs = rec.take();
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].topic == "steritrack/alerts/expiring/00614141000012/A%2F7");
  CHECK(msgs[0].retain);
  const auto j = json_of(msgs[0]);
  CHECK(j["id"] == id);
  CHECK(j["kind"] == "expiring");
  CHECK(j["subject"] == "00614141000012/A/7");
  CHECK(j["severity"] == "info");
  CHECK(j["state"] == "open");
  CHECK(j["acknowledged_by"].is_null());
  for (const char* key : {"id", "kind", "subject", "severity", "state", "message", "first_seen", "last_seen",
                          "acknowledged_by"})
    CHECK(j.contains(key));
  CHECK(j.size() == 9);

  // Nothing changed: nothing sent.
  CHECK(pub.publish_changes(db).published == 0);

  // A repeat refreshes last_seen on the broker; an acknowledgement shows who.
  alerts::raise(db, "expiring", "00614141000012/A/7", "expires in 9 days", t0 + days(1));
  pub.publish_changes(db);
  msgs = rec.take();
  REQUIRE(msgs.size() == 1);
  CHECK(json_of(msgs[0])["last_seen"] == "2026-11-28T08:00:00Z");
  REQUIRE(alerts::acknowledge(db, id, "U-0042", t0 + days(1)));
  pub.publish_changes(db);
  msgs = rec.take();
  REQUIRE(msgs.size() == 1);
  CHECK(json_of(msgs[0])["state"] == "acknowledged");
  CHECK(json_of(msgs[0])["acknowledged_by"] == "U-0042");

  alerts::resolve(db, "expiring", "00614141000012/A/7", t0 + days(2));
  sent = pub.publish_changes(db);
  CHECK(sent.cleared == 1);
  msgs = rec.take();
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].topic == "steritrack/alerts/expiring/00614141000012/A%2F7");
  CHECK(msgs[0].payload.empty());
  CHECK(msgs[0].retain);
}

TEST_CASE("several changes go out in change order, the latest state of each", "[alerts][publisher]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  Recorder rec;
  alerts::Publisher pub("p", rec.fn());
  pub.resync(db, {});
  const auto t0 = at("2026-11-27T08:00:00Z");
  alerts::raise(db, "reorder", "G1", "low", t0);
  alerts::raise(db, "stockout", "G2", "none", t0);
  alerts::raise(db, "reorder", "G1", "lower", t0 + minutes(1));
  // Resolved then raised again before the daemon looked: clear, then the new one.
  alerts::resolve(db, "stockout", "G2", t0 + minutes(2));
  alerts::raise(db, "stockout", "G2", "none again", t0 + minutes(3));
  pub.publish_changes(db);
  const auto msgs = rec.take();
  REQUIRE(msgs.size() == 3);
  CHECK(msgs[0].topic == "p/alerts/reorder/G1");
  CHECK(json_of(msgs[0])["message"] == "lower");
  CHECK(msgs[1].topic == "p/alerts/stockout/G2");
  CHECK(msgs[1].payload.empty());
  CHECK(msgs[2].topic == "p/alerts/stockout/G2");
  CHECK(json_of(msgs[2])["message"] == "none again");
  CHECK(pub.last_change_seq() == alerts::last_change_seq(db));
}

TEST_CASE("a change written by another process is published on the next call", "[alerts][publisher]") {
  TempDb tmp;
  store::Connection daemon(tmp.path());
  store::Connection cli(tmp.path());
  Recorder rec;
  alerts::Publisher pub("steritrack", rec.fn());
  const auto t0 = at("2026-11-27T08:00:00Z");
  const auto id = alerts::raise(daemon, "bi_positive", "A/1042", "BI positive", t0);
  pub.resync(daemon, {});
  rec.take();
  {
    store::Transaction tx(cli);
    REQUIRE(alerts::acknowledge(cli, id, "U-0042", t0 + minutes(1)));
    tx.commit();
  }
  pub.publish_changes(daemon);
  const auto msgs = rec.take();
  REQUIRE(msgs.size() == 1);
  CHECK(msgs[0].topic == "steritrack/alerts/bi_positive/A/1042");
  CHECK(json_of(msgs[0])["acknowledged_by"] == "U-0042");
}

TEST_CASE("resync republishes every unresolved alert and clears stale retained topics", "[alerts][publisher]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  const auto t0 = at("2026-11-27T08:00:00Z");
  alerts::raise(db, "stockout", "G1", "none", t0);
  const auto acked = alerts::raise(db, "bi_overdue", "A", "no BI", t0);
  REQUIRE(alerts::acknowledge(db, acked, "U-0042", t0));
  alerts::raise(db, "reorder", "G3", "low", t0);
  alerts::resolve(db, "reorder", "G3", t0 + minutes(1));

  Recorder rec;
  alerts::Publisher pub("steritrack", rec.fn());
  // What the broker still retains: a live one, one resolved while the daemon
  // was away, one the database never had, one not ours.
  const auto sent = pub.resync(db, {"steritrack/alerts/stockout/G1", "steritrack/alerts/reorder/G3",
                                    "steritrack/alerts/expired/X/L1", "steritrack/status",
                                    "steritrack/alerts/reorder/G3"});
  CHECK(sent.published == 2);
  CHECK(sent.cleared == 2);
  const auto msgs = rec.take();
  REQUIRE(msgs.size() == 4);
  CHECK(msgs[0].topic == "steritrack/alerts/stockout/G1");
  CHECK_FALSE(msgs[0].payload.empty());
  CHECK(msgs[1].topic == "steritrack/alerts/bi_overdue/A");
  CHECK(json_of(msgs[1])["state"] == "acknowledged");
  CHECK(msgs[2].topic == "steritrack/alerts/reorder/G3");
  CHECK(msgs[2].payload.empty());
  CHECK(msgs[3].topic == "steritrack/alerts/expired/X/L1");
  CHECK(msgs[3].payload.empty());
  for (const auto& m : msgs) CHECK(m.retain);

  // Delivery continues from the resync, without repeating the past.
  CHECK(pub.publish_changes(db).published == 0);
  alerts::raise(db, "stockout", "G1", "still none", t0 + hours(1));
  CHECK(pub.publish_changes(db).published == 1);
}

TEST_CASE("a failed publish is retried, a lost connection waits for resync", "[alerts][publisher]") {
  TempDb tmp;
  store::Connection db(tmp.path());
  Recorder rec;
  alerts::Publisher pub("steritrack", rec.fn());
  pub.resync(db, {});
  const auto t0 = at("2026-11-27T08:00:00Z");
  alerts::raise(db, "stockout", "G1", "none", t0);
  alerts::raise(db, "stockout", "G2", "none", t0);

  rec.fail = true;
  CHECK_THROWS(pub.publish_changes(db));
  rec.fail = false;
  CHECK(pub.publish_changes(db).published == 2);  // nothing was lost
  rec.take();

  pub.disconnected();
  alerts::raise(db, "stockout", "G3", "none", t0);
  CHECK(pub.publish_changes(db).published == 0);
  CHECK(rec.sent.empty());
  CHECK(pub.resync(db, {}).published == 3);
}
