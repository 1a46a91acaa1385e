// Reorder, stockout, expiring and expired: raised once, resolved when the
// condition clears, on movements, orders and the calendar.
#include <catch2/catch.hpp>

#include "common/error_kind.hpp"

#include "inventory/orders.hpp"
#include "inventory/stock.hpp"
#include "inventory/stock_alerts.hpp"
#include "inventory_fixture.hpp"

using namespace steritrack;
using namespace steritrack::inventory;
using namespace steritrack::inventory::test;
using namespace std::chrono;

namespace {

struct Moves {
  Fixture& f;
  Origin origin() const { return Origin{std::nullopt, "desk", "U-0042", f.clock.now()}; }
  Receipt receive(const std::string& code, const std::string& lot, std::optional<year_month_day> expiry,
                  std::int64_t n, const std::string& location = "L-STORE-1") {
    store::Transaction tx(f.db);
    auto r = inventory::receive(f.db, f.supply(code), LabelLot{lot, expiry}, n, location, origin(), f.policy);
    tx.commit();
    return r;
  }
  Consumption consume(const std::string& code, std::int64_t n, const std::string& location = "L-STORE-1") {
    store::Transaction tx(f.db);
    auto c = inventory::consume(f.db, f.supply(code), std::nullopt, n, location, origin(), f.policy);
    tx.commit();
    return c;
  }
  DateCheck check_dates() {
    store::Transaction tx(f.db);
    const auto r = inventory::check_dates(f.db, f.clock.now(), f.policy);
    tx.commit();
    return r;
  }
};

std::string first_seen(Fixture& f, const std::string& kind, const std::string& subject) {
  return *f.db.query_text("SELECT first_seen FROM alerts WHERE kind = ? AND subject = ? AND state <> 'resolved'",
                          kind, subject);
}

}  // namespace

TEST_CASE("reorder: raised once at the reorder point, stays, cleared by an order, back on cancel",
          "[inventory][alerts]") {
  Fixture f;
  Moves m{f};
  m.receive(kGloves, "A", 2027y / March / 31, 12);
  CHECK_FALSE(f.alert_open("reorder", kGloves));
  m.consume(kGloves, 3);  // 9 > 8
  CHECK_FALSE(f.alert_open("reorder", kGloves));

  f.clock.advance(hours{1});
  m.consume(kGloves, 1);  // 8 <= 8
  REQUIRE(f.alert_open("reorder", kGloves));
  CHECK(first_seen(f, "reorder", kGloves) == "2026-11-27T09:00:00Z");
  CHECK(*f.db.query_text("SELECT message FROM alerts WHERE kind = 'reorder' AND state = 'open' AND subject = ?",
                         kGloves) ==
        "Nitrile exam gloves M (box 100): 8 on hand + 0 on order, reorder point 8 — order 24 from Henry Schein");
  CHECK(*f.db.query_text("SELECT severity FROM alerts WHERE kind = 'reorder' AND state = 'open' AND subject = ?",
                         kGloves) == "warning");

  f.clock.advance(hours{1});
  m.consume(kGloves, 2);
  CHECK(f.db.query_int("SELECT count(*) FROM alerts WHERE kind = 'reorder' AND subject = ? AND state <> 'resolved'",
                       kGloves) == 1);
  CHECK(first_seen(f, "reorder", kGloves) == "2026-11-27T09:00:00Z");

  // 6 on hand + 24 on order > 8: the order clears it in the same transaction.
  std::int64_t order_id = 0;
  {
    store::Transaction tx(f.db);
    const auto order = add_order(f.db, kGloves, 24, f.clock.now());
    REQUIRE(order);
    order_id = order->id;
    CHECK_FALSE(f.alert_open("reorder", kGloves));
    tx.commit();
  }
  CHECK_FALSE(f.alert_open("reorder", kGloves));

  {
    store::Transaction tx(f.db);
    REQUIRE(cancel_order(f.db, order_id, f.clock.now()));
    tx.commit();
  }
  CHECK(f.alert_open("reorder", kGloves));
  CHECK(find_order(f.db, order_id)->status == "cancelled");

  SECTION("a receipt back above the reorder point resolves it") {
    m.receive(kGloves, "B", 2027y / June / 30, 3);
    CHECK_FALSE(f.alert_open("reorder", kGloves));
    CHECK(f.db.query_text("SELECT resolved_at FROM alerts WHERE kind = 'reorder' AND subject = ? ORDER BY id DESC",
                          kGloves) == "2026-11-27T10:00:00Z");
  }
}

