#include "inventory/station_modes.hpp"

#include <algorithm>
#include <variant>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "inventory/catalog.hpp"
#include "inventory/stock.hpp"
#include "inventory/stock_alerts.hpp"

namespace steritrack::inventory {
namespace {

using stations::Outcome;
using stations::ScanContext;

std::string_view label_kind(codes::Kind kind) {
  switch (kind) {
    case codes::Kind::command: return "a command card";
    case codes::Kind::operator_badge: return "an operator badge";
    case codes::Kind::tray: return "a tray label";
    case codes::Kind::sterilizer: return "a sterilizer label";
    case codes::Kind::case_label: return "a case label";
    case codes::Kind::location: return "a location label";
    case codes::Kind::instrument: return "an instrument label";
    case codes::Kind::gs1:
    case codes::Kind::hibc:
    case codes::Kind::gtin: return "a product label";
  }
  return "a label";
}

// A supply label, understood against the catalog.
struct SupplyScan {
  Supply supply;
  LabelLot label;
  bool has_lot = false;
  std::int64_t quantity = 1;
};

std::variant<SupplyScan, Outcome> read_supply_scan(ScanContext& ctx, const codes::Code& code, std::string_view mode) {
  if (ctx.station.location.empty())
    return stations::refuse("Station " + ctx.station.id + " has no location: scan a location label (L-…) first");
  if (code.kind != codes::Kind::gs1 && code.kind != codes::Kind::hibc && code.kind != codes::Kind::gtin)
    return stations::refuse(std::string{mode} + " takes supply labels; " + code.text + " is " +
                            std::string{label_kind(code.kind)});
  const std::string key = code.supply_code();
  if (key.empty())
    return stations::refuse("This label has no product number (GS1 AI 01 or HIBC product): scan the product's label");
  auto supply = find_supply(ctx.db, key);
  if (!supply) {
    if (code.serial && ctx.db.query_int("SELECT 1 FROM instruments WHERE id = ?", key + "/" + *code.serial))
      return stations::refuse(key + "/" + *code.serial + " is an instrument, not a supply");
    record_unknown(ctx.db, key, code.text, ctx.station.id, ctx.now);
    return stations::refuse("Unknown supply " + key + ": not in the catalog. Set it aside; the office sees it in "
                            "`steritrack supplies unknown`");
  }
  const auto quantity = label_quantity(code);
  if (!quantity) return stations::refuse(supply->name + ": " + quantity.error());
  return SupplyScan{std::move(*supply), LabelLot{code.lot.value_or(""), code.expiry}, code.lot.has_value(), *quantity};
}

Origin origin_of(const ScanContext& ctx) {
  return Origin{ctx.scan_row, ctx.station.id, ctx.station.operator_badge, ctx.now};
}

std::string describe_lot(std::string_view lot, const std::optional<Date>& expiry) {
  std::string out;
  if (!lot.empty()) out += " lot " + std::string{lot};
  if (expiry) out += " exp " + format_date(*expiry);
  return out;
}

std::string reorder_note(ScanContext& ctx, const Supply& supply) {
  if (alerts::is_unresolved(ctx.db, "stockout", supply.code)) return " — out of stock";
  if (alerts::is_unresolved(ctx.db, "reorder", supply.code)) return " — at or below the reorder point";
  return "";
}

}  // namespace

// ---- RECEIVE ----

Outcome ReceiveMode::scan(ScanContext& ctx, const codes::Code& code) {
  auto read = read_supply_scan(ctx, code, "RECEIVE");
  if (auto* refused = std::get_if<Outcome>(&read)) return *refused;
  const auto& s = std::get<SupplyScan>(read);
  const Receipt r = receive(ctx.db, s.supply, s.label, s.quantity, ctx.station.location, origin_of(ctx), ctx.policy);

  std::string msg = "Received " + std::to_string(r.quantity) + " × " + s.supply.name +
                    describe_lot(r.lot.lot, r.lot.expiry) + " — on hand " + std::to_string(r.on_hand);
  for (const auto& c : r.credits)
    msg += "; order " + std::to_string(c.order_id) + ": " + std::to_string(c.received) + " of " +
           std::to_string(c.ordered) + " received";
  if (r.lot.conflicting_expiry)
    msg += " (the lot is also labelled exp " + format_date(*r.lot.conflicting_expiry) +
           ": the earlier date is kept)";
  if (!is_usable(r.lot.expiry, today(ctx.now))) msg += " — WARNING: this lot has expired, do not use it";
  return stations::accept(std::move(msg));
}

Outcome ReceiveMode::enter(ScanContext& ctx) {
  return stations::accept("RECEIVE at " + ctx.station.location + ": scan each carton's label");
}
Outcome ReceiveMode::done(ScanContext&) { return stations::accept("RECEIVE: nothing open to finish"); }
Outcome ReceiveMode::cancel(ScanContext&) { return stations::accept("RECEIVE: nothing open to cancel"); }

// ---- CONSUME ----

Outcome ConsumeMode::scan(ScanContext& ctx, const codes::Code& code) {
  auto read = read_supply_scan(ctx, code, "CONSUME");
  if (auto* refused = std::get_if<Outcome>(&read)) return *refused;
  const auto& s = std::get<SupplyScan>(read);
  const Consumption c = consume(ctx.db, s.supply, s.has_lot ? std::optional<LabelLot>{s.label} : std::nullopt,
                                s.quantity, ctx.station.location, origin_of(ctx), ctx.policy);

  std::string msg = "Consumed " + std::to_string(s.quantity) + " × " + s.supply.name;
  std::string warnings;
  if (c.taken.size() == 1 && c.shortfall == 0) {
    msg += describe_lot(c.taken.front().lot, c.taken.front().expiry);
  } else {
    for (std::size_t i = 0; i < c.taken.size(); ++i)
      msg += (i ? ", " : ": ") + std::to_string(c.taken[i].quantity) + describe_lot(c.taken[i].lot, c.taken[i].expiry);
  }
  for (const auto& t : c.taken)
    if (t.expired) warnings += " — WARNING: lot " + t.lot + " expired " + format_date(*t.expiry) + ", do not use it";
  if (c.shortfall > 0)
    warnings += " — " + std::to_string(c.shortfall) + " more than " + ctx.station.location +
                " had on record: booked as a discrepancy, please count this supply";
  msg += " — on hand " + std::to_string(c.on_hand) + reorder_note(ctx, s.supply) + warnings;
  return stations::accept(std::move(msg));
}

Outcome ConsumeMode::enter(ScanContext& ctx) {
  return stations::accept("CONSUME at " + ctx.station.location + ": scan each supply as you take it");
}
Outcome ConsumeMode::done(ScanContext&) { return stations::accept("CONSUME: nothing open to finish"); }
Outcome ConsumeMode::cancel(ScanContext&) { return stations::accept("CONSUME: nothing open to cancel"); }

// ---- COUNT ----
//
// open_step: {"kind": "count", "location": "L-…", "lines": [{"supply", "lot",
// "expiry" (YYYY-MM-DD or null), "quantity"}]}

namespace {

bool is_count(const nlohmann::json& step) {
  return step.is_object() && step.value("kind", "") == "count" && step.contains("location") &&
         step.contains("lines") && step["lines"].is_array();
}

nlohmann::json& count_step(ScanContext& ctx) {
  auto& step = ctx.station.open_step;
  if (!is_count(step))
    step = {{"kind", "count"}, {"location", ctx.station.location}, {"lines", nlohmann::json::array()}};
  return step;
}

}  // namespace

Outcome CountMode::scan(ScanContext& ctx, const codes::Code& code) {
  auto read = read_supply_scan(ctx, code, "COUNT");
  if (auto* refused = std::get_if<Outcome>(&read)) return *refused;
  const auto& s = std::get<SupplyScan>(read);
  auto& step = count_step(ctx);
  const std::string counting_at = step["location"].get<std::string>();
  if (counting_at != ctx.station.location)
    return stations::refuse("This count is for " + counting_at + ": DONE or CANCEL it before counting at " +
                            ctx.station.location);

  nlohmann::json* line = nullptr;
  for (auto& l : step["lines"])
    if (l["supply"] == s.supply.code && l["lot"] == s.label.lot) line = &l;
  if (!line) {
    step["lines"].push_back({{"supply", s.supply.code}, {"lot", s.label.lot}, {"expiry", nullptr}, {"quantity", 0}});
    line = &step["lines"].back();
  }
  (*line)["quantity"] = (*line)["quantity"].get<std::int64_t>() + s.quantity;
  if (s.label.expiry) {
    // Within one count too, a known expiry is only replaced by an earlier one.
    const auto known = (*line)["expiry"].is_string() ? parse_date((*line)["expiry"].get<std::string>()) : std::nullopt;
    if (!known || *s.label.expiry < *known) (*line)["expiry"] = format_date(*s.label.expiry);
  }
  std::int64_t on_record = 0;
  for (const auto& lot : stock_at(ctx.db, s.supply.code, ctx.station.location))
    if (lot.lot == s.label.lot) on_record = lot.quantity;
  return stations::accept("Counting " + s.supply.name + describe_lot(s.label.lot, std::nullopt) + ": " +
                          std::to_string((*line)["quantity"].get<std::int64_t>()) + " so far (" +
                          std::to_string(on_record) + " on record here); DONE when the shelf is counted");
}

Outcome CountMode::enter(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  count_step(ctx);
  return stations::accept("COUNT at " + ctx.station.location +
                          ": scan every item or case of the supplies you count, then DONE. Lots of a counted supply "
                          "that you do not scan are set to 0");
}

Outcome CountMode::done(ScanContext& ctx) {
  const auto& step = ctx.station.open_step;
  if (!is_count(step) || step["lines"].empty()) {
    ctx.station.open_step = nullptr;
    return stations::accept("COUNT: nothing counted, nothing changed");
  }
  const std::string location = step["location"].get<std::string>();
  // Group the tally by supply, in the order first scanned.
  std::vector<std::pair<std::string, std::vector<CountedLabel>>> by_supply;
  for (const auto& l : step["lines"]) {
    const auto supply = l["supply"].get<std::string>();
    auto it = std::find_if(by_supply.begin(), by_supply.end(), [&](const auto& p) { return p.first == supply; });
    if (it == by_supply.end()) it = by_supply.insert(by_supply.end(), {supply, {}});
    const auto expiry = l["expiry"].is_string() ? parse_date(l["expiry"].get<std::string>()) : std::nullopt;
    it->second.push_back({LabelLot{l["lot"].get<std::string>(), expiry}, l["quantity"].get<std::int64_t>()});
  }
  std::string msg = "Count at " + location + " saved:";
  const Origin origin = origin_of(ctx);
  for (const auto& [code, counted] : by_supply) {
    const auto supply = find_supply(ctx.db, code);
    if (!supply) continue;  // removed from the catalog by hand since it was scanned
    msg += " " + supply->name;
    for (const auto& change : count(ctx.db, *supply, counted, location, origin, ctx.policy)) {
      const std::int64_t diff = change.counted - change.on_record;
      msg += " [" + (change.lot.empty() ? std::string{kNoLot} : "lot " + change.lot) + " " +
             std::to_string(change.on_record) + "→" + std::to_string(change.counted) +
             (diff == 0 ? "" : diff > 0 ? " (+" + std::to_string(diff) + ")" : " (" + std::to_string(diff) + ")") + "]";
    }
  }
  ctx.station.open_step = nullptr;
  return stations::accept(std::move(msg));
}

Outcome CountMode::cancel(ScanContext& ctx) {
  const bool had = is_count(ctx.station.open_step) && !ctx.station.open_step["lines"].empty();
  ctx.station.open_step = nullptr;
  return stations::accept(had ? "Count cancelled: nothing changed" : "COUNT: nothing open to cancel");
}

}  // namespace steritrack::inventory
