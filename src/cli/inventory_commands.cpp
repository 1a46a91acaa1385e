// supplies import/unknown, stock, transfer, reorder, orders add/list/cancel.
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "common/time.hpp"
#include "inventory/catalog.hpp"
#include "inventory/orders.hpp"
#include "inventory/stock.hpp"
#include "store/sqlite.hpp"

namespace steritrack::cli {
namespace {

Cell text(const std::string& s) { return s.empty() ? Cell{} : Cell{s}; }
Cell date(const std::optional<std::chrono::year_month_day>& d) { return d ? Cell{format_date(*d)} : Cell{}; }

Table orders_table(const std::vector<inventory::Order>& orders) {
  Table t{{"id", "code", "name", "vendor", "quantity", "received", "status", "created"}, {}};
  for (const auto& o : orders)
    t.rows.push_back({o.id, o.code, o.name, text(o.vendor), o.quantity, o.received, o.status, o.created});
  t.views["name"] = {.shrink = true};
  t.views["vendor"] = {.shrink = true};
  t.views["created"] = {.time = true};
  return t;
}

void import_supplies(Context& ctx, const std::string& file) {
  const auto summary = inventory::import_supplies(ctx.db(), file, ctx.now());
  if (!summary) throw Failure(summary.error() + "\nnothing was imported");
  if (ctx.format() == Format::table) {
    *ctx.out << file << ": " << summary->added + summary->updated << " supplies imported (" << summary->added
             << " added, " << summary->updated << " updated)\n";
  } else {
    ctx.show(Table{{"file", "added", "updated"},
                {{file, static_cast<std::int64_t>(summary->added), static_cast<std::int64_t>(summary->updated)}}});
  }
}

void list_unknown(Context& ctx) {
  Table t{{"code", "times_scanned", "last_station", "first_seen", "last_seen", "last_text"}, {}};
  for (const auto& u : inventory::unknown_codes(ctx.db()))
    t.rows.push_back({u.code, u.times_scanned, u.last_station, u.first_seen, u.last_seen, u.last_text});
  t.views["first_seen"] = {.time = true, .drop_rank = 1};
  t.views["last_seen"] = {.time = true};
  t.views["last_text"] = {.shrink = true};
  ctx.show(t);
}

void list_stock(Context& ctx) {
  Table t{{"code", "name", "lot", "expiry", "location", "quantity"}, {}};
  for (const auto& s : inventory::stock_list(ctx.db()))
    t.rows.push_back({s.code, s.name, text(s.lot), date(s.expiry), s.location, s.quantity});
  t.views["name"] = {.shrink = true};
  ctx.show(t);
}

void list_discrepancies(Context& ctx) {
  Table t{{"at", "code", "name", "lot", "location", "shortfall", "station", "operator"}, {}};
  for (const auto& d : inventory::discrepancies(ctx.db()))
    t.rows.push_back(
        {d.at, d.code, d.name, text(d.lot), d.location, d.shortfall, text(d.station), text(d.operator_badge)});
  t.views["at"] = {.time = true};
  t.views["name"] = {.shrink = true};
  ctx.show(t);
}

inventory::Supply supply_or_fail(store::Connection& db, const std::string& code) {
  const auto normalized = inventory::normalize_supply_code(code);
  if (!normalized) throw Failure("code " + normalized.error());
  auto supply = inventory::find_supply(db, *normalized);
  if (!supply) throw Failure(*normalized + " is not in the supplies catalog (steritrack supplies import)");
  return *supply;
}

struct TransferArgs {
  std::string code;
  std::int64_t quantity = 0;
  std::optional<std::string> lot;
  std::string from;
  std::string to;
  std::string operator_badge;
};

void transfer(Context& ctx, const TransferArgs& a) {
  auto& db = ctx.db();
  store::Transaction tx(db);
  const auto supply = supply_or_fail(db, a.code);
  std::string lot;
  if (a.lot) {
    lot = *a.lot;
  } else {
    // Without --lot, the one lot the source holds; several need a choice.
    std::vector<inventory::LotStock> held;
    for (auto& l : inventory::stock_at(db, supply.code, a.from))
      if (l.quantity > 0) held.push_back(std::move(l));
    if (held.empty()) throw Failure(supply.code + " has no stock at " + a.from);
    if (held.size() > 1) {
      std::string list;
      for (const auto& h : held) list += (list.empty() ? "" : ", ") + (h.lot.empty() ? "\"\" (no lot)" : h.lot);
      throw Failure(supply.code + " has several lots at " + a.from + " (" + list + "): choose one with --lot");
    }
    lot = held.front().lot;
  }
  const inventory::Origin origin{std::nullopt, "", a.operator_badge, ctx.now()};
  const auto moved = inventory::transfer(db, supply, lot, a.from, a.to, a.quantity, origin);
  if (!moved) throw Failure(moved.failure());
  tx.commit();
  *ctx.out << "Moved " << a.quantity << " × " << supply.name << (lot.empty() ? "" : " lot " + lot) << " from "
           << a.from << " to " << a.to << " — " << *moved << " there now\n";
}

void list_reorder(Context& ctx, const std::optional<std::string>& vendor) {
  Table t{{"code", "name", "vendor", "on_hand", "on_order", "reorder_point", "par_level", "suggested_qty"}, {}};
  for (const auto& r : inventory::reorder_list(ctx.db(), ctx.now(), vendor))
    t.rows.push_back(
        {r.code, r.name, text(r.vendor), r.on_hand, r.on_order, r.reorder_point, r.par_level, r.suggested_qty});
  t.views["name"] = {.shrink = true};
  t.views["vendor"] = {.shrink = true};
  ctx.show(t);
}

void print_order(Context& ctx, const inventory::Order& o, std::string_view what) {
  if (ctx.format() == Format::table)
    *ctx.out << "Order " << o.id << " " << what << ": " << o.quantity << " × " << o.name
             << (o.vendor.empty() ? "" : " from " + o.vendor) << " (" << o.status << ", " << o.received
             << " received)\n";
  else
    ctx.show(orders_table({o}));
}

}  // namespace

void add_inventory_commands(CLI::App& app, Context& ctx) {
  auto* supplies = app.add_subcommand("supplies", "the supplies catalog");
  supplies->require_subcommand(1);
  auto import_file = std::make_shared<std::string>();
  auto* import = supplies->add_subcommand(
      "import", "add or update supplies from a CSV file (code,name,unit,vendor,par_level,reorder_point,reorder_qty)");
  import->add_option("FILE", *import_file, "CSV file with a header line")->required();
  import->callback([&ctx, import_file] { import_supplies(ctx, *import_file); });
  supplies->add_subcommand("unknown", "supply codes scanned that are not in the catalog")->callback([&ctx] {
    list_unknown(ctx);
  });

  auto show_discrepancies = std::make_shared<bool>(false);
  auto* stock = app.add_subcommand("stock", "on-hand per supply, lot, expiry and location");
  stock->add_flag("--discrepancies", *show_discrepancies,
                  "list consumptions beyond the recorded stock instead (to be counted)");
  stock->callback([&ctx, show_discrepancies] {
    if (*show_discrepancies)
      list_discrepancies(ctx);
    else
      list_stock(ctx);
  });

  auto move = std::make_shared<TransferArgs>();
  auto* transfer_cmd = app.add_subcommand("transfer", "move stock of a supply from one location to another");
  transfer_cmd->add_option("CODE", move->code, "supply code (GTIN or HIBC labeler+product)")->required();
  transfer_cmd->add_option("QTY", move->quantity, "how many")->required()->check(CLI::PositiveNumber);
  transfer_cmd->add_option("--lot", move->lot, "the lot (\"\" for stock without lot); needed when the source holds several");
  transfer_cmd->add_option("--from", move->from, "source location (L-…)")->required();
  transfer_cmd->add_option("--to", move->to, "destination location (L-…)")->required();
  transfer_cmd->add_option("--operator", move->operator_badge, "who moved it (U-…)");
  transfer_cmd->callback([&ctx, move] { transfer(ctx, *move); });

  auto vendor = std::make_shared<std::optional<std::string>>();
  auto* reorder = app.add_subcommand("reorder", "what to order now, by vendor then name");
  reorder->add_option("--vendor", *vendor, "only this vendor's supplies");
  reorder->callback([&ctx, vendor] { list_reorder(ctx, *vendor); });

  auto* orders = app.add_subcommand("orders", "purchase orders");
  orders->require_subcommand(1);
  struct AddArgs {
    std::string code;
    std::int64_t quantity = 0;
  };
  auto add = std::make_shared<AddArgs>();
  auto* add_cmd = orders->add_subcommand("add", "record an order placed with the vendor");
  add_cmd->add_option("CODE", add->code, "supply code (GTIN or HIBC labeler+product)")->required();
  add_cmd->add_option("QTY", add->quantity, "quantity ordered")->required();
  add_cmd->callback([&ctx, add] {
    auto& db = ctx.db();
    store::Transaction tx(db);
    const auto order = inventory::add_order(db, add->code, add->quantity, ctx.now());
    if (!order) throw Failure(order.failure());
    tx.commit();
    print_order(ctx, *order, "placed");
  });
  orders->add_subcommand("list", "every order, newest first")->callback([&ctx] {
    ctx.show(orders_table(inventory::list_orders(ctx.db())));
  });
  auto cancel_id = std::make_shared<std::int64_t>(0);
  auto* cancel_cmd = orders->add_subcommand("cancel", "cancel what is still outstanding of an order");
  cancel_cmd->add_option("ID", *cancel_id, "order id (orders list)")->required();
  cancel_cmd->callback([&ctx, cancel_id] {
    auto& db = ctx.db();
    store::Transaction tx(db);
    const auto order = inventory::cancel_order(db, *cancel_id, ctx.now());
    if (!order) throw Failure(order.failure());
    tx.commit();
    print_order(ctx, *order, "cancelled");
  });
}

}  // namespace steritrack::cli
