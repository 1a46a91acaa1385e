#include "inventory/orders.hpp"

#include "common/time.hpp"
#include "inventory/stock_alerts.hpp"

namespace steritrack::inventory {
namespace {

constexpr std::string_view kOrderSelect =
    "SELECT o.id, o.supply, p.name, p.vendor, o.quantity, o.received, o.status, o.created"
    " FROM orders o JOIN supplies p ON p.code = o.supply";

Order read_order(const store::Statement& s) {
  return Order{s.get_int(0), s.get_text(1), s.get_text(2), s.get_text(3),
               s.get_int(4), s.get_int(5),  s.get_text(6), s.get_text(7)};
}

}  // namespace

Result<Order> add_order(store::Connection& db, std::string_view code, std::int64_t quantity, TimePoint now) {
  if (quantity <= 0) return fail("the quantity must be at least 1, not " + std::to_string(quantity));
  if (quantity > kMaxLabelQuantity) return fail("the quantity " + std::to_string(quantity) + " is implausible");
  const auto normalized = normalize_supply_code(code);
  if (!normalized) return fail("code " + normalized.error());
  const auto supply = find_supply(db, *normalized);
  if (!supply) return not_found(*normalized + " is not in the supplies catalog (steritrack supplies import)");
  db.execute("INSERT INTO orders (supply, quantity, received, status, created) VALUES (?, ?, 0, 'open', ?)",
             supply->code, quantity, format_rfc3339(now));
  const std::int64_t id = db.last_insert_id();
  check_supply(db, *supply, now);
  return *find_order(db, id);
}

Result<Order> cancel_order(store::Connection& db, std::int64_t id, TimePoint now) {
  const auto order = find_order(db, id);
  if (!order) return not_found("there is no order " + std::to_string(id));
  if (order->status == "received") return conflict("order " + std::to_string(id) + " is already fully received");
  if (order->status == "cancelled") return conflict("order " + std::to_string(id) + " is already cancelled");
  db.execute("UPDATE orders SET status = 'cancelled', closed_at = ? WHERE id = ?", format_rfc3339(now), id);
  check_supply(db, *find_supply(db, order->code), now);
  return *find_order(db, id);
}

std::optional<Order> find_order(store::Connection& db, std::int64_t id) {
  auto& s = db.query(std::string{kOrderSelect} + " WHERE o.id = ?", id);
  std::optional<Order> out;
  if (s.step()) out = read_order(s);
  s.reset();
  return out;
}

std::vector<Order> list_orders(store::Connection& db) {
  auto& s = db.query(std::string{kOrderSelect} + " ORDER BY o.id DESC");
  std::vector<Order> out;
  while (s.step()) out.push_back(read_order(s));
  return out;
}

std::vector<OpenOrder> open_orders(store::Connection& db, std::string_view supply) {
  auto& s = db.query(
      "SELECT id, quantity - received FROM orders WHERE supply = ? AND status IN ('open', 'partial') ORDER BY id",
      supply);
  std::vector<OpenOrder> out;
  while (s.step()) out.push_back({s.get_int(0), s.get_int(1)});
  return out;
}

std::int64_t on_order(store::Connection& db, std::string_view supply) {
  return db
      .query_int(
          "SELECT coalesce(sum(quantity - received), 0) FROM orders WHERE supply = ? AND status IN ('open', 'partial')",
          supply)
      .value_or(0);
}

void apply_credits(store::Connection& db, const std::vector<OrderCredit>& credits, std::int64_t ledger_id,
                   TimePoint now) {
  for (const auto& c : credits) {
    db.execute(
        "UPDATE orders SET received = received + ?1,"
        " status = CASE WHEN received + ?1 >= quantity THEN 'received' ELSE 'partial' END,"
        " closed_at = CASE WHEN received + ?1 >= quantity THEN ?2 ELSE NULL END WHERE id = ?3",
        c.quantity, format_rfc3339(now), c.order_id);
    db.execute("INSERT INTO order_receipts (order_id, ledger_id, quantity) VALUES (?, ?, ?)", c.order_id, ledger_id,
               c.quantity);
  }
}

std::vector<ReorderLine> reorder_list(store::Connection& db, TimePoint now, const std::optional<std::string>& vendor) {
  // One pass over the catalog with the same sums check_supply uses per supply.
  auto& s = db.query(
      "SELECT p.code, p.name, p.vendor, p.par_level, p.reorder_point, p.reorder_qty,"
      " coalesce((SELECT sum(s.quantity) FROM lots l JOIN stock s ON s.lot_id = l.id"
      "           WHERE l.supply = p.code AND (l.expiry IS NULL OR l.expiry >= ?1)), 0),"
      " coalesce((SELECT sum(o.quantity - o.received) FROM orders o"
      "           WHERE o.supply = p.code AND o.status IN ('open', 'partial')), 0)"
      " FROM supplies p WHERE ?2 IS NULL OR p.vendor = ?2 ORDER BY p.vendor, p.name, p.code",
      format_date(today(now)), vendor);
  std::vector<ReorderLine> out;
  while (s.step()) {
    ReorderLine line{s.get_text(0), s.get_text(1), s.get_text(2), s.get_int(6), s.get_int(7), s.get_int(4),
                     s.get_int(3), 0};
    if (!needs_reorder(line.on_hand, line.on_order, line.reorder_point)) continue;
    line.suggested_qty = suggested_quantity(line.par_level, line.on_hand, line.on_order, s.get_int(5));
    out.push_back(std::move(line));
  }
  return out;
}

}  // namespace steritrack::inventory
