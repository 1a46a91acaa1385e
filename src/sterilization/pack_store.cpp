#include "sterilization/pack_store.hpp"

#include <chrono>
#include <stdexcept>

#include "common/time.hpp"
#include "report/chain.hpp"
#include "common/time_zone.hpp"

namespace steritrack::sterilization {
namespace {

constexpr std::string_view kPackColumns =
    "id, tray, state, counted, missing, load_id, cycle_row, expiry, case_label, assembled_by";

PackRow read_pack(const store::Statement& s) {
  PackRow p;
  p.id = s.get_int(0);
  p.tray = s.get_text(1);
  const auto state = pack_state_from_string(s.get_text(2));
  if (!state) throw std::logic_error("pack " + std::to_string(p.id) + " has an unknown state");
  p.state = *state;
  p.counted = s.get_int(3) != 0;
  p.missing = s.get_opt_text(4);
  p.load_id = s.get_opt_int(5);
  p.cycle_row = s.get_opt_int(6);
  p.expiry = s.get_opt_text(7);
  p.case_label = s.get_opt_text(8);
  p.assembled_by = s.get_opt_text(9);
  return p;
}

std::vector<PackRow> read_packs(store::Statement& s) {
  std::vector<PackRow> out;
  while (s.step()) out.push_back(read_pack(s));
  return out;
}

constexpr std::string_view kCycleColumns =
    "id, sterilizer, cycle, program_kind, start, end, verified, status, bi, implants";

CycleRow read_cycle(const store::Statement& s) {
  CycleRow c;
  c.row = s.get_int(0);
  c.sterilizer = s.get_text(1);
  c.cycle = s.get_text(2);
  c.program_kind = s.get_text(3);
  c.start = s.get_text(4);
  c.end = s.get_opt_text(5);
  c.verified = s.get_opt_text(6);
  c.status = s.get_opt_text(7);
  c.bi = s.get_opt_text(8);
  c.implants = s.get_int(9) != 0;
  return c;
}

// Moves every pack of the cycle that can take the event; the others keep
// their state (a pack returned or issued meanwhile is not touched).
void move_packs(store::Connection& db, std::int64_t cycle_row, PackEvent event, TimePoint now) {
  for (const PackRow& p : packs_of_cycle(db, cycle_row)) {
    const auto next = next_state(p.state, event);
    if (next) set_pack_state(db, p.id, *next, now);
  }
}

}  // namespace

std::optional<PackRow> current_pack(store::Connection& db, std::string_view tray) {
  auto& s = db.query(
      std::string{"SELECT "} + std::string{kPackColumns} + " FROM packs WHERE tray = ? ORDER BY id DESC LIMIT 1", tray);
  std::optional<PackRow> out;
  if (s.step()) out = read_pack(s);
  s.reset();
  return out;
}

std::vector<PackRow> packs_of_cycle(store::Connection& db, std::int64_t cycle_row) {
  return read_packs(db.query(
      std::string{"SELECT "} + std::string{kPackColumns} + " FROM packs WHERE cycle_row = ? ORDER BY loaded_at, id",
      cycle_row));
}

std::vector<PackRow> packs_of_load(store::Connection& db, std::int64_t load_id) {
  return read_packs(db.query(
      std::string{"SELECT "} + std::string{kPackColumns} + " FROM packs WHERE load_id = ? ORDER BY loaded_at, id",
      load_id));
}

void set_pack_state(store::Connection& db, std::int64_t pack, PackState state, TimePoint now) {
  db.execute("UPDATE packs SET state = ?, updated_at = ? WHERE id = ?", to_string(state), format_rfc3339(now), pack);
  chain_pack(db, pack, now);
}

void chain_pack(store::Connection& db, std::int64_t pack, TimePoint now) {
  report::chain_record(db, "pack", std::to_string(pack), now);
}

std::optional<CycleRow> find_cycle(store::Connection& db, std::int64_t row) {
  auto& s = db.query(std::string{"SELECT "} + std::string{kCycleColumns} + " FROM cycles WHERE id = ?", row);
  std::optional<CycleRow> out;
  if (s.step()) out = read_cycle(s);
  s.reset();
  return out;
}

Result<CycleRow> find_cycle(store::Connection& db, std::string_view ref) {
  const auto slash = ref.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == ref.size())
    return fail("'" + std::string{ref} + "' is not STERILIZER/CYCLE (e.g. A/1042)");
  const std::string_view sterilizer = ref.substr(0, slash);
  const std::string_view cycle = ref.substr(slash + 1);
  auto& s =
      db.query(std::string{"SELECT "} + std::string{kCycleColumns} + " FROM cycles WHERE sterilizer = ? AND cycle = ?",
               sterilizer, cycle);
  std::optional<CycleRow> out;
  if (s.step()) out = read_cycle(s);
  s.reset();
  if (!out) {
    if (!db.query_int("SELECT 1 FROM sterilizers WHERE id = ?", sterilizer))
      return not_found("unknown sterilizer '" + std::string{sterilizer} + "'");
    return not_found("no cycle " + std::string{ref} + " recorded");
  }
  return *out;
}

