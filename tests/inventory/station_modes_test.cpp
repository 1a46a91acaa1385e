// The RECEIVE, CONSUME and COUNT station modes against a real SQLite file.
#include <catch2/catch.hpp>

#include "inventory/orders.hpp"
#include "inventory/station_modes.hpp"
#include "inventory/stock.hpp"
#include "inventory_fixture.hpp"

using namespace steritrack;
using namespace steritrack::inventory;
using namespace steritrack::inventory::test;
using namespace std::chrono;

namespace {

// A station driven like the daemon's dispatcher does: one transaction per scan.
struct Station {
  Fixture& f;
  stations::Station state{"desk", stations::Mode::receive, "U-0042", "L-STORE-1", nullptr};
  std::int64_t next_scan = 1;

  template <typename Call>
  stations::Outcome run(Call call) {
    store::Transaction tx(f.db);
    stations::ScanContext ctx{f.db, state, f.policy, f.clock.now(), next_scan++};
    auto outcome = call(ctx);
    tx.commit();
    return outcome;
  }
  stations::Outcome scan(stations::ModeHandler& mode, const codes::Code& code) {
    return run([&](stations::ScanContext& ctx) { return mode.scan(ctx, code); });
  }
  stations::Outcome enter(stations::ModeHandler& mode) {
    return run([&](stations::ScanContext& ctx) { return mode.enter(ctx); });
  }
  stations::Outcome done(stations::ModeHandler& mode) {
    return run([&](stations::ScanContext& ctx) { return mode.done(ctx); });
  }
  stations::Outcome cancel(stations::ModeHandler& mode) {
    return run([&](stations::ScanContext& ctx) { return mode.cancel(ctx); });
  }
};

std::int64_t qty(Fixture& f, const std::string& code, const std::string& lot, const std::string& location) {
  return f.db
      .query_int("SELECT s.quantity FROM stock s JOIN lots l ON l.id = s.lot_id"
                 " WHERE l.supply = ? AND l.lot = ? AND s.location = ?",
                 code, lot, location)
      .value_or(0);
}

std::optional<std::string> expiry_of(Fixture& f, const std::string& code, const std::string& lot) {
  return f.db.query_text("SELECT expiry FROM lots WHERE supply = ? AND lot = ?", code, lot);
}

}  // namespace

TEST_CASE("RECEIVE a GS1 label with a count, lot and expiry", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  const auto out = desk.scan(receive, gs1(kGloves, "A12", 2027y / March / 31, 24));
  CHECK(out.ok);
  CHECK(out.message == "Received 24 × Nitrile exam gloves M (box 100) lot A12 exp 2027-03-31 — on hand 24");
  CHECK(qty(f, kGloves, "A12", "L-STORE-1") == 24);

  auto& s = f.db.query("SELECT kind, delta, balance, scan, station, operator, source FROM stock_ledger");
  REQUIRE(s.step());
  CHECK(s.get_text(0) == "receive");
  CHECK(s.get_int(1) == 24);
  CHECK(s.get_int(2) == 24);
  CHECK(s.get_int(3) == 1);
  CHECK(s.get_text(4) == "desk");
  CHECK(s.get_text(5) == "U-0042");
  CHECK(s.get_text(6) == "scan");
  CHECK_FALSE(s.step());

  // 24 > reorder point 8: the import's reorder and stockout alerts resolve.
  CHECK_FALSE(f.alert_open("reorder", kGloves));
  CHECK_FALSE(f.alert_open("stockout", kGloves));

  // The same lot again adds up.
  CHECK(desk.scan(receive, gs1(kGloves, "A12", 2027y / March / 31, 7)).message ==
        "Received 7 × Nitrile exam gloves M (box 100) lot A12 exp 2027-03-31 — on hand 31");
}

TEST_CASE("RECEIVE a bare GTIN and an HIBC label", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  auto out = desk.scan(receive, bare_gtin(kPouches));
  CHECK(out.ok);
  CHECK(out.message == "Received 1 × Self-seal pouch 3.5x9 (200) — on hand 1");
  CHECK(qty(f, kPouches, "", "L-STORE-1") == 1);

  out = desk.scan(receive, hibc("H123", "ABC0123", "LOT77", 2028y / June / 15, 3));
  CHECK(out.ok);
  CHECK(out.message == "Received 3 × Dental implant 4.0x10 mm lot LOT77 exp 2028-06-15 — on hand 3");
  CHECK(qty(f, kHibcSupply, "LOT77", "L-STORE-1") == 3);
}

