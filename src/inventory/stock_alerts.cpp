#include "inventory/stock_alerts.hpp"

#include <set>
#include <vector>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "inventory/orders.hpp"
#include "inventory/rules.hpp"

namespace steritrack::inventory {
namespace {

struct LotFacts {
  std::string supply;
  std::string name;
  std::string lot;
  std::optional<Date> expiry;
  std::int64_t on_hand = 0;
};

std::optional<LotFacts> lot_facts(store::Connection& db, std::int64_t lot_id) {
  auto& s = db.query(
      "SELECT l.supply, p.name, l.lot, l.expiry, coalesce((SELECT sum(quantity) FROM stock WHERE lot_id = l.id), 0)"
      " FROM lots l JOIN supplies p ON p.code = l.supply WHERE l.id = ?",
      lot_id);
  std::optional<LotFacts> out;
  if (s.step()) {
    const auto expiry = s.get_opt_text(3);
    out = LotFacts{s.get_text(0), s.get_text(1), s.get_text(2), expiry ? parse_date(*expiry) : std::nullopt,
                   s.get_int(4)};
  }
  s.reset();
  return out;
}

std::string lot_name(std::string_view lot) { return lot.empty() ? std::string{kNoLot} : "lot " + std::string{lot}; }

}  // namespace

std::string lot_subject(std::string_view supply, std::string_view lot) {
  return std::string{supply} + "/" + (lot.empty() ? std::string{kNoLot} : std::string{lot});
}

void check_supply(store::Connection& db, const Supply& supply, TimePoint now) {
  const std::string day = format_date(today(now));
  auto& s = db.query(
      "SELECT coalesce(sum(CASE WHEN l.expiry IS NULL OR l.expiry >= ? THEN s.quantity ELSE 0 END), 0),"
      " coalesce(sum(s.quantity), 0)"
      " FROM lots l JOIN stock s ON s.lot_id = l.id WHERE l.supply = ?",
      day, supply.code);
  s.step();
  const std::int64_t usable = s.get_int(0);
  const std::int64_t expired = s.get_int(1) - usable;
  s.reset();
  const std::int64_t ordered = on_order(db, supply.code);

  const bool reorder = needs_reorder(usable, ordered, supply.reorder_point);
  std::string message;
  if (reorder) {
    message = supply.name + ": " + std::to_string(usable) + " on hand + " + std::to_string(ordered) +
              " on order, reorder point " + std::to_string(supply.reorder_point) + " — order " +
              std::to_string(suggested_quantity(supply.par_level, usable, ordered, supply.reorder_qty)) +
              (supply.vendor.empty() ? "" : " from " + supply.vendor);
  }
  alerts::set(db, reorder, "reorder", supply.code, alerts::Severity::warning, message, now);

  const bool stockout = usable == 0;
  if (stockout) {
    message = supply.name + ": none on hand";
    if (expired > 0) message += " that is in date (" + std::to_string(expired) + " expired)";
    if (ordered > 0) message += ", " + std::to_string(ordered) + " on order";
  }
  alerts::set(db, stockout, "stockout", supply.code, alerts::Severity::critical, message, now);
}

void check_lot(store::Connection& db, std::int64_t lot_id, TimePoint now, const Policy& policy) {
  const auto lot = lot_facts(db, lot_id);
  if (!lot) return;
  const Date day = today(now);
  const ExpiryState state =
      lot->on_hand > 0 ? expiry_state(lot->expiry, day, policy.expiry_warning_days) : ExpiryState::fine;
  const std::string subject = lot_subject(lot->supply, lot->lot);
  const std::string what = lot->name + " " + lot_name(lot->lot);
  const std::string stock = ": " + std::to_string(lot->on_hand) + " on hand";

  std::string message;
  if (state == ExpiryState::expiring) {
    const auto days = (std::chrono::sys_days{*lot->expiry} - std::chrono::sys_days{day}).count();
    message = what + " expires " + format_date(*lot->expiry) +
              (days == 0 ? " (today)" : " (in " + std::to_string(days) + (days == 1 ? " day)" : " days)")) + stock;
  }
  alerts::set(db, state == ExpiryState::expiring, "expiring", subject, alerts::Severity::info, message, now);
  if (state == ExpiryState::expired)
    message = what + " expired " + format_date(*lot->expiry) + stock + " — take it out of use";
  alerts::set(db, state == ExpiryState::expired, "expired", subject, alerts::Severity::warning, message, now);
}

DateCheck check_dates(store::Connection& db, TimePoint now, const Policy& policy) {
  const Date day = today(now);
  const std::string horizon =
      format_date(Date{std::chrono::sys_days{day} + std::chrono::days{policy.expiry_warning_days}});
  std::set<std::int64_t> lots;
  std::set<std::string> supplies;
  {
    // Lots with stock that are expiring or expired by now.
    auto& s = db.query(
        "SELECT l.id, l.supply, l.expiry < ? FROM lots l WHERE l.expiry IS NOT NULL AND l.expiry <= ?"
        " AND EXISTS (SELECT 1 FROM stock s WHERE s.lot_id = l.id AND s.quantity > 0)",
        format_date(day), horizon);
    while (s.step()) {
      lots.insert(s.get_int(0));
      if (s.get_int(2) != 0) supplies.insert(s.get_text(1));
    }
  }
  {
    // Lots whose expiry alert may no longer hold (a shorter warning window).
    std::vector<std::string> subjects;
    auto& s = db.query("SELECT subject FROM alerts WHERE kind IN ('expiring', 'expired') AND state <> 'resolved'");
    while (s.step()) subjects.push_back(s.get_text(0));
    for (const auto& subject : subjects) {
      const auto slash = subject.find('/');
      if (slash == std::string::npos) continue;
      std::string lot = subject.substr(slash + 1);
      if (lot == kNoLot) lot.clear();
      if (const auto id = db.query_int("SELECT id FROM lots WHERE supply = ? AND lot = ?", subject.substr(0, slash), lot))
        lots.insert(*id);
    }
  }
  for (const auto lot_id : lots) check_lot(db, lot_id, now, policy);
  for (const auto& code : supplies) check_supply(db, *find_supply(db, code), now);
  return {lots.size(), supplies.size()};
}

}  // namespace steritrack::inventory
