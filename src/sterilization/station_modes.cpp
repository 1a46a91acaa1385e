#include "sterilization/station_modes.hpp"

#include <nlohmann/json.hpp>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "report/chain.hpp"
#include "sterilization/pack_store.hpp"
#include "sterilization/recall.hpp"
#include "sterilization/trays.hpp"

namespace steritrack::sterilization {

using stations::accept;
using stations::Outcome;
using stations::refuse;
using stations::ScanContext;

namespace {

using nlohmann::json;

std::string open_text(const ScanContext& ctx, const char* key) {
  const json& step = ctx.station.open_step;
  if (!step.is_object() || !step.contains(key) || !step[key].is_string()) return {};
  return step[key].get<std::string>();
}

std::optional<std::string> badge(const ScanContext& ctx) {
  if (ctx.station.operator_badge.empty()) return std::nullopt;
  return ctx.station.operator_badge;
}

Outcome refuse_recalled(ScanContext& ctx, const PackRow& pack) {
  const auto recall = recall_of_pack(ctx.db, pack);
  const std::string why = recall ? " (positive BI on " + *recall + ")" : "";
  alerts::raise(ctx.db, "recalled_pack", pack.tray, alerts::Severity::critical,
                "recalled pack " + pack.tray + why + " scanned at station " + ctx.station.id + " in " +
                    std::string{stations::to_string(ctx.station.mode)},
                ctx.now);
  return refuse("RECALLED: " + pack.tray + why + " - do not use; take it to RETURN");
}

std::optional<std::int64_t> pending_load(store::Connection& db, std::string_view sterilizer) {
  return db.query_int("SELECT id FROM loads WHERE sterilizer = ? AND cycle_row IS NULL", sterilizer);
}

std::int64_t load_size(store::Connection& db, std::int64_t load) {
  return db.query_int("SELECT count(*) FROM packs WHERE load_id = ? AND state = 'loaded'", load).value_or(0);
}

std::string plural(std::int64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The recipe counts of the instruments scanned so far.
Recipe scanned_types(store::Connection& db, const json& instruments) {
  Recipe counts;
  for (const json& id : instruments)
    if (const auto type = db.query_text("SELECT type FROM instruments WHERE id = ?", id.get<std::string>()))
      ++counts[*type];
  return counts;
}

std::string flag_of(const PackRow& pack) {
  if (!pack.counted) return " (uncounted)";
  if (pack.missing && *pack.missing != "{}") {
    return " (flagged: missing " + describe(json::parse(*pack.missing).get<Recipe>()) + ")";
  }
  return "";
}

}  // namespace

// ---- ASSEMBLE ----

Outcome AssembleMode::enter(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  return accept("ASSEMBLE: scan a tray, its instruments, then CMD-DONE");
}

Outcome AssembleMode::scan(ScanContext& ctx, const codes::Code& code) {
  const std::string open_tray = open_text(ctx, "tray");
  if (code.kind == codes::Kind::tray) {
    const std::string& id = code.label;
    if (open_tray == id) return accept(id + " is open: scan its instruments, then CMD-DONE");
    const auto tray = find_tray(ctx.db, id);
    if (!tray) return refuse("unknown tray " + id + ": add it with `steritrack trays import`");
    const auto pack = current_pack(ctx.db, id);
    if (pack && pack->state == PackState::recalled) return refuse_recalled(ctx, *pack);
    if (!open_tray.empty()) return refuse("finish " + open_tray + " first: CMD-DONE, or CMD-CANCEL");
    if (!badge(ctx)) return refuse("scan your badge (U-...) first: the pack records who assembled it");
    const auto next = next_state(pack ? pack->state : PackState::dirty, PackEvent::assemble);
    if (!next) return refuse(id + ": " + next.error());
    ctx.station.open_step = {{"tray", id}, {"instruments", json::array()}};
    return accept(id + " " + tray->name + ": scan instruments (" + describe(tray->recipe) + "), then CMD-DONE");
  }
  if (code.kind == codes::Kind::instrument || code.kind == codes::Kind::gs1 || code.kind == codes::Kind::gtin) {
    if (open_tray.empty()) return refuse("scan the tray (T-...) first, then its instruments");
    const auto key = instrument_key(code);
    if (!key) return refuse(key.error());
    const auto type = ctx.db.query_text("SELECT type FROM instruments WHERE id = ?", *key);
    if (!type) return refuse("unknown instrument " + *key + ": add it with `steritrack instruments import`");
    json& scanned = ctx.station.open_step["instruments"];
    for (const json& s : scanned)
      if (s.get<std::string>() == *key) return accept(*key + " already counted");
    scanned.push_back(*key);
    const auto tray = find_tray(ctx.db, open_tray);
    const Recipe recipe = tray ? tray->recipe : Recipe{};
    const auto need = recipe.find(*type);
    if (need == recipe.end()) return accept(*key + " " + *type + ": not in " + open_tray + "'s recipe (extra)");
    return accept(*key + " " + *type + ": " + std::to_string(scanned_types(ctx.db, scanned)[*type]) + " of " +
                  std::to_string(need->second));
  }
  return refuse("in ASSEMBLE scan a tray (T-...) and its instruments");
}

Outcome AssembleMode::done(ScanContext& ctx) {
  const std::string id = open_text(ctx, "tray");
  if (id.empty()) return refuse("nothing to finish: scan a tray first");
  const auto tray = find_tray(ctx.db, id);
  if (!tray) {
    ctx.station.open_step = nullptr;
    return refuse("tray " + id + " is no longer in the catalog");
  }
  const auto previous = current_pack(ctx.db, id);
  const auto next = next_state(previous ? previous->state : PackState::dirty, PackEvent::assemble);
  if (!next) return refuse(id + ": " + next.error());

  const json instruments = ctx.station.open_step["instruments"];
  const bool counted = !instruments.empty();
  std::optional<std::string> missing_json, extra_json;
  CountCheck check;
  if (counted) {
    check = compare(tray->recipe, scanned_types(ctx.db, instruments));
    missing_json = json(check.missing).dump();
    extra_json = json(check.extra).dump();
  }
  const std::string ts = format_rfc3339(ctx.now);
  std::int64_t pack = 0;
  if (previous && previous->state == PackState::assembled) {
    // A recount before loading replaces the count on the same pack.
    pack = previous->id;
    ctx.db.execute(
        "UPDATE packs SET assembled_at = ?, assembled_by = ?, station = ?, counted = ?, instruments = ?,"
        " missing = ?, extra = ? WHERE id = ?",
        ts, badge(ctx), ctx.station.id, counted, instruments.dump(), missing_json, extra_json, pack);
  } else {
    ctx.db.execute(
        "INSERT INTO packs (tray, state, assembled_at, assembled_by, station, counted, instruments, missing, extra,"
        " updated_at) VALUES (?, 'assembled', ?, ?, ?, ?, ?, ?, ?, ?)",
        id, ts, badge(ctx), ctx.station.id, counted, instruments.dump(), missing_json, extra_json, ts);
    pack = ctx.db.last_insert_id();
  }
  set_pack_state(ctx.db, pack, PackState::assembled, ctx.now);
  ctx.station.open_step = nullptr;
  // Reassembling a failed or recalled-and-returned pack reprocesses it.
  if (previous && previous->id != pack && previous->cycle_row) account_recalls(ctx.db, *previous->cycle_row, ctx.now);

  if (!counted) return accept(id + " assembled uncounted (no instruments scanned)");
  alerts::set(ctx.db, !check.complete(), "tray_incomplete", id, alerts::Severity::warning,
              "tray " + id + " assembled at " + ctx.station.id + " without: " + describe(check.missing), ctx.now);
  std::string message = id + " assembled: ";
  message += check.complete() ? "complete" : "MISSING " + describe(check.missing) + " - pack flagged";
  if (!check.extra.empty()) message += "; extra " + describe(check.extra);
  return accept(message);
}

Outcome AssembleMode::cancel(ScanContext& ctx) {
  const std::string id = open_text(ctx, "tray");
  ctx.station.open_step = nullptr;
  if (id.empty()) return accept("nothing to cancel");
  return accept("assembly of " + id + " cancelled");
}

// ---- LOAD ----

Outcome LoadMode::enter(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  return accept("LOAD: scan the sterilizer label (S-...), then packs");
}

Outcome LoadMode::scan(ScanContext& ctx, const codes::Code& code) {
  const std::string sterilizer = open_text(ctx, "sterilizer");
  if (code.kind == codes::Kind::sterilizer) {
    const std::string id = code.label.substr(2);
    if (!ctx.db.query_int("SELECT 1 FROM sterilizers WHERE id = ?", id))
      return refuse("unknown sterilizer " + id + " (not in the daemon's config)");
    if (!badge(ctx)) return refuse("scan your badge (U-...) first: the log records who loaded");
    ctx.station.open_step = {{"sterilizer", id}};
    const auto load = pending_load(ctx.db, id);
    std::string message = "loading " + id + ": " + plural(load ? load_size(ctx.db, *load) : 0, "pack") +
                          " so far; scan packs, then CMD-DONE";
    if (ctx.db.query_int("SELECT in_service FROM sterilizers WHERE id = ?", id).value_or(1) == 0)
      message += ". WARNING: " + id + " is OUT OF SERVICE after a positive BI: this load will be quarantined";
    return accept(message);
  }
  if (code.kind == codes::Kind::tray) {
    const std::string& tray = code.label;
    const auto pack = current_pack(ctx.db, tray);
    if (pack && pack->state == PackState::recalled) return refuse_recalled(ctx, *pack);
    if (sterilizer.empty()) return refuse("scan the sterilizer label (S-...) first");
    if (!pack) {
      if (!find_tray(ctx.db, tray)) return refuse("unknown tray " + tray);
      return refuse(tray + ": the tray is dirty: assemble it first");
    }
    const auto load = pending_load(ctx.db, sterilizer);
    if (pack->state == PackState::loaded) {
      if (load && pack->load_id == load) return accept(tray + " is already in this load");
      const auto other = ctx.db.query_text("SELECT sterilizer FROM loads WHERE id = ?", pack->load_id);
      return refuse(tray + " is already in the pending load of sterilizer " + other.value_or("?"));
    }
    const auto next = next_state(pack->state, PackEvent::load);
    if (!next) return refuse(tray + ": " + next.error());
    std::int64_t load_id = 0;
    const std::string ts = format_rfc3339(ctx.now);
    if (load) {
      load_id = *load;
      ctx.db.execute("UPDATE loads SET operator = ?, station = ? WHERE id = ?", badge(ctx), ctx.station.id, load_id);
    } else {
      ctx.db.execute("INSERT INTO loads (sterilizer, station, operator, created_at) VALUES (?, ?, ?, ?)", sterilizer,
                     ctx.station.id, badge(ctx), ts);
      load_id = ctx.db.last_insert_id();
    }
    ctx.db.execute("UPDATE packs SET load_id = ?, loaded_at = ? WHERE id = ?", load_id, ts, pack->id);
    set_pack_state(ctx.db, pack->id, *next, ctx.now);
    return accept(tray + " loaded for " + sterilizer + flag_of(*pack) + "; " +
                  plural(load_size(ctx.db, load_id), "pack") + " in the load");
  }
  return refuse("in LOAD scan the sterilizer label (S-...), then packs (T-...)");
}

Outcome LoadMode::done(ScanContext& ctx) {
  const std::string sterilizer = open_text(ctx, "sterilizer");
  if (sterilizer.empty()) return refuse("nothing to finish: scan the sterilizer label first");
  ctx.station.open_step = nullptr;
  const auto load = pending_load(ctx.db, sterilizer);
  const std::int64_t n = load ? load_size(ctx.db, *load) : 0;
  if (n == 0) return accept("no packs loaded for " + sterilizer);
  return accept("load for " + sterilizer + " ready: " + plural(n, "pack") + "; it goes with " + sterilizer +
                "'s next cycle");
}

Outcome LoadMode::cancel(ScanContext& ctx) {
  const std::string sterilizer = open_text(ctx, "sterilizer");
  ctx.station.open_step = nullptr;
  if (sterilizer.empty()) return accept("nothing to cancel");
  const auto load = pending_load(ctx.db, sterilizer);
  if (!load) return accept("nothing to cancel");
  const auto packs = packs_of_load(ctx.db, *load);
  for (const PackRow& p : packs) {
    const auto next = next_state(p.state, PackEvent::unload);
    if (!next) continue;
    ctx.db.execute("UPDATE packs SET load_id = NULL, loaded_at = NULL WHERE id = ?", p.id);
    set_pack_state(ctx.db, p.id, *next, ctx.now);
  }
  ctx.db.execute("DELETE FROM loads WHERE id = ?", *load);
  return accept("load for " + sterilizer + " cancelled: " + plural(static_cast<std::int64_t>(packs.size()), "pack") +
                " back to assembled");
}

// ---- ISSUE ----

Outcome IssueMode::enter(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  return accept("ISSUE: scan the case label (C-...), then packs");
}

Outcome IssueMode::scan(ScanContext& ctx, const codes::Code& code) {
  if (code.kind == codes::Kind::case_label) {
    ctx.station.open_step = {{"case", code.label}};
    return accept("case " + code.label + ": scan packs");
  }
  if (code.kind != codes::Kind::tray) return refuse("in ISSUE scan the case label (C-...), then packs (T-...)");

  const std::string& tray = code.label;
  const std::string case_label = open_text(ctx, "case");
  const auto pack = current_pack(ctx.db, tray);
  if (!pack && !find_tray(ctx.db, tray)) return refuse("unknown tray " + tray);
  if (pack && pack->state == PackState::recalled) return refuse_recalled(ctx, *pack);
  if (pack && pack->state == PackState::issued && pack->case_label == case_label && !case_label.empty())
    return accept(tray + " is already issued to " + case_label);
  const PackState state = pack ? pack->state : PackState::dirty;
  if (state != PackState::released) {
    const std::string why = state == PackState::issued
                                ? "already issued to " + pack->case_label.value_or("another case")
                                : std::string{to_string(state)};
    alerts::raise(ctx.db, "unsterile_issue", tray, alerts::Severity::critical,
                  "pack " + tray + " (" + why + ") scanned for issue at station " + ctx.station.id +
                      (case_label.empty() ? "" : " for " + case_label),
                  ctx.now);
    return refuse("NOT STERILE: " + tray + " is " + why + " - do not use");
  }
  if (pack->expiry && clinic_date(ctx.now, ctx.policy) > *pack->expiry) {
    alerts::raise(ctx.db, "expired_pack", tray, alerts::Severity::critical,
                  "pack " + tray + " past its shelf life (" + *pack->expiry + ") scanned for issue at station " +
                      ctx.station.id,
                  ctx.now);
    return refuse("EXPIRED: " + tray + " expired on " + *pack->expiry + " - do not use; take it to RETURN");
  }
  if (case_label.empty()) return refuse("scan the case label (C-...) first");
  const auto next = next_state(pack->state, PackEvent::issue);
  if (!next) return refuse(tray + ": " + next.error());
  ctx.db.execute("UPDATE packs SET case_label = ?, issued_at = ?, issued_by = ? WHERE id = ?", case_label,
                 format_rfc3339(ctx.now), badge(ctx), pack->id);
  set_pack_state(ctx.db, pack->id, *next, ctx.now);
  const auto cycle = pack->cycle_row ? find_cycle(ctx.db, *pack->cycle_row) : std::nullopt;
  return accept(tray + " issued to " + case_label + (cycle ? " (sterilized in " + cycle->subject() : " (") +
                (pack->expiry ? ", use by " + *pack->expiry + ")" : ", event-related)"));
}

Outcome IssueMode::done(ScanContext& ctx) {
  const std::string case_label = open_text(ctx, "case");
  ctx.station.open_step = nullptr;
  if (case_label.empty()) return refuse("nothing to finish: scan a case label first");
  return accept("case " + case_label + " done");
}

Outcome IssueMode::cancel(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  return accept("ISSUE: case cleared");
}

// ---- RETURN ----

Outcome ReturnMode::enter(ScanContext& ctx) {
  ctx.station.open_step = nullptr;
  return accept("RETURN: scan trays coming back");
}

Outcome ReturnMode::scan(ScanContext& ctx, const codes::Code& code) {
  if (code.kind != codes::Kind::tray) return refuse("in RETURN scan trays (T-...)");
  const std::string& tray = code.label;
  const auto pack = current_pack(ctx.db, tray);
  if (!pack && !find_tray(ctx.db, tray)) return refuse("unknown tray " + tray);
  if (!pack || pack->state == PackState::dirty) return accept(tray + " is dirty: clean it, then assemble it");
  const auto next = next_state(pack->state, PackEvent::return_);
  if (!next) return refuse(tray + ": " + next.error());
  ctx.db.execute("UPDATE packs SET returned_at = ?, returned_by = ? WHERE id = ?", format_rfc3339(ctx.now), badge(ctx),
                 pack->id);
  set_pack_state(ctx.db, pack->id, *next, ctx.now);
  if (pack->cycle_row) account_recalls(ctx.db, *pack->cycle_row, ctx.now);
  switch (pack->state) {
    case PackState::recalled: return accept("recalled pack " + tray + " returned: reprocess it");
    case PackState::issued: return accept(tray + " returned from " + pack->case_label.value_or("its case"));
    default: return accept(tray + " returned dirty (was " + std::string{to_string(pack->state)} + ")");
  }
}

Outcome ReturnMode::done(ScanContext&) { return accept("RETURN: done"); }
Outcome ReturnMode::cancel(ScanContext&) { return accept("nothing to cancel"); }

std::optional<Outcome> refuse_if_recalled(ScanContext& ctx, const codes::Code& code) {
  if (code.kind != codes::Kind::tray) return std::nullopt;
  const auto pack = current_pack(ctx.db, code.label);
  if (!pack || pack->state != PackState::recalled) return std::nullopt;
  return refuse_recalled(ctx, *pack);
}

}  // namespace steritrack::sterilization
