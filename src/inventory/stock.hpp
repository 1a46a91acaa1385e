#pragma once
// Stock movements against the database: receipts, consumptions, cycle counts
// and transfers. Each call runs inside the caller's transaction and writes the
// ledger row(s), the on-hand and the alerts of the supply and lots it touched
// together, so they commit (or roll back) as one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/policy.hpp"
#include "common/result.hpp"
#include "inventory/catalog.hpp"
#include "inventory/rules.hpp"
#include "store/sqlite.hpp"

namespace steritrack::inventory {

// Who and what caused a movement, for the ledger.
struct Origin {
  std::optional<std::int64_t> scan;  // scans.id; none for the CLI
  std::string station;
  std::string operator_badge;
  TimePoint at;
};

// The lot and expiry a label carries ("" when it has no lot).
struct LabelLot {
  std::string lot;
  std::optional<Date> expiry;
};

struct Lot {
  std::int64_t id = 0;
  std::string supply;
  std::string lot;
  std::optional<Date> expiry;  // as stored, after the label was applied
  // The label's expiry disagreed with the one on record: the earlier is kept.
  std::optional<Date> conflicting_expiry;
};

// Finds or creates the lot of a label. A label's expiry fills an unknown one
// and replaces a later one; a label without expiry never clears it.
Lot resolve_lot(store::Connection& db, std::string_view supply, const LabelLot& label);

struct Receipt {
  Lot lot;
  std::int64_t quantity = 0;
  std::int64_t on_hand = 0;  // the supply, all lots and locations, after
  struct Credit {
    std::int64_t order_id = 0;
    std::int64_t quantity = 0;
    std::int64_t received = 0;  // the order's total received, after
    std::int64_t ordered = 0;
  };
  std::vector<Credit> credits;
};
Receipt receive(store::Connection& db, const Supply& supply, const LabelLot& label, std::int64_t quantity,
                std::string_view location, const Origin& origin, const Policy& policy);

struct Consumption {
  struct Taken {
    std::string lot;
    std::optional<Date> expiry;
    std::int64_t quantity = 0;
    bool expired = false;
  };
  std::vector<Taken> taken;
  // Consumed beyond what the location had on record: booked as a discrepancy
  // on the ledger, on-hand stays at 0.
  std::int64_t shortfall = 0;
  std::string shortfall_lot;
  std::int64_t on_hand = 0;  // the supply, all lots and locations, after
};
// With a lot on the label, from that lot; without, first expiry first out.
Consumption consume(store::Connection& db, const Supply& supply, const std::optional<LabelLot>& label,
                    std::int64_t quantity, std::string_view location, const Origin& origin, const Policy& policy);

struct CountedLabel {
  LabelLot label;
  std::int64_t quantity = 0;
};
struct CountChange {
  std::string lot;
  std::int64_t on_record = 0;
  std::int64_t counted = 0;
};
// A cycle count of one supply at a location: the counted lots get their
// counts, lots on record there but not counted are set to 0. Every lot gets a
// ledger row with its difference (0 too: the row says it was counted).
std::vector<CountChange> count(store::Connection& db, const Supply& supply, const std::vector<CountedLabel>& counted,
                               std::string_view location, const Origin& origin, const Policy& policy);

// Moves stock of one lot between locations (two ledger rows). Refused when the
// source has less than `quantity` on record.
// Returns the on-hand at the destination after. Alerts are unchanged: the
// supply's on-hand and the lot's expiry stay what they were.
Result<std::int64_t> transfer(store::Connection& db, const Supply& supply, std::string_view lot,
                              std::string_view from, std::string_view to, std::int64_t quantity, const Origin& origin);

// The supply's stock per lot at one location, lots on record only.
std::vector<LotStock> stock_at(store::Connection& db, std::string_view supply, std::string_view location);
// The supply's on-hand, all lots and locations.
std::int64_t on_hand(store::Connection& db, std::string_view supply);

struct StockLine {
  std::string code;
  std::string name;
  std::string lot;
  std::optional<Date> expiry;
  std::string location;
  std::int64_t quantity = 0;
};
// Every (supply, lot, location) with stock, by name, expiry, lot, location.
std::vector<StockLine> stock_list(store::Connection& db);

struct Discrepancy {
  std::string at;
  std::string code;
  std::string name;
  std::string lot;
  std::string location;
  std::int64_t shortfall = 0;
  std::string station;
  std::string operator_badge;
};
// Consumptions beyond the recorded stock, newest first.
std::vector<Discrepancy> discrepancies(store::Connection& db);

}  // namespace steritrack::inventory