TEST_CASE("stockout: critical at no usable stock, resolved on receipt", "[inventory][alerts]") {
  Fixture f;
  Moves m{f};
  m.receive(kPouches, "P", 2027y / March / 31, 2);
  CHECK_FALSE(f.alert_open("stockout", kPouches));
  m.consume(kPouches, 2);
  REQUIRE(f.alert_open("stockout", kPouches));
  CHECK(*f.db.query_text("SELECT severity FROM alerts WHERE kind = 'stockout' AND state = 'open' AND subject = ?",
                         kPouches) == "critical");
  m.consume(kPouches, 1);
  CHECK(f.alert_rows("stockout", kPouches) == 2);  // the import's (resolved) and this one
  m.receive(kPouches, "P", std::nullopt, 1);
  CHECK_FALSE(f.alert_open("stockout", kPouches));
}

TEST_CASE("cancel and add orders: refusals", "[inventory][alerts]") {
  Fixture f;
  store::Transaction tx(f.db);
  CHECK_THAT(add_order(f.db, kGloves, 0, f.clock.now()).error(), Catch::Contains("at least 1"));
  CHECK_THAT(add_order(f.db, "00614141000999", 1, f.clock.now()).error(), Catch::Contains("not in the supplies"));
  CHECK_THAT(add_order(f.db, "123", 1, f.clock.now()).error(), Catch::Contains("code"));
  CHECK(add_order(f.db, "614141000012", 1, f.clock.now())->code == kGloves);
  CHECK_THAT(cancel_order(f.db, 99, f.clock.now()).error(), Catch::Contains("no order 99"));
  REQUIRE(cancel_order(f.db, 1, f.clock.now()));
  CHECK_THAT(cancel_order(f.db, 1, f.clock.now()).error(), Catch::Contains("already cancelled"));
  // The kinds the CLI's exit codes and the web API's statuses come from.
  CHECK(cancel_order(f.db, 1, f.clock.now()).error_kind() == ErrorKind::conflict);
  CHECK(cancel_order(f.db, 99, f.clock.now()).error_kind() == ErrorKind::not_found);
  CHECK(add_order(f.db, kGloves, 0, f.clock.now()).error_kind() == ErrorKind::bad_input);
  CHECK(http_status(ErrorKind::not_found) == 404);
  CHECK(http_status(ErrorKind::conflict) == 409);
  CHECK(http_status(ErrorKind::bad_input) == 400);
}

TEST_CASE("expiring and expired follow the calendar: a month ahead with a manual clock", "[inventory][alerts]") {
  Fixture f;
  Moves m{f};
  const std::string subject = kGloves + "/A12";
  m.receive(kGloves, "A12", 2027y / January / 10, 10);  // 44 days ahead
  m.receive(kGloves, "FRESH", 2028y / January / 31, 5);
  CHECK_FALSE(f.alert_open("expiring", subject));
  CHECK(m.check_dates().lots == 0);

  f.clock.advance(days{20});  // 2026-12-17: 24 days left
  CHECK_FALSE(f.alert_open("expiring", subject));  // nothing moved: only the daily check sees it
  m.check_dates();
  REQUIRE(f.alert_open("expiring", subject));
  CHECK(*f.db.query_text("SELECT message FROM alerts WHERE kind = 'expiring' AND state = 'open'") ==
        "Nitrile exam gloves M (box 100) lot A12 expires 2027-01-10 (in 24 days): 10 on hand");
  CHECK_FALSE(f.alert_open("reorder", kGloves));

  // Again the same day: still one alert, and nothing to publish again.
  const auto seq = f.db.query_int("SELECT max(change_seq) FROM alerts");
  m.check_dates();
  CHECK(f.alert_rows("expiring", subject) == 1);
  CHECK(f.db.query_int("SELECT max(change_seq) FROM alerts") == seq);

  f.clock.advance(days{31});  // 2027-01-17: expired a week ago
  m.check_dates();
  CHECK_FALSE(f.alert_open("expiring", subject));
  REQUIRE(f.alert_open("expired", subject));
  CHECK(*f.db.query_text("SELECT message FROM alerts WHERE kind = 'expired' AND state = 'open'") ==
        "Nitrile exam gloves M (box 100) lot A12 expired 2027-01-10: 10 on hand — take it out of use");
  // Only 5 usable left (5 <= 8): the calendar alone raised the reorder alert.
  CHECK(f.alert_open("reorder", kGloves));
  CHECK_THAT(*f.db.query_text("SELECT message FROM alerts WHERE kind = 'reorder' AND state = 'open' AND subject = ?",
                              kGloves),
             Catch::StartsWith("Nitrile exam gloves M (box 100): 5 on hand"));
  CHECK_FALSE(f.alert_open("expiring", kGloves + "/FRESH"));

  // Using up the expired lot resolves its alert (FEFO takes usable stock first,
  // so name the lot).
  {
    store::Transaction tx(f.db);
    consume(f.db, f.supply(kGloves), LabelLot{"A12", std::nullopt}, 10, "L-STORE-1", m.origin(), f.policy);
    tx.commit();
  }
  CHECK_FALSE(f.alert_open("expired", subject));
}

