#pragma once
// The supply rules, pure: what a label's quantity is, when to reorder and
// how much, when a lot is expiring or expired, which lots a consumption takes
// (first expiry first out), how a receipt credits open orders, what a cycle
// count changes. No I/O: the store-facing code feeds these with rows.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codes/code.hpp"
#include "common/clock.hpp"
#include "common/policy.hpp"
#include "common/result.hpp"

namespace steritrack::inventory {

using Date = std::chrono::year_month_day;

// Labels with a larger count are misreads, not cartons.
constexpr std::int64_t kMaxLabelQuantity = 1'000'000;

// The quantity a label stands for: its count (GS1 AI 30/37, the HIBC
// quantity), else 1. A count of 0 or an implausible one is refused.
Result<std::int64_t> label_quantity(const codes::Code& code);

// The clinic's "today" for expiry rules. Dates are compared as UTC calendar
// days (policy.timezone is not applied to expiry: a label's date has no zone).
Date today(TimePoint now);

// reorder: on-hand (unexpired, all locations) + on-order <= reorder point.
bool needs_reorder(std::int64_t on_hand, std::int64_t on_order, std::int64_t reorder_point);
// What to order: enough to reach the par level, at least the reorder quantity.
std::int64_t suggested_quantity(std::int64_t par_level, std::int64_t on_hand, std::int64_t on_order,
                                std::int64_t reorder_qty);

enum class ExpiryState { fine, expiring, expired };
// A label's expiry is the last day of use: a lot is expired the day after,
// and expiring from warning_days before it.
ExpiryState expiry_state(const std::optional<Date>& expiry, Date today, int warning_days);
bool is_usable(const std::optional<Date>& expiry, Date today);

// A lot's stock at one location.
struct LotStock {
  std::int64_t lot_id = 0;
  std::string lot;
  std::optional<Date> expiry;
  std::int64_t quantity = 0;
};

struct Take {
  std::int64_t lot_id = 0;
  std::int64_t quantity = 0;
};

struct ConsumptionPlan {
  std::vector<Take> takes;     // in the order taken; quantities sum to what was on record
  std::int64_t shortfall = 0;  // taken beyond the recorded stock (a discrepancy)
  // Where a shortfall is booked: the last lot taken from, else the first lot
  // in order; 0 when the location has no lot of the supply at all.
  std::int64_t shortfall_lot = 0;
};

// Which lots a consumption of `quantity` with no lot on its label takes:
// usable lots first-expiring first (lots without an expiry after dated ones),
// then expired lots, spilling over to the next lot when one runs out. What
// the location has not on record is the shortfall.
ConsumptionPlan plan_fefo(std::vector<LotStock> lots, std::int64_t quantity, Date today);

struct OpenOrder {
  std::int64_t id = 0;
  std::int64_t outstanding = 0;  // quantity - received
};
struct OrderCredit {
  std::int64_t order_id = 0;
  std::int64_t quantity = 0;
};
// A receipt credits the open orders of its supply oldest first, the last one
// partially if need be; what exceeds them is simply stock.
std::vector<OrderCredit> credit_orders(const std::vector<OpenOrder>& oldest_first, std::int64_t quantity);

// One lot's line of a cycle count: what was on record and what was counted.
struct CountLine {
  std::int64_t lot_id = 0;
  std::int64_t on_record = 0;
  std::int64_t counted = 0;
  std::int64_t difference() const { return counted - on_record; }
};
struct CountedLot {
  std::int64_t lot_id = 0;
  std::int64_t counted = 0;
};
// A cycle count of a supply at a location: every lot counted gets its count,
// every lot on record there but not counted is set to 0 (it is not on the
// shelf). One line per lot, in lot id order.
std::vector<CountLine> plan_count(const std::vector<LotStock>& on_record, const std::vector<CountedLot>& counted);

}  // namespace steritrack::inventory
