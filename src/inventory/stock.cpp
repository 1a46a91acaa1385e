#include "inventory/stock.hpp"

#include <algorithm>

#include "common/time.hpp"
#include "inventory/orders.hpp"
#include "inventory/stock_alerts.hpp"

namespace steritrack::inventory {
namespace {

std::optional<std::string> date_text(const std::optional<Date>& d) {
  if (!d) return std::nullopt;
  return format_date(*d);
}

std::optional<Date> date_of(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_date(*text);
}

std::int64_t append_ledger(store::Connection& db, std::string_view kind, std::int64_t lot_id,
                           std::string_view location, std::int64_t delta, std::int64_t balance,
                           std::int64_t shortfall, const Origin& origin) {
  db.execute(
      "INSERT INTO stock_ledger (at, kind, lot_id, location, delta, balance, shortfall, scan, station, operator,"
      " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      format_rfc3339(origin.at), kind, lot_id, location, delta, balance, shortfall, origin.scan,
      origin.station.empty() ? std::nullopt : std::optional<std::string>{origin.station},
      origin.operator_badge.empty() ? std::nullopt : std::optional<std::string>{origin.operator_badge},
      origin.scan ? "scan" : "cli");
  return db.last_insert_id();
}

// Adds delta to the on-hand of (lot, location); returns the new on-hand.
// Stock is only ever taken from a row that has it (an upsert would check
// the negative insert value against quantity >= 0 first).
std::int64_t add_stock(store::Connection& db, std::int64_t lot_id, std::string_view location, std::int64_t delta) {
  auto& s = delta >= 0 ? db.query("INSERT INTO stock (lot_id, location, quantity) VALUES (?, ?, ?)"
                                  " ON CONFLICT (lot_id, location) DO UPDATE SET quantity = quantity + excluded.quantity"
                                  " RETURNING quantity",
                                  lot_id, location, delta)
                       : db.query("UPDATE stock SET quantity = quantity + ?3 WHERE lot_id = ?1 AND location = ?2"
                                  " RETURNING quantity",
                                  lot_id, location, delta);
  s.step();
  const std::int64_t balance = s.get_int(0);
  s.reset();
  return balance;
}

void set_stock(store::Connection& db, std::int64_t lot_id, std::string_view location, std::int64_t quantity) {
  db.execute(
      "INSERT INTO stock (lot_id, location, quantity) VALUES (?, ?, ?)"
      " ON CONFLICT (lot_id, location) DO UPDATE SET quantity = excluded.quantity",
      lot_id, location, quantity);
}

std::int64_t stock_of(store::Connection& db, std::int64_t lot_id, std::string_view location) {
  return db.query_int("SELECT quantity FROM stock WHERE lot_id = ? AND location = ?", lot_id, location).value_or(0);
}

}  // namespace

Lot resolve_lot(store::Connection& db, std::string_view supply, const LabelLot& label) {
  Lot lot;
  lot.supply = supply;
  lot.lot = label.lot;
  auto& s = db.query("SELECT id, expiry FROM lots WHERE supply = ? AND lot = ?", supply, label.lot);
  const bool found = s.step();
  if (found) {
    lot.id = s.get_int(0);
    lot.expiry = date_of(s.get_opt_text(1));
  }
  s.reset();
  if (!found) {
    db.execute("INSERT INTO lots (supply, lot, expiry) VALUES (?, ?, ?)", supply, label.lot, date_text(label.expiry));
    lot.id = db.last_insert_id();
    lot.expiry = label.expiry;
    return lot;
  }
  if (!label.expiry || label.expiry == lot.expiry) return lot;
  if (!lot.expiry || *label.expiry < *lot.expiry) {
    // Unknown until now, or the label is earlier: erring early is safe, late is not.
    if (lot.expiry) lot.conflicting_expiry = lot.expiry;
    db.execute("UPDATE lots SET expiry = ? WHERE id = ?", format_date(*label.expiry), lot.id);
    lot.expiry = label.expiry;
  } else {
    lot.conflicting_expiry = label.expiry;
  }
  return lot;
}

Receipt receive(store::Connection& db, const Supply& supply, const LabelLot& label, std::int64_t quantity,
                std::string_view location, const Origin& origin, const Policy& policy) {
  Receipt r;
  r.lot = resolve_lot(db, supply.code, label);
  r.quantity = quantity;
  const std::int64_t balance = add_stock(db, r.lot.id, location, quantity);
  const std::int64_t ledger_id = append_ledger(db, "receive", r.lot.id, location, quantity, balance, 0, origin);
  const auto credits = credit_orders(open_orders(db, supply.code), quantity);
  apply_credits(db, credits, ledger_id, origin.at);
  for (const auto& c : credits) {
    const auto order = find_order(db, c.order_id);
    r.credits.push_back({c.order_id, c.quantity, order->received, order->quantity});
  }
  r.on_hand = on_hand(db, supply.code);
  check_supply(db, supply, origin.at);
  check_lot(db, r.lot.id, origin.at, policy);
  return r;
}

Consumption consume(store::Connection& db, const Supply& supply, const std::optional<LabelLot>& label,
                    std::int64_t quantity, std::string_view location, const Origin& origin, const Policy& policy) {
  const Date day = today(origin.at);
  std::vector<LotStock> lots;
  ConsumptionPlan plan;
  if (label) {
    const Lot lot = resolve_lot(db, supply.code, *label);
    lots.push_back({lot.id, lot.lot, lot.expiry, stock_of(db, lot.id, location)});
    plan = plan_fefo(lots, quantity, day);
  } else {
    lots = stock_at(db, supply.code, location);
    plan = plan_fefo(lots, quantity, day);
    if (plan.shortfall > 0 && plan.shortfall_lot == 0)
      plan.shortfall_lot = resolve_lot(db, supply.code, LabelLot{}).id;
  }
  const auto lot_info = [&](std::int64_t lot_id) -> LotStock {
    for (const auto& l : lots)
      if (l.lot_id == lot_id) return l;
    return LotStock{lot_id, "", std::nullopt, 0};
  };

  Consumption c;
  bool shortfall_booked = false;
  for (std::size_t i = 0; i < plan.takes.size(); ++i) {
    const auto& take = plan.takes[i];
    const std::int64_t balance = add_stock(db, take.lot_id, location, -take.quantity);
    const bool books_shortfall = plan.shortfall > 0 && i + 1 == plan.takes.size() && take.lot_id == plan.shortfall_lot;
    append_ledger(db, "consume", take.lot_id, location, -take.quantity, balance, books_shortfall ? plan.shortfall : 0,
                  origin);
    shortfall_booked = shortfall_booked || books_shortfall;
    const LotStock info = lot_info(take.lot_id);
    c.taken.push_back({info.lot, info.expiry, take.quantity, !is_usable(info.expiry, day)});
  }
  if (plan.shortfall > 0) {
    if (!shortfall_booked)
      append_ledger(db, "consume", plan.shortfall_lot, location, 0, stock_of(db, plan.shortfall_lot, location),
                    plan.shortfall, origin);
    c.shortfall = plan.shortfall;
    c.shortfall_lot = label ? label->lot : lot_info(plan.shortfall_lot).lot;
  }
  c.on_hand = on_hand(db, supply.code);
  check_supply(db, supply, origin.at);
  for (const auto& take : plan.takes) check_lot(db, take.lot_id, origin.at, policy);
  return c;
}

std::vector<CountChange> count(store::Connection& db, const Supply& supply, const std::vector<CountedLabel>& counted,
                               std::string_view location, const Origin& origin, const Policy& policy) {
  std::vector<LotStock> lots = stock_at(db, supply.code, location);
  std::vector<CountedLot> counted_lots;
  for (const auto& c : counted) {
    const Lot lot = resolve_lot(db, supply.code, c.label);
    counted_lots.push_back({lot.id, c.quantity});
    if (std::none_of(lots.begin(), lots.end(), [&](const LotStock& l) { return l.lot_id == lot.id; }))
      lots.push_back({lot.id, lot.lot, lot.expiry, 0});
  }
  std::vector<CountChange> changes;
  for (const auto& line : plan_count(lots, counted_lots)) {
    set_stock(db, line.lot_id, location, line.counted);
    append_ledger(db, "count", line.lot_id, location, line.difference(), line.counted, 0, origin);
    const auto it = std::find_if(lots.begin(), lots.end(), [&](const LotStock& l) { return l.lot_id == line.lot_id; });
    changes.push_back({it->lot, line.on_record, line.counted});
    check_lot(db, line.lot_id, origin.at, policy);
  }
  check_supply(db, supply, origin.at);
  return changes;
}

Result<std::int64_t> transfer(store::Connection& db, const Supply& supply, std::string_view lot, std::string_view from,
                              std::string_view to, std::int64_t quantity, const Origin& origin) {
  if (from == to) return fail("the source and destination are both " + std::string{from});
  if (quantity <= 0) return fail("the quantity must be at least 1");
  const auto lot_id = db.query_int("SELECT id FROM lots WHERE supply = ? AND lot = ?", supply.code, lot);
  if (!lot_id)
    return fail(supply.code + " has no lot " + (lot.empty() ? std::string{kNoLot} : std::string{lot}) + " on record");
  const std::int64_t have = stock_of(db, *lot_id, from);
  if (have < quantity)
    return fail("only " + std::to_string(have) + " of " + supply.code + " lot " + std::string{lot} + " at " +
                std::string{from});
  const std::int64_t left = add_stock(db, *lot_id, from, -quantity);
  append_ledger(db, "transfer", *lot_id, from, -quantity, left, 0, origin);
  const std::int64_t arrived = add_stock(db, *lot_id, to, quantity);
  append_ledger(db, "transfer", *lot_id, to, quantity, arrived, 0, origin);
  return arrived;
}

std::vector<LotStock> stock_at(store::Connection& db, std::string_view supply, std::string_view location) {
  auto& s = db.query(
      "SELECT l.id, l.lot, l.expiry, s.quantity FROM lots l JOIN stock s ON s.lot_id = l.id"
      " WHERE l.supply = ? AND s.location = ? ORDER BY l.id",
      supply, location);
  std::vector<LotStock> out;
  while (s.step()) out.push_back({s.get_int(0), s.get_text(1), date_of(s.get_opt_text(2)), s.get_int(3)});
  return out;
}

std::int64_t on_hand(store::Connection& db, std::string_view supply) {
  return db
      .query_int("SELECT coalesce(sum(s.quantity), 0) FROM lots l JOIN stock s ON s.lot_id = l.id WHERE l.supply = ?",
                 supply)
      .value_or(0);
}

std::vector<StockLine> stock_list(store::Connection& db) {
  auto& s = db.query(
      "SELECT p.code, p.name, l.lot, l.expiry, s.location, s.quantity"
      " FROM stock s JOIN lots l ON l.id = s.lot_id JOIN supplies p ON p.code = l.supply"
      " WHERE s.quantity > 0 ORDER BY p.name, p.code, l.expiry NULLS LAST, l.lot, s.location");
  std::vector<StockLine> out;
  while (s.step())
    out.push_back({s.get_text(0), s.get_text(1), s.get_text(2), date_of(s.get_opt_text(3)), s.get_text(4),
                   s.get_int(5)});
  return out;
}

std::vector<Discrepancy> discrepancies(store::Connection& db) {
  auto& s = db.query(
      "SELECT g.at, p.code, p.name, l.lot, g.location, g.shortfall, coalesce(g.station, ''),"
      " coalesce(g.operator, '')"
      " FROM stock_ledger g JOIN lots l ON l.id = g.lot_id JOIN supplies p ON p.code = l.supply"
      " WHERE g.shortfall > 0 ORDER BY g.id DESC");
  std::vector<Discrepancy> out;
  while (s.step())
    out.push_back({s.get_text(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_text(4), s.get_int(5),
                   s.get_text(6), s.get_text(7)});
  return out;
}

}  // namespace steritrack::inventory