TEST_CASE("a receipt of a lot that is already expiring raises at once", "[inventory][alerts]") {
  Fixture f;
  Moves m{f};
  m.receive(kPouches, "", 2026y / December / 1, 3);
  CHECK(f.alert_open("expiring", kPouches + "/(no lot)"));
  m.receive(kPouches, "OLD", 2026y / November / 1, 1);
  CHECK(f.alert_open("expired", kPouches + "/OLD"));
}

TEST_CASE("check_dates resolves what no longer holds: a shorter warning window", "[inventory][alerts]") {
  Fixture f;
  Moves m{f};
  m.receive(kGloves, "A12", 2026y / December / 20, 10);  // 23 days
  REQUIRE(f.alert_open("expiring", kGloves + "/A12"));
  f.policy.expiry_warning_days = 10;
  const auto r = m.check_dates();
  CHECK(r.lots == 1);
  CHECK_FALSE(f.alert_open("expiring", kGloves + "/A12"));
}

TEST_CASE("a lot with '/' in it: subject CODE/LOT", "[inventory][alerts]") {
  Fixture f;
  Moves m{f};
  m.receive(kGloves, "A/7", 2026y / November / 1, 1);
  CHECK(f.alert_open("expired", kGloves + "/A/7"));
  f.clock.advance(days{1});
  m.check_dates();
  CHECK(f.alert_rows("expired", kGloves + "/A/7") == 1);
}

TEST_CASE("reorder list: only what needs ordering, by vendor then name, with suggestions", "[inventory][alerts]") {
  Fixture f;
  Moves m{f};
  m.receive(kGloves, "A", 2027y / March / 31, 7);     // 7 <= 8
  m.receive(kPouches, "P", 2027y / March / 31, 10);   // 10 > 4
  m.receive(kHibcSupply, "L", 2026y / November / 1, 5);  // expired: 0 usable <= 2
  {
    store::Transaction tx(f.db);
    REQUIRE(add_order(f.db, kGloves, 1, f.clock.now()));
    tx.commit();
  }
  auto list = reorder_list(f.db, f.clock.now(), std::nullopt);
  REQUIRE(list.size() == 2);
  CHECK(list[0].code == kGloves);  // Henry Schein before Straumann
  CHECK(list[0].on_hand == 7);
  CHECK(list[0].on_order == 1);
  CHECK(list[0].suggested_qty == 24);  // par 20 - 8 = 12 < reorder qty 24
  CHECK(list[1].code == kHibcSupply);
  CHECK(list[1].on_hand == 0);
  CHECK(list[1].suggested_qty == 6);
  list = reorder_list(f.db, f.clock.now(), std::string{"Straumann"});
  REQUIRE(list.size() == 1);
  CHECK(list[0].vendor == "Straumann");
}

TEST_CASE("stock list, transfer and the append-only ledger", "[inventory][stock]") {
  Fixture f;
  Moves m{f};
  m.receive(kGloves, "A", 2027y / March / 31, 10);
  m.receive(kGloves, "B", 2027y / January / 31, 4);
  m.receive(kPouches, "", std::nullopt, 2);
  {
    store::Transaction tx(f.db);
    const auto moved = transfer(f.db, f.supply(kGloves), "A", "L-STORE-1", "L-OP-1", 3, m.origin());
    REQUIRE(moved);
    CHECK(*moved == 3);
    CHECK_THAT(transfer(f.db, f.supply(kGloves), "A", "L-STORE-1", "L-OP-1", 30, m.origin()).error(),
               Catch::Contains("only 7"));
    CHECK_FALSE(transfer(f.db, f.supply(kGloves), "Z", "L-STORE-1", "L-OP-1", 1, m.origin()));
    CHECK_FALSE(transfer(f.db, f.supply(kGloves), "A", "L-OP-1", "L-OP-1", 1, m.origin()));
    tx.commit();
  }
  const auto stock = stock_list(f.db);
  REQUIRE(stock.size() == 4);
  CHECK(stock[0].name == "Nitrile exam gloves M (box 100)");
  CHECK(stock[0].lot == "B");  // earliest expiry first
  CHECK(stock[1].lot == "A");
  CHECK(stock[1].location == "L-OP-1");
  CHECK(stock[1].quantity == 3);
  CHECK(stock[2].location == "L-STORE-1");
  CHECK(stock[2].quantity == 7);
  CHECK(stock[3].lot.empty());
  CHECK_FALSE(stock[3].expiry);
  CHECK(on_hand(f.db, kGloves) == 14);
  CHECK(f.count_rows("SELECT count(*) FROM stock_ledger WHERE kind = 'transfer'") == 2);

  CHECK_THROWS_AS(f.db.execute("UPDATE stock_ledger SET delta = 0"), store::DatabaseError);
  CHECK_THROWS_AS(f.db.execute("DELETE FROM stock_ledger"), store::DatabaseError);
}
