#include "sterilization/workflow.hpp"

#include <chrono>
#include <stdexcept>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "report/chain.hpp"
#include "common/time_zone.hpp"
#include "sterilization/pack_store.hpp"

namespace steritrack::sterilization {
namespace {

CycleRow require_cycle(store::Connection& db, std::int64_t row) {
  auto cycle = find_cycle(db, row);
  if (!cycle) throw std::logic_error("cycle listener: no cycle row " + std::to_string(row));
  return *cycle;
}

// Whether a Bowie-Dick test that passed ran on the sterilizer earlier on the
// clinic's calendar day of `start`.
bool passed_bowie_dick_today(store::Connection& db, const CycleRow& cycle, const Policy& policy) {
  const auto start = parse_rfc3339(cycle.start);
  if (!start) return false;
  const TimeZone& zone = clinic_zone(policy.timezone);
  const auto today = zone.local_date(*start);
  // No zone is more than 26 hours from UTC: look back two days, then compare
  // calendar days in the clinic's zone.
  auto& s = db.query(
      "SELECT start FROM cycles WHERE sterilizer = ? AND program_kind = 'air_removal_test' AND bowie_dick = 'pass'"
      " AND start < ? AND start >= ?",
      cycle.sterilizer, cycle.start, format_rfc3339(*start - std::chrono::hours{48}));
  bool found = false;
  while (s.step()) {
    const auto t = parse_rfc3339(s.get_text(0));
    if (t && zone.local_date(*t) == today) found = true;
  }
  return found;
}

}  // namespace

Workflow::Workflow(PolicySource policy) : policy_(std::move(policy)) {}

void Workflow::cycle_started(store::Connection& db, std::int64_t cycle_row, TimePoint now) {
  const CycleRow cycle = require_cycle(db, cycle_row);
  if (!cycle.is_load()) {
    db.execute("UPDATE cycles SET status = 'test' WHERE id = ?", cycle.row);
    chain_cycle(db, cycle, now);
    return;
  }
  const Policy policy = policy_();
  std::optional<std::int64_t> load;
  std::optional<std::string> loaded_by;
  {
    auto& s = db.query("SELECT id, operator FROM loads WHERE sterilizer = ? AND cycle_row IS NULL", cycle.sterilizer);
    if (s.step()) {
      load = s.get_int(0);
      loaded_by = s.get_opt_text(1);
    }
    s.reset();
  }
  if (!load) return;  // a cycle without packs (e.g. an empty-chamber BI test)

  const bool in_service =
      db.query_int("SELECT in_service FROM sterilizers WHERE id = ?", cycle.sterilizer).value_or(1) != 0;
  std::string trays;
  bool implants = false;
  for (const PackRow& p : packs_of_load(db, *load)) {
    const auto next = next_state(p.state, PackEvent::start);
    if (!next) continue;
    db.execute("UPDATE packs SET cycle_row = ? WHERE id = ?", cycle.row, p.id);
    set_pack_state(db, p.id, *next, now);
    if (!trays.empty()) trays += ';';
    trays += p.tray;
    implants = implants || db.query_int("SELECT implants FROM trays WHERE id = ?", p.tray).value_or(0) != 0;
  }
  const bool has_packs = !trays.empty();
  const bool held = has_packs && !in_service;
  db.execute("UPDATE loads SET cycle_row = ?, bound_at = ?, out_of_service = ? WHERE id = ?", cycle.row,
             format_rfc3339(now), held, *load);
  report::chain_record(db, "load", std::to_string(*load), now);
  db.execute("UPDATE cycles SET operator = coalesce(operator, ?), load = ?, implants = ? WHERE id = ?", loaded_by,
             trays, implants, cycle.row);
  chain_cycle(db, cycle, now);

  if (held)
    alerts::raise(db, "out_of_service_use", cycle.sterilizer, alerts::Severity::critical,
                  "cycle " + cycle.subject() + " started on sterilizer " + cycle.sterilizer +
                      " while it is out of service after a positive BI: its load is quarantined",
                  now);
  const bool prevac =
      db.query_text("SELECT type FROM sterilizers WHERE id = ?", cycle.sterilizer).value_or("") == "prevac";
  if (has_packs && prevac && !passed_bowie_dick_today(db, cycle, policy))
    alerts::raise(
        db, "bowie_dick_missing", cycle.sterilizer, alerts::Severity::warning,
        "sterilizer " + cycle.sterilizer + " ran load " + cycle.subject() + " before a passed Bowie-Dick test today",
        now);
}

void Workflow::cycle_verified(store::Connection& db, std::int64_t cycle_row, TimePoint now) {
  const CycleRow cycle = require_cycle(db, cycle_row);
  if (!cycle.is_load()) {
    db.execute("UPDATE cycles SET status = 'test' WHERE id = ?", cycle.row);
    chain_cycle(db, cycle, now);
    return;
  }
  const bool passed = cycle.verified == "pass";
  if (cycle.status) {
    // A second verdict (e.g. a late cycle_end after `incomplete`) can only
    // make things stricter: a failure still fails the packs.
    if (!passed && cycle.status != "failed") fail_cycle(db, cycle, now);
    return;
  }
  if (!passed) {
    fail_cycle(db, cycle, now);
    return;
  }
  const Policy policy = policy_();
  const bool held_out_of_service =
      db.query_int("SELECT out_of_service FROM loads WHERE cycle_row = ?", cycle.row).value_or(0) != 0;
  const bool held = held_out_of_service || (cycle.implants && policy.implant_quarantine);
  if (held && cycle.bi != "negative")
    quarantine_cycle(db, cycle, now);
  else
    release_cycle(db, cycle, {held ? "auto:bi_negative" : "auto:cycle_verified", std::nullopt, std::nullopt}, policy,
                  now);
}

}  // namespace steritrack::sterilization
