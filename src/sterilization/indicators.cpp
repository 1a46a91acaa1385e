#include "sterilization/indicators.hpp"

#include <algorithm>
#include <chrono>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "report/chain.hpp"
#include "sterilization/pack_store.hpp"
#include "sterilization/recall.hpp"

namespace steritrack::sterilization {
namespace {

bool printable(std::string_view s, bool spaces) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return (c > 32 || (spaces && c == ' ')) && c < 127; });
}

bool valid_badge(std::string_view s) {
  return s.size() > 2 && s.size() <= 66 && s.substr(0, 2) == "U-" && printable(s, false);
}

void check_bi_overdue(store::Connection& db, const std::string& sterilizer, TimePoint now, const Policy& policy) {
  const std::string window = format_rfc3339(now - std::chrono::days{policy.bi_interval_days});
  const bool loads_in_window =
      db.query_int(
            "SELECT 1 FROM cycles WHERE sterilizer = ? AND program_kind = 'load' AND load <> '' AND start > ?"
            " LIMIT 1",
            sterilizer, window)
          .has_value();
  const bool bi_in_window =
      db.query_int(
            "SELECT 1 FROM indicators i JOIN cycles c ON c.id = i.cycle_row"
            " WHERE c.sterilizer = ? AND i.type = 'bi' AND (c.start > ?2 OR i.recorded_at > ?2) LIMIT 1",
            sterilizer, window)
          .has_value();
  const bool used_before = db.query_int(
                                 "SELECT 1 FROM cycles WHERE sterilizer = ? AND program_kind = 'load' AND start <= ?"
                                 " AND (load <> '' OR bi IS NOT NULL) LIMIT 1",
                                 sterilizer, window)
                               .has_value();
  alerts::set(db, loads_in_window && !bi_in_window && used_before, "bi_overdue", sterilizer, alerts::Severity::warning,
              "sterilizer " + sterilizer + " ran loads without a BI in the last " +
                  std::to_string(policy.bi_interval_days) + " days",
              now);
}

// Why the command line's indicator cannot be recorded, if it cannot.
std::optional<std::string> invalid_indicator(std::string_view type, std::string_view result,
                                             const std::optional<std::string>& lot,
                                             const std::optional<std::string>& operator_badge) {
  if (type != "bi" && type != "ci" && type != "bowie-dick")
    return "--type '" + std::string{type} + "': must be bi, ci or bowie-dick";
  if (type == "bi" && result != "negative" && result != "positive")
    return "--result '" + std::string{result} + "': a BI is negative or positive";
  if (type != "bi" && result != "pass" && result != "fail")
    return "--result '" + std::string{result} + "': a " + std::string{type == "ci" ? "CI" : "Bowie-Dick test"} +
           " is pass or fail";
  if (type == "bi" && (!lot || lot->empty())) return "--lot: a BI needs the lot number of the BI used";
  if (lot && (lot->empty() || lot->size() > 40 || !printable(*lot, true) || lot->front() == ' ' || lot->back() == ' '))
    return "--lot '" + *lot + "': 1-40 printable characters";
  if (operator_badge && !valid_badge(*operator_badge))
    return "--operator '" + *operator_badge + "': a badge looks like U-0042";
  return std::nullopt;
}

}  // namespace