void chain_cycle(store::Connection& db, const CycleRow& cycle, TimePoint now) {
  report::chain_record(db, "cycle", cycle.subject(), now);
}

std::string clinic_date(TimePoint t, const Policy& policy) {
  return format_date(clinic_zone(policy.timezone).local_date(t));
}

void release_cycle(store::Connection& db, const CycleRow& cycle, const ReleaseBy& by, const Policy& policy,
                   TimePoint now) {
  // Shelf life counts from the day the pack was sterilized.
  const TimePoint sterilized = cycle.end ? parse_rfc3339(*cycle.end).value_or(now) : now;
  const auto day = std::chrono::sys_days{clinic_zone(policy.timezone).local_date(sterilized)};
  const std::string ts = format_rfc3339(now);
  for (const PackRow& p : packs_of_cycle(db, cycle.row)) {
    const auto next = next_state(p.state, PackEvent::release);
    if (!next) continue;
    const auto shelf = db.query_int("SELECT shelf_life_days FROM trays WHERE id = ?", p.tray);
    std::optional<std::string> expiry;
    if (shelf) expiry = format_date(std::chrono::year_month_day{day + std::chrono::days{*shelf}});
    db.execute("UPDATE packs SET expiry = ?, released_at = ? WHERE id = ?", expiry, ts, p.id);
    set_pack_state(db, p.id, *next, now);
  }
  db.execute("UPDATE cycles SET status = 'released', released_by = ?, released_at = ? WHERE id = ?", by.released_by, ts,
             cycle.row);
  db.execute(
      "INSERT INTO releases (cycle_row, released_by, operator, override_reason, released_at) VALUES (?, ?, ?, ?, ?)",
      cycle.row, by.released_by, by.operator_badge, by.override_reason, ts);
  report::chain_record(db, "release", std::to_string(db.last_insert_id()), now);
  chain_cycle(db, cycle, now);
}

void quarantine_cycle(store::Connection& db, const CycleRow& cycle, TimePoint now) {
  move_packs(db, cycle.row, PackEvent::quarantine, now);
  db.execute("UPDATE cycles SET status = 'quarantined', bi = coalesce(bi, 'pending') WHERE id = ?", cycle.row);
  chain_cycle(db, cycle, now);
}

void fail_cycle(store::Connection& db, const CycleRow& cycle, TimePoint now) {
  move_packs(db, cycle.row, PackEvent::fail, now);
  db.execute("UPDATE cycles SET status = 'failed' WHERE id = ?", cycle.row);
  chain_cycle(db, cycle, now);
}

void refresh_indicator_columns(store::Connection& db, std::int64_t cycle_row) {
  // A positive BI outweighs any negative one; the lot is that of the latest BI.
  db.execute(
      "UPDATE cycles SET"
      " bi = coalesce((SELECT CASE WHEN max(result = 'positive') THEN 'positive' ELSE 'negative' END"
      "                FROM indicators WHERE cycle_row = ?1 AND type = 'bi' HAVING count(*) > 0), bi),"
      " bi_lot = coalesce((SELECT lot FROM indicators WHERE cycle_row = ?1 AND type = 'bi'"
      "                    ORDER BY id DESC LIMIT 1), bi_lot),"
      " ci = (SELECT CASE WHEN max(result = 'fail') THEN 'fail' ELSE 'pass' END"
      "       FROM indicators WHERE cycle_row = ?1 AND type = 'ci' HAVING count(*) > 0),"
      " bowie_dick = (SELECT CASE WHEN max(result = 'fail') THEN 'fail' ELSE 'pass' END"
      "               FROM indicators WHERE cycle_row = ?1 AND type = 'bowie-dick' HAVING count(*) > 0)"
      " WHERE id = ?1",
      cycle_row);
}

}  // namespace steritrack::sterilization