TEST_CASE("a known expiry is never wiped by a label without one", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  ConsumeMode consume;
  desk.scan(receive, gs1(kGloves, "A12", 2027y / March / 31, 10));
  CHECK(expiry_of(f, kGloves, "A12") == "2027-03-31");

  auto out = desk.scan(receive, gs1(kGloves, "A12", std::nullopt, 2));
  CHECK(expiry_of(f, kGloves, "A12") == "2027-03-31");
  CHECK(out.message == "Received 2 × Nitrile exam gloves M (box 100) lot A12 exp 2027-03-31 — on hand 12");
  desk.scan(consume, gs1(kGloves, "A12"));
  CHECK(expiry_of(f, kGloves, "A12") == "2027-03-31");

  SECTION("a later date on a label does not move it") {
    out = desk.scan(receive, gs1(kGloves, "A12", 2027y / May / 1, 1));
    CHECK(expiry_of(f, kGloves, "A12") == "2027-03-31");
    CHECK_THAT(out.message, Catch::Contains("also labelled exp 2027-05-01: the earlier date is kept"));
  }
  SECTION("an earlier date on a label replaces it") {
    out = desk.scan(receive, gs1(kGloves, "A12", 2027y / February / 28, 1));
    CHECK(expiry_of(f, kGloves, "A12") == "2027-02-28");
    CHECK_THAT(out.message, Catch::Contains("lot A12 exp 2027-02-28"));
    CHECK_THAT(out.message, Catch::Contains("also labelled exp 2027-03-31"));
  }
  SECTION("a lot first seen without an expiry gets it from a later label") {
    desk.scan(receive, gs1(kGloves, "B7", std::nullopt, 1));
    CHECK_FALSE(expiry_of(f, kGloves, "B7"));
    desk.scan(receive, gs1(kGloves, "B7", 2027y / August / 31, 1));
    CHECK(expiry_of(f, kGloves, "B7") == "2027-08-31");
  }
}

TEST_CASE("unknown supply codes are refused, named and noted, nothing else changes", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  ConsumeMode consume;
  auto out = desk.scan(receive, gs1("00614141000999", "X1", 2027y / March / 31, 5));
  CHECK_FALSE(out.ok);
  CHECK_THAT(out.message, Catch::Contains("Unknown supply 00614141000999"));
  desk.state.id = "op-1";
  out = desk.scan(consume, bare_gtin("00614141000999"));
  CHECK_FALSE(out.ok);
  const auto unknown = unknown_codes(f.db);
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].code == "00614141000999");
  CHECK(unknown[0].times_scanned == 2);
  CHECK(unknown[0].last_station == "op-1");
  CHECK(f.count_rows("SELECT count(*) FROM lots") == 0);
  CHECK(f.count_rows("SELECT count(*) FROM stock_ledger") == 0);
}

TEST_CASE("other labels, a missing location and a zero count are refused", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  codes::Code tray;
  tray.kind = codes::Kind::tray;
  tray.text = tray.label = "T-ORTHO-03";
  auto out = desk.scan(receive, tray);
  CHECK_FALSE(out.ok);
  CHECK(out.message == "RECEIVE takes supply labels; T-ORTHO-03 is a tray label");

  codes::Code pallet;
  pallet.kind = codes::Kind::gs1;
  pallet.text = "00106141410000000001";
  pallet.sscc = "106141410000000001";
  out = desk.scan(receive, pallet);
  CHECK_FALSE(out.ok);
  CHECK_THAT(out.message, Catch::Contains("no product number"));

  out = desk.scan(receive, gs1(kGloves, "A1", std::nullopt, 0));
  CHECK_FALSE(out.ok);
  CHECK_THAT(out.message, Catch::Contains("count is 0"));

  desk.state.location.clear();
  out = desk.scan(receive, gs1(kGloves, "A1"));
  CHECK_FALSE(out.ok);
  CHECK_THAT(out.message, Catch::Contains("has no location"));
  CHECK(f.count_rows("SELECT count(*) FROM stock_ledger") == 0);
}