Result<IndicatorRecorded> add_indicator(store::Connection& db, std::string_view cycle_ref, std::string_view type,
                                        std::string_view result, const std::optional<std::string>& lot,
                                        const std::optional<std::string>& operator_badge, const Policy& policy,
                                        TimePoint now) {
  if (auto reason = invalid_indicator(type, result, lot, operator_badge)) return fail(*reason);
  auto found = find_cycle(db, cycle_ref);
  if (!found) return found.failure();
  const CycleRow cycle = *found;
  if (!cycle.verified) return conflict(cycle.subject() + " has not ended yet: record indicators once the cycle is over");
  if (type == "bowie-dick" && cycle.program_kind != "air_removal_test")
    return conflict(cycle.subject() + " is a " + cycle.program_kind +
                " cycle: a Bowie-Dick test is recorded on an air-removal test cycle");
  if (type != "bowie-dick" && !cycle.is_load())
    return conflict(cycle.subject() + " is an " + cycle.program_kind + " cycle: BI and CI are recorded on load cycles");

  IndicatorRecorded out;
  out.sterilizer = cycle.sterilizer;
  out.cycle = cycle.cycle;
  out.type = std::string{type};
  out.result = std::string{result};
  out.lot = lot;
  out.operator_badge = operator_badge;
  out.recorded_at = format_rfc3339(now);
  db.execute("INSERT INTO indicators (cycle_row, type, result, lot, operator, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
             cycle.row, type, result, lot, operator_badge, out.recorded_at);
  out.id = db.last_insert_id();
  report::chain_record(db, "indicator", std::to_string(out.id), now);
  refresh_indicator_columns(db, cycle.row);
  chain_cycle(db, cycle, now);

  if (type == "bi" && result == "negative") {
    // A held load (implants, or loaded while out of service) waits for
    // exactly this: a negative BI on its own passed cycle.
    if (cycle.status == "quarantined" && cycle.verified == "pass") {
      const auto packs = packs_of_cycle(db, cycle.row).size();
      release_cycle(db, cycle, {"auto:bi_negative", operator_badge, std::nullopt}, policy, now);
      out.effects.push_back("load released (" + std::to_string(packs) + (packs == 1 ? " pack)" : " packs)"));
    }
    const ServiceState service = update_service(db, cycle.sterilizer, policy, now);
    if (service.returned_to_service)
      out.effects.push_back("sterilizer " + cycle.sterilizer + " back in service");
    else if (!service.in_service)
      out.effects.push_back("sterilizer " + cycle.sterilizer + " still out of service: " +
                            std::to_string(service.negative_bi_needed) + " more negative BI needed");
  } else if (type == "bi") {
    const RecallOpened recall = open_recall(db, cycle, out.id, now);
    out.effects.push_back("recall: " + std::to_string(recall.cycles) + " cycles, " +
                          std::to_string(recall.packs_in_scope) + " packs in scope, " +
                          std::to_string(recall.packs_recalled) + " recalled now (steritrack recall " +
                          cycle.subject() + ")");
    const ServiceState service = update_service(db, cycle.sterilizer, policy, now);
    if (!service.in_service)
      out.effects.push_back("sterilizer " + cycle.sterilizer + " out of service until " +
                            std::to_string(service.negative_bi_needed) + " negative BI on later cycles");
  } else if (type == "bowie-dick" && result == "pass") {
    // Today's test is done: a load run earlier today without it stays on
    // record in the alert history.
    if (clinic_date(parse_rfc3339(cycle.start).value_or(now), policy) == clinic_date(now, policy) &&
        alerts::resolve(db, "bowie_dick_missing", cycle.sterilizer, now))
      out.effects.push_back("bowie_dick_missing resolved");
  } else if (type == "bowie-dick") {
    out.effects.push_back("Bowie-Dick test failed: run no loads on " + cycle.sterilizer +
                          " until a Bowie-Dick test passes");
  }
  if (type == "bi") check_bi_overdue(db, cycle.sterilizer, now, policy);

  out.cycle_status = db.query_text("SELECT status FROM cycles WHERE id = ?", cycle.row);
  return out;
}

Result<Released> release(store::Connection& db, std::string_view cycle_ref, std::string_view operator_badge,
                         const std::optional<std::string>& override_reason, const Policy& policy, TimePoint now) {
  if (!valid_badge(operator_badge))
    return fail("--operator '" + std::string{operator_badge} + "': a badge looks like U-0042");
  if (override_reason &&
      (override_reason->empty() || override_reason->size() > 200 || !printable(*override_reason, true)))
    return fail("--override: give the reason in 1-200 printable characters");
  auto found = find_cycle(db, cycle_ref);
  if (!found) return found.failure();
  const CycleRow cycle = *found;
  const std::string subject = cycle.subject();
  if (!cycle.is_load()) return conflict(subject + " is an " + cycle.program_kind + " cycle: there is no load to release");
  if (!cycle.verified) return conflict(subject + " has not ended yet");
  if (cycle.verified != "pass")
    return conflict(subject + " did not pass (verified " + *cycle.verified +
                "): its packs are failed and go back to be reprocessed");
  if (cycle.status == "released") {
    const auto by = db.query_text("SELECT released_by || ' at ' || released_at FROM cycles WHERE id = ?", cycle.row);
    return conflict(subject + " is already released (" + by.value_or("") + ")");
  }
  if (cycle.status == "recalled") return conflict(subject + " is recalled after a positive BI: it cannot be released");
  if (cycle.status != "quarantined") return conflict(subject + " is not quarantined");

  // A negative BI releases a held load by itself, so a person's release is
  // always an early one: it needs the reason.
  if (!override_reason)
    return conflict(subject +
                " is quarantined until a negative BI is recorded (it is then released automatically):"
                " record it with `steritrack indicator add`, or release early with --override REASON");
  const ReleaseBy by{"override:" + *override_reason, std::string{operator_badge}, override_reason};
  Released out;
  out.sterilizer = cycle.sterilizer;
  out.cycle = cycle.cycle;
  out.packs = static_cast<std::int64_t>(packs_of_cycle(db, cycle.row).size());
  release_cycle(db, cycle, by, policy, now);
  if (cycle.implants)
    alerts::raise(db, "implant_released_without_bi", subject, alerts::Severity::critical,
                  "implant load " + subject + " released by " + std::string{operator_badge} +
                      " before its BI was read: " + *override_reason,
                  now);
  out.released_by = by.released_by;
  out.released_at = format_rfc3339(now);
  return out;
}

void check_time_rules(store::Connection& db, TimePoint now, const Policy& policy) {
  auto& s = db.query("SELECT id FROM sterilizers ORDER BY id");
  std::vector<std::string> sterilizers;
  while (s.step()) sterilizers.push_back(s.get_text(0));
  for (const std::string& id : sterilizers) check_bi_overdue(db, id, now, policy);
}

}  // namespace steritrack::sterilization
