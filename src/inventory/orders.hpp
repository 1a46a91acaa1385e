#pragma once
// Purchase orders and the reorder list. On-order stock (ordered, not yet
// received, not cancelled) counts towards the reorder rule, so an order
// placed clears the supply's reorder alert in the same transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "inventory/catalog.hpp"
#include "inventory/rules.hpp"
#include "store/sqlite.hpp"

namespace steritrack::inventory {

struct Order {
  std::int64_t id = 0;
  std::string code;
  std::string name;
  std::string vendor;
  std::int64_t quantity = 0;
  std::int64_t received = 0;
  std::string status;  // open, partial, received, cancelled
  std::string created;
};

// Both run inside the caller's transaction and re-check the supply's alerts.
Result<Order> add_order(store::Connection& db, std::string_view code, std::int64_t quantity, TimePoint now);
Result<Order> cancel_order(store::Connection& db, std::int64_t id, TimePoint now);
std::optional<Order> find_order(store::Connection& db, std::int64_t id);
// Every order, newest first.
std::vector<Order> list_orders(store::Connection& db);

// The supply's outstanding orders, oldest first.
std::vector<OpenOrder> open_orders(store::Connection& db, std::string_view supply);
std::int64_t on_order(store::Connection& db, std::string_view supply);
// Books a receipt's credits against the orders (the ledger row that did it).
void apply_credits(store::Connection& db, const std::vector<OrderCredit>& credits, std::int64_t ledger_id,
                   TimePoint now);

struct ReorderLine {
  std::string code;
  std::string name;
  std::string vendor;
  std::int64_t on_hand = 0;  // unexpired, all locations
  std::int64_t on_order = 0;
  std::int64_t reorder_point = 0;
  std::int64_t par_level = 0;
  std::int64_t suggested_qty = 0;
};
// Supplies at or below their reorder point today, by vendor then name; only
// those of `vendor` when given.
std::vector<ReorderLine> reorder_list(store::Connection& db, TimePoint now, const std::optional<std::string>& vendor);

}  // namespace steritrack::inventory
