#include <catch2/catch.hpp>

#include "inventory/rules.hpp"

using namespace steritrack;
using namespace steritrack::inventory;
using namespace std::chrono;

TEST_CASE("a label's quantity is its count, else 1", "[inventory][rules]") {
  codes::Code c;
  CHECK(*label_quantity(c) == 1);
  c.count = 24;
  CHECK(*label_quantity(c) == 24);
  c.count = 0;
  CHECK_FALSE(label_quantity(c));
  c.count = -3;
  CHECK_FALSE(label_quantity(c));
  c.count = kMaxLabelQuantity + 1;
  const auto r = label_quantity(c);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error(), Catch::Contains("implausible"));
}

TEST_CASE("reorder when on-hand plus on-order is at or below the reorder point", "[inventory][rules]") {
  CHECK(needs_reorder(8, 0, 8));
  CHECK(needs_reorder(5, 3, 8));
  CHECK_FALSE(needs_reorder(9, 0, 8));
  CHECK_FALSE(needs_reorder(0, 24, 8));
  CHECK(needs_reorder(0, 0, 0));
}

TEST_CASE("suggested quantity reaches par, at least the reorder quantity", "[inventory][rules]") {
  CHECK(suggested_quantity(20, 7, 0, 24) == 24);  // 13 to par, but at least 24
  CHECK(suggested_quantity(100, 7, 10, 24) == 83);
  CHECK(suggested_quantity(20, 30, 0, 5) == 5);   // above par: the reorder quantity
  CHECK(suggested_quantity(10, 0, 0, 0) == 10);
}

TEST_CASE("expiry states: the expiry date is the last day of use", "[inventory][rules]") {
  const year_month_day today = 2026y / November / 27;
  CHECK(expiry_state(std::nullopt, today, 30) == ExpiryState::fine);
  CHECK(expiry_state(2026y / November / 26, today, 30) == ExpiryState::expired);
  CHECK(expiry_state(2026y / November / 27, today, 30) == ExpiryState::expiring);
  CHECK(expiry_state(2026y / December / 27, today, 30) == ExpiryState::expiring);
  CHECK(expiry_state(2026y / December / 28, today, 30) == ExpiryState::fine);
  CHECK(expiry_state(2026y / November / 28, today, 0) == ExpiryState::fine);
  CHECK(is_usable(2026y / November / 27, today));
  CHECK_FALSE(is_usable(2026y / November / 26, today));
  CHECK(is_usable(std::nullopt, today));
}

TEST_CASE("FEFO takes usable lots first-expiring first, then undated, then expired", "[inventory][rules]") {
  const year_month_day today = 2026y / November / 27;
  const std::vector<LotStock> lots = {
      {1, "OLD", 2026y / October / 1, 5},   // expired
      {2, "NODATE", std::nullopt, 5},
      {3, "LATE", 2027y / June / 30, 5},
      {4, "SOON", 2027y / January / 31, 2},
      {5, "EMPTY", 2026y / December / 1, 0},
  };
  SECTION("one lot") {
    const auto p = plan_fefo(lots, 1, today);
    REQUIRE(p.takes.size() == 1);
    CHECK(p.takes[0].lot_id == 4);
    CHECK(p.shortfall == 0);
  }
  SECTION("spills over to the next lot in order") {
    const auto p = plan_fefo(lots, 13, today);
    REQUIRE(p.takes.size() == 4);
    CHECK(p.takes[0].lot_id == 4);
    CHECK(p.takes[0].quantity == 2);
    CHECK(p.takes[1].lot_id == 3);
    CHECK(p.takes[2].lot_id == 2);
    CHECK(p.takes[3].lot_id == 1);
    CHECK(p.takes[3].quantity == 1);
    CHECK(p.shortfall == 0);
  }
  SECTION("beyond the record: the shortfall is booked on the last lot taken") {
    const auto p = plan_fefo(lots, 20, today);
    CHECK(p.shortfall == 3);
    CHECK(p.shortfall_lot == 1);
  }
  SECTION("nothing on record: the shortfall goes to the first lot in order") {
    const auto p = plan_fefo({{5, "EMPTY", 2026y / December / 1, 0}, {7, "X", std::nullopt, 0}}, 2, today);
    CHECK(p.takes.empty());
    CHECK(p.shortfall == 2);
    CHECK(p.shortfall_lot == 5);
  }
  SECTION("no lot at all") {
    const auto p = plan_fefo({}, 2, today);
    CHECK(p.shortfall == 2);
    CHECK(p.shortfall_lot == 0);
  }
}

TEST_CASE("receipts credit open orders oldest first, partially", "[inventory][rules]") {
  const std::vector<OpenOrder> orders = {{3, 10}, {5, 24}, {9, 24}};
  auto c = credit_orders(orders, 30);
  REQUIRE(c.size() == 2);
  CHECK(c[0].order_id == 3);
  CHECK(c[0].quantity == 10);
  CHECK(c[1].order_id == 5);
  CHECK(c[1].quantity == 20);
  c = credit_orders(orders, 100);
  REQUIRE(c.size() == 3);
  CHECK(c[2].quantity == 24);
  CHECK(credit_orders({}, 5).empty());
}

TEST_CASE("a count sets counted lots and zeroes lots not counted", "[inventory][rules]") {
  const auto lines = plan_count({{1, "A", std::nullopt, 5}, {2, "B", std::nullopt, 3}}, {{2, 4}, {7, 6}});
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].lot_id == 1);
  CHECK(lines[0].counted == 0);
  CHECK(lines[0].difference() == -5);
  CHECK(lines[1].difference() == 1);
  CHECK(lines[2].lot_id == 7);
  CHECK(lines[2].on_record == 0);
  CHECK(lines[2].counted == 6);
}