TEST_CASE("CONSUME takes the first-expiring lot when the label has none", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  ConsumeMode consume;
  desk.scan(receive, gs1(kGloves, "LATE", 2027y / June / 30, 20));
  desk.scan(receive, gs1(kGloves, "SOON", 2027y / January / 31, 3));
  // An earlier lot elsewhere is not taken from here.
  desk.state.location = "L-OP-1";
  desk.scan(receive, gs1(kGloves, "OTHER-ROOM", 2026y / December / 31, 5));
  desk.state.location = "L-STORE-1";

  auto out = desk.scan(consume, bare_gtin(kGloves));
  CHECK(out.ok);
  CHECK(out.message == "Consumed 1 × Nitrile exam gloves M (box 100) lot SOON exp 2027-01-31 — on hand 27");
  CHECK(qty(f, kGloves, "SOON", "L-STORE-1") == 2);

  SECTION("a lot on the label is taken from that lot") {
    out = desk.scan(consume, gs1(kGloves, "LATE", 2027y / June / 30));
    CHECK(qty(f, kGloves, "LATE", "L-STORE-1") == 19);
    CHECK(qty(f, kGloves, "SOON", "L-STORE-1") == 2);
  }
  SECTION("a case label spills over to the next lot") {
    out = desk.scan(consume, gs1(kGloves, std::nullopt, std::nullopt, 5));
    CHECK(out.ok);
    CHECK(out.message ==
          "Consumed 5 × Nitrile exam gloves M (box 100): 2 lot SOON exp 2027-01-31, 3 lot LATE exp 2027-06-30 — "
          "on hand 22");
    CHECK(qty(f, kGloves, "SOON", "L-STORE-1") == 0);
    CHECK(qty(f, kGloves, "LATE", "L-STORE-1") == 17);
    CHECK(f.count_rows("SELECT count(*) FROM stock_ledger WHERE kind = 'consume'") == 3);
  }
}

TEST_CASE("CONSUME below zero is booked as a discrepancy, on-hand stays at 0", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  ConsumeMode consume;
  desk.scan(receive, gs1(kPouches, "P1", 2027y / March / 31, 2));
  auto out = desk.scan(consume, gs1(kPouches, std::nullopt, std::nullopt, 3));
  CHECK(out.ok);
  CHECK(out.message ==
        "Consumed 3 × Self-seal pouch 3.5x9 (200): 2 lot P1 exp 2027-03-31 — on hand 0 — out of stock — 1 more than "
        "L-STORE-1 had on record: booked as a discrepancy, please count this supply");
  CHECK(qty(f, kPouches, "P1", "L-STORE-1") == 0);
  CHECK(f.alert_open("stockout", kPouches));
  const auto d = discrepancies(f.db);
  REQUIRE(d.size() == 1);
  CHECK(d[0].shortfall == 1);
  CHECK(d[0].lot == "P1");
  CHECK(d[0].location == "L-STORE-1");
  CHECK(d[0].operator_badge == "U-0042");

  SECTION("nothing at all on record here") {
    desk.state.location = "L-OP-1";
    out = desk.scan(consume, bare_gtin(kPouches));
    CHECK(out.ok);
    CHECK_THAT(out.message, Catch::Contains("1 more than L-OP-1 had on record"));
    CHECK(discrepancies(f.db).size() == 2);
    CHECK(f.count_rows("SELECT min(quantity) FROM stock") == 0);
  }
  SECTION("a lot never received") {
    out = desk.scan(consume, gs1(kPouches, "NEVER", 2027y / April / 30));
    CHECK(out.ok);
    CHECK(discrepancies(f.db).front().lot == "NEVER");
    CHECK(expiry_of(f, kPouches, "NEVER") == "2027-04-30");
  }
}

TEST_CASE("CONSUME of an expired lot warns the person", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  ConsumeMode consume;
  desk.scan(receive, gs1(kGloves, "OLD", 2026y / November / 1, 2));
  const auto out = desk.scan(consume, bare_gtin(kGloves));
  CHECK(out.ok);
  CHECK_THAT(out.message, Catch::Contains("WARNING: lot OLD expired 2026-11-01, do not use it"));
}

TEST_CASE("RECEIVE credits open orders oldest first, partially", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  store::Transaction tx(f.db);
  const auto first = add_order(f.db, kGloves, 10, f.clock.now());
  const auto second = add_order(f.db, kGloves, 24, f.clock.now());
  const auto other = add_order(f.db, kPouches, 5, f.clock.now());
  tx.commit();
  REQUIRE(first);
  REQUIRE(second);

  auto out = desk.scan(receive, gs1(kGloves, "A1", 2027y / March / 31, 30));
  CHECK(out.message ==
        "Received 30 × Nitrile exam gloves M (box 100) lot A1 exp 2027-03-31 — on hand 30; order 1: 10 of 10 received; "
        "order 2: 20 of 24 received");
  CHECK(find_order(f.db, first->id)->status == "received");
  CHECK(find_order(f.db, second->id)->status == "partial");
  CHECK(find_order(f.db, second->id)->received == 20);
  CHECK(find_order(f.db, other->id)->status == "open");
  CHECK(on_order(f.db, kGloves) == 4);
  CHECK(f.count_rows("SELECT sum(quantity) FROM order_receipts") == 30);

  desk.scan(receive, gs1(kGloves, "A1", 2027y / March / 31, 10));
  CHECK(find_order(f.db, second->id)->status == "received");
  CHECK(on_order(f.db, kGloves) == 0);
  CHECK(f.db.query_text("SELECT closed_at FROM orders WHERE id = ?", second->id) == "2026-11-27T08:00:00Z");
}

