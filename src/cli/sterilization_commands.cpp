// trays import, instruments import, indicator add, release, recall.
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "cli/cli.hpp"
#include "common/csv.hpp"
#include "sterilization/indicators.hpp"
#include "sterilization/recall.hpp"
#include "sterilization/trays.hpp"

namespace steritrack::cli {
namespace {

Cell text_or_empty(const std::optional<std::string>& s) { return s ? Cell{*s} : Cell{}; }

std::optional<std::string> given(const CLI::App* cmd, const char* option, const std::string& value) {
  if (cmd->count(option) == 0) return std::nullopt;
  return value;
}

void print_import(Context& ctx, const std::string& file, const char* what, const sterilization::ImportCount& n) {
  if (ctx.format() == Format::table) {
    *ctx.out << file << ": " << n.added + n.updated << ' ' << what << " imported (" << n.added << " new, " << n.updated
             << " updated)\n";
    return;
  }
  ctx.show(Table{{"file", "added", "updated"}, {{file, std::int64_t{n.added}, std::int64_t{n.updated}}}});
}

void add_import(CLI::App& parent, Context& ctx, bool trays) {
  auto* cmd = parent.add_subcommand("import", trays ? "upsert trays from CSV: tray,name,recipe,implants,shelf_life_days"
                                                    : "upsert instruments from CSV: instrument,type,name");
  auto file = std::make_shared<std::string>();
  cmd->add_option("FILE", *file, "the CSV file")->required();
  cmd->callback([&ctx, file, trays] {
    const auto& columns = trays ? sterilization::kTrayColumns : sterilization::kInstrumentColumns;
    auto table = csv::Table::read(*file, columns);
    if (!table) throw Failure(table.failure());
    // Validate the whole file before anything is written.
    sterilization::ImportCount n;
    if (trays) {
      auto rows = sterilization::read_trays(*table);
      if (!rows) throw Failure(rows.failure());
      auto& db = ctx.db();
      store::Transaction tx(db);
      n = sterilization::upsert_trays(db, *rows);
      tx.commit();
    } else {
      auto rows = sterilization::read_instruments(*table);
      if (!rows) throw Failure(rows.failure());
      auto& db = ctx.db();
      store::Transaction tx(db);
      n = sterilization::upsert_instruments(db, *rows);
      tx.commit();
    }
    print_import(ctx, *file, trays ? "trays" : "instruments", n);
  });
}

struct IndicatorOptions {
  std::string cycle, type, result, lot, operator_badge;
};

struct ReleaseOptions {
  std::string cycle, operator_badge, override_reason;
};

}  // namespace

void add_sterilization_commands(CLI::App& app, Context& ctx) {
  auto* trays = app.add_subcommand("trays", "the tray catalog");
  trays->require_subcommand(1);
  add_import(*trays, ctx, true);
  auto* instruments = app.add_subcommand("instruments", "the instrument catalog");
  instruments->require_subcommand(1);
  add_import(*instruments, ctx, false);

  auto* indicator = app.add_subcommand("indicator", "indicator results (BI, CI, Bowie-Dick)");
  indicator->require_subcommand(1);
  auto* add = indicator->add_subcommand("add", "record an indicator result for a cycle");
  auto io = std::make_shared<IndicatorOptions>();
  add->add_option("--cycle", io->cycle, "STERILIZER/CYCLE, e.g. A/1042")->required();
  add->add_option("--type", io->type, "bi, ci or bowie-dick")->required();
  add->add_option("--result", io->result, "negative|positive (BI), pass|fail (CI, Bowie-Dick)")->required();
  add->add_option("--lot", io->lot, "lot of the indicator (required for a BI)");
  add->add_option("--operator", io->operator_badge, "badge of who read it, e.g. U-0042");
  add->callback([&ctx, io, add] {
    auto& db = ctx.db();
    store::Transaction tx(db);
    auto r = sterilization::add_indicator(db, io->cycle, io->type, io->result, given(add, "--lot", io->lot),
                                          given(add, "--operator", io->operator_badge), ctx.policy(), ctx.now());
    if (!r) throw Failure(r.failure());
    tx.commit();
    std::string effects;
    for (const auto& e : r->effects) effects += (effects.empty() ? "" : "; ") + e;
    ctx.show(Table{{"sterilizer", "cycle", "type", "result", "lot", "operator", "recorded_at", "status", "effects"},
                {{r->sterilizer, r->cycle, r->type, r->result, text_or_empty(r->lot), text_or_empty(r->operator_badge),
                  r->recorded_at, text_or_empty(r->cycle_status), effects}}});
  });

  auto* release = app.add_subcommand("release", "release a quarantined load");
  auto ro = std::make_shared<ReleaseOptions>();
  release->add_option("CYCLE", ro->cycle, "STERILIZER/CYCLE, e.g. A/1042")->required();
  release->add_option("--operator", ro->operator_badge, "badge of who releases it, e.g. U-0042")->required();
  release->add_option("--override", ro->override_reason, "release before a negative BI, with the reason");
  release->callback([&ctx, ro, release] {
    auto& db = ctx.db();
    store::Transaction tx(db);
    auto r = sterilization::release(db, ro->cycle, ro->operator_badge,
                                    given(release, "--override", ro->override_reason), ctx.policy(), ctx.now());
    if (!r) throw Failure(r.failure());
    tx.commit();
    ctx.show(Table{{"sterilizer", "cycle", "status", "released_by", "released_at", "packs"},
                {{r->sterilizer, r->cycle, std::string{"released"}, r->released_by, r->released_at, r->packs}}});
  });

  auto* recall = app.add_subcommand("recall", "the packs in scope of the recall after a positive BI on a cycle");
  auto cycle = std::make_shared<std::string>();
  recall->add_option("CYCLE", *cycle, "STERILIZER/CYCLE with the positive BI, e.g. A/1042")->required();
  recall->callback([&ctx, cycle] {
    auto lines = sterilization::recall_listing(ctx.db(), *cycle);
    if (!lines) throw Failure(lines.failure());
    Table t{{"sterilizer", "cycle", "tray", "pack_status", "case"}, {}};
    for (const auto& l : *lines)
      t.rows.push_back({l.sterilizer, l.cycle, l.tray, l.pack_status, text_or_empty(l.case_label)});
    ctx.show(t);
  });
}

}  // namespace steritrack::cli
