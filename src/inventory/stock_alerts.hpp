#pragma once
// The supply alerts of compliance.md section 4: reorder and stockout per
// supply, expiring and expired per lot. Movements and orders re-check only the
// supply and lots they touched (the cost does not grow with the catalog);
// check_dates() catches what changes with the calendar alone.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/policy.hpp"
#include "inventory/catalog.hpp"
#include "store/sqlite.hpp"

namespace steritrack::inventory {

// "CODE/LOT"; a lot-less stock line is "CODE/(no lot)", which no GS1 or HIBC
// lot can spell (neither allows a space together with parentheses).
std::string lot_subject(std::string_view supply, std::string_view lot);
inline constexpr std::string_view kNoLot = "(no lot)";

// reorder: on-hand (unexpired, all locations) + on-order <= reorder point;
// stockout: no unexpired stock at all. Raised once, resolved when it clears.
void check_supply(store::Connection& db, const Supply& supply, TimePoint now);
// expiring: the lot has stock and expires within policy.expiry_warning_days;
// expired: the lot has stock past its expiry.
void check_lot(store::Connection& db, std::int64_t lot_id, TimePoint now, const Policy& policy);

struct DateCheck {
  std::size_t lots = 0;      // lots re-checked
  std::size_t supplies = 0;  // supplies re-checked
};
// The calendar's part, for the daemon's timer (at start and at least daily;
// hourly is cheap): every lot with stock that expires within the warning
// window or has expired, every lot with an unresolved expiry alert, and the
// supplies holding expired stock (their unexpired on-hand shrank). The cost
// follows those lots, not the catalog. Runs inside the caller's transaction.
DateCheck check_dates(store::Connection& db, TimePoint now, const Policy& policy);

}  // namespace steritrack::inventory