TEST_CASE("COUNT sets on-hand per lot at the location and books the differences", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  CountMode count;
  desk.scan(receive, gs1(kGloves, "A", 2027y / March / 31, 10));
  desk.scan(receive, gs1(kGloves, "B", 2027y / June / 30, 5));
  desk.scan(receive, gs1(kPouches, "P", 2027y / June / 30, 6));
  desk.state.mode = stations::Mode::count;
  CHECK(desk.enter(count).ok);

  auto out = desk.scan(count, gs1(kGloves, "A", std::nullopt, 4));
  CHECK(out.message ==
        "Counting Nitrile exam gloves M (box 100) lot A: 4 so far (10 on record here); DONE when the shelf is counted");
  out = desk.scan(count, gs1(kGloves, "A", 2027y / March / 31, 4));
  CHECK_THAT(out.message, Catch::Contains("lot A: 8 so far"));
  desk.scan(count, gs1(kGloves, "C", 2027y / September / 30));
  // Nothing changes before DONE.
  CHECK(qty(f, kGloves, "A", "L-STORE-1") == 10);

  out = desk.done(count);
  CHECK(out.ok);
  CHECK(out.message ==
        "Count at L-STORE-1 saved: Nitrile exam gloves M (box 100) [lot A 10→8 (-2)] [lot B 5→0 (-5)] "
        "[lot C 0→1 (+1)]");
  CHECK(qty(f, kGloves, "A", "L-STORE-1") == 8);
  CHECK(qty(f, kGloves, "B", "L-STORE-1") == 0);
  CHECK(qty(f, kGloves, "C", "L-STORE-1") == 1);
  CHECK(qty(f, kPouches, "P", "L-STORE-1") == 6);  // not counted: unchanged
  CHECK(expiry_of(f, kGloves, "C") == "2027-09-30");
  CHECK(f.count_rows("SELECT count(*) FROM stock_ledger WHERE kind = 'count'") == 3);
  CHECK(f.count_rows("SELECT sum(delta) FROM stock_ledger WHERE kind = 'count'") == -6);
  CHECK(desk.state.open_step.is_null());
  CHECK_FALSE(f.alert_open("reorder", kGloves));  // 9 on hand, above the reorder point 8
}

TEST_CASE("COUNT: cancel drops the tally, another location must wait", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  CountMode count;
  desk.scan(receive, gs1(kGloves, "A", 2027y / March / 31, 10));
  desk.enter(count);
  desk.scan(count, gs1(kGloves, "A", std::nullopt, 3));
  desk.state.location = "L-OP-1";
  auto out = desk.scan(count, gs1(kGloves, "A"));
  CHECK_FALSE(out.ok);
  CHECK(out.message == "This count is for L-STORE-1: DONE or CANCEL it before counting at L-OP-1");
  out = desk.cancel(count);
  CHECK(out.message == "Count cancelled: nothing changed");
  CHECK(qty(f, kGloves, "A", "L-STORE-1") == 10);
  CHECK(desk.done(count).message == "COUNT: nothing counted, nothing changed");
  CHECK(f.count_rows("SELECT count(*) FROM stock_ledger WHERE kind = 'count'") == 0);
}

TEST_CASE("entering a mode says where and what to do", "[inventory][modes]") {
  Fixture f;
  Station desk{f};
  ReceiveMode receive;
  ConsumeMode consume;
  CHECK(desk.enter(receive).message == "RECEIVE at L-STORE-1: scan each carton's label");
  CHECK(desk.enter(consume).message == "CONSUME at L-STORE-1: scan each supply as you take it");
  CHECK(desk.done(consume).message == "CONSUME: nothing open to finish");
  desk.state.location.clear();
  CHECK(desk.enter(receive).message ==
        "RECEIVE: this station has no location yet; scan a location label (L-…) first");
}
