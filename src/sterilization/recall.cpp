#include "sterilization/recall.hpp"

#include <algorithm>
#include <map>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "report/chain.hpp"

namespace steritrack::sterilization {

std::vector<ScopedCycle> recall_scope(std::span<const CycleBi> cycles, std::int64_t positive_row) {
  const auto n = std::find_if(cycles.begin(), cycles.end(), [&](const CycleBi& c) { return c.row == positive_row; });
  if (n == cycles.end()) return {};
  auto negative = [](const CycleBi& c) { return c.bi == BiReading::negative; };
  auto first = n;
  while (first != cycles.begin() && !negative(*std::prev(first))) --first;
  auto last = std::find_if(std::next(n), cycles.end(), negative);
  std::vector<ScopedCycle> out;
  for (auto it = first; it != last; ++it) out.push_back({it->row, !it->failed && !it->test});
  return out;
}

int negative_bis_still_needed(std::span<const BiEvent> events, int needed) {
  int most = 0;
  for (auto p = events.begin(); p != events.end(); ++p) {
    if (!p->positive) continue;
    const auto cleared = std::count_if(std::next(p), events.end(),
                                       [&](const BiEvent& e) { return !e.positive && e.cycle > p->cycle; });
    most = std::max(most, needed - static_cast<int>(cleared));
  }
  return most;
}

std::vector<CycleBi> sterilizer_history(store::Connection& db, std::string_view sterilizer) {
  auto& s = db.query(
      "SELECT c.id, (SELECT max(CASE i.result WHEN 'positive' THEN 2 WHEN 'negative' THEN 1 END)"
      "              FROM indicators i WHERE i.cycle_row = c.id AND i.type = 'bi'),"
      " c.verified IN ('fail', 'incomplete'), c.program_kind <> 'load'"
      " FROM cycles c WHERE c.sterilizer = ? ORDER BY c.start, c.id",
      sterilizer);
  std::vector<CycleBi> out;
  while (s.step()) {
    CycleBi c;
    c.row = s.get_int(0);
    const auto bi = s.get_opt_int(1);
    c.bi = !bi ? BiReading::none : (*bi == 2 ? BiReading::positive : BiReading::negative);
    c.failed = s.get_int(2) != 0;
    c.test = s.get_int(3) != 0;
    out.push_back(c);
  }
  return out;
}

std::vector<BiEvent> bi_events(store::Connection& db, std::span<const CycleBi> history) {
  std::map<std::int64_t, std::size_t> place;
  for (std::size_t i = 0; i < history.size(); ++i) place[history[i].row] = i;
  std::vector<BiEvent> out;
  if (history.empty()) return out;
  auto& s = db.query(
      "SELECT i.cycle_row, i.result = 'positive' FROM indicators i JOIN cycles c ON c.id = i.cycle_row"
      " WHERE i.type = 'bi' AND c.sterilizer = (SELECT sterilizer FROM cycles WHERE id = ?) ORDER BY i.id",
      history.front().row);
  while (s.step()) {
    const auto it = place.find(s.get_int(0));
    if (it != place.end()) out.push_back({it->second, s.get_int(1) != 0});
  }
  return out;
}

namespace {

// Packs in scope that are neither returned (dirty) nor reprocessed (their
// tray has a newer pack).
std::int64_t unaccounted(store::Connection& db, std::int64_t recall) {
  return db
      .query_int(
          "SELECT count(*) FROM packs p JOIN recall_scope rs ON rs.cycle_row = p.cycle_row"
          " WHERE rs.recall = ? AND p.state <> 'dirty'"
          " AND NOT EXISTS (SELECT 1 FROM packs q WHERE q.tray = p.tray AND q.id > p.id)",
          recall)
      .value_or(0);
}

std::int64_t packs_in_scope(store::Connection& db, std::int64_t recall) {
  return db
      .query_int("SELECT count(*) FROM packs p JOIN recall_scope rs ON rs.cycle_row = p.cycle_row WHERE rs.recall = ?",
                 recall)
      .value_or(0);
}

void refresh_recall_alert(store::Connection& db, std::int64_t recall, const std::string& subject, TimePoint now) {
  const auto open = unaccounted(db, recall);
  if (open > 0) {
    alerts::raise(db, "recall", subject, alerts::Severity::critical,
                  "recall after the positive BI on " + subject + ": " + std::to_string(open) + " of " +
                      std::to_string(packs_in_scope(db, recall)) +
                      " packs still to be returned or reprocessed (steritrack recall " + subject + ")",
                  now);
    return;
  }
  alerts::resolve(db, "recall", subject, now);
  db.execute("UPDATE recalls SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL", format_rfc3339(now), recall);
  if (db.changes() > 0) report::chain_record(db, "recall", std::to_string(recall), now);
}

}  // namespace

RecallOpened open_recall(store::Connection& db, const CycleRow& cycle, std::int64_t indicator, TimePoint now) {
  RecallOpened out;
  if (const auto existing = db.query_int("SELECT id FROM recalls WHERE cycle_row = ?", cycle.row)) {
    out.recall = *existing;
    out.cycles = static_cast<std::size_t>(
        db.query_int("SELECT count(*) FROM recall_scope WHERE recall = ?", *existing).value_or(0));
    out.packs_in_scope = static_cast<std::size_t>(packs_in_scope(db, *existing));
  } else {
    out.is_new = true;
    db.execute("INSERT INTO recalls (cycle_row, indicator, opened_at) VALUES (?, ?, ?)", cycle.row, indicator,
               format_rfc3339(now));
    out.recall = db.last_insert_id();
    const auto history = sterilizer_history(db, cycle.sterilizer);
    for (const ScopedCycle& sc : recall_scope(history, cycle.row)) {
      db.execute("INSERT INTO recall_scope (recall, cycle_row) VALUES (?, ?)", out.recall, sc.row);
      ++out.cycles;
      const auto scoped = find_cycle(db, sc.row);
      if (!sc.recall_packs || !scoped) continue;
      for (const PackRow& p : packs_of_cycle(db, sc.row)) {
        const auto next = next_state(p.state, PackEvent::recall);
        if (!next) continue;
        set_pack_state(db, p.id, *next, now);
        ++out.packs_recalled;
      }
      db.execute("UPDATE cycles SET status = 'recalled' WHERE id = ?", sc.row);
      chain_cycle(db, *scoped, now);
    }
    out.packs_in_scope = static_cast<std::size_t>(packs_in_scope(db, out.recall));
    report::chain_record(db, "recall", std::to_string(out.recall), now);
  }
  const std::string subject = cycle.subject();
  alerts::raise(db, "bi_positive", subject, alerts::Severity::critical,
                "positive BI on " + subject + ": " + std::to_string(out.cycles) + " cycles and " +
                    std::to_string(out.packs_in_scope) + " packs in recall; sterilizer " + cycle.sterilizer +
                    " out of service",
                now);
  refresh_recall_alert(db, out.recall, subject, now);
  return out;
}

void account_recalls(store::Connection& db, std::int64_t cycle_row, TimePoint now) {
  auto& s = db.query(
      "SELECT r.id, c.sterilizer || '/' || c.cycle FROM recalls r JOIN recall_scope rs ON rs.recall = r.id"
      " JOIN cycles c ON c.id = r.cycle_row WHERE rs.cycle_row = ? AND r.resolved_at IS NULL",
      cycle_row);
  std::vector<std::pair<std::int64_t, std::string>> open;
  while (s.step()) open.emplace_back(s.get_int(0), s.get_text(1));
  for (const auto& [recall, subject] : open) refresh_recall_alert(db, recall, subject, now);
}

ServiceState update_service(store::Connection& db, std::string_view sterilizer, const Policy& policy, TimePoint now) {
  ServiceState out;
  const bool was_in_service =
      db.query_int("SELECT in_service FROM sterilizers WHERE id = ?", sterilizer).value_or(1) != 0;
  const auto history = sterilizer_history(db, sterilizer);
  out.negative_bi_needed = negative_bis_still_needed(bi_events(db, history), policy.negative_bi_to_return);
  out.in_service = out.negative_bi_needed == 0;
  db.execute("UPDATE sterilizers SET in_service = ?, negative_bi_needed = ? WHERE id = ?", out.in_service,
             out.negative_bi_needed, sterilizer);
  out.returned_to_service = out.in_service && !was_in_service;
  out.taken_out_of_service = !out.in_service && was_in_service;
  if (out.returned_to_service) {
    alerts::resolve(db, "out_of_service_use", sterilizer, now);
    for (const CycleBi& c : history) {
      if (c.bi != BiReading::positive) continue;
      if (const auto row = find_cycle(db, c.row)) alerts::resolve(db, "bi_positive", row->subject(), now);
    }
  }
  return out;
}

std::optional<std::string> recall_of_pack(store::Connection& db, const PackRow& pack) {
  if (!pack.cycle_row) return std::nullopt;
  return db.query_text(
      "SELECT c.sterilizer || '/' || c.cycle FROM recall_scope rs JOIN recalls r ON r.id = rs.recall"
      " JOIN cycles c ON c.id = r.cycle_row WHERE rs.cycle_row = ? ORDER BY r.id DESC LIMIT 1",
      *pack.cycle_row);
}

Result<std::vector<RecallLine>> recall_listing(store::Connection& db, std::string_view cycle_ref) {
  auto cycle = find_cycle(db, cycle_ref);
  if (!cycle) return cycle.failure();
  const auto recall = db.query_int("SELECT id FROM recalls WHERE cycle_row = ?", cycle->row);
  if (!recall) return not_found("no recall for " + cycle->subject() + ": no positive BI is recorded on it");
  auto& s = db.query(
      "SELECT c.sterilizer, c.cycle, p.tray,"
      " CASE WHEN EXISTS (SELECT 1 FROM packs q WHERE q.tray = p.tray AND q.id > p.id) THEN 'reprocessed'"
      "      WHEN p.state = 'dirty' THEN 'returned' ELSE p.state END,"
      " p.case_label"
      " FROM recall_scope rs JOIN cycles c ON c.id = rs.cycle_row JOIN packs p ON p.cycle_row = c.id"
      " WHERE rs.recall = ? ORDER BY c.start, c.id, p.loaded_at, p.id",
      *recall);
  std::vector<RecallLine> out;
  while (s.step()) out.push_back({s.get_text(0), s.get_text(1), s.get_text(2), s.get_text(3), s.get_opt_text(4)});
  return out;
}

}  // namespace steritrack::sterilization
