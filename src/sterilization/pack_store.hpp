#pragma once
// The workflow's records in the database: packs, loads, and the log columns
// of cycles that the workflow keeps (operator, load, implants, bi, bi_lot,
// ci, bowie_dick, status, released_by, released_at). Everything runs in the
// caller's transaction, and every record written is appended to the
// tamper-evident chain in that same transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/policy.hpp"
#include "common/result.hpp"
#include "sterilization/pack.hpp"
#include "store/sqlite.hpp"

namespace steritrack::sterilization {

struct PackRow {
  std::int64_t id = 0;
  std::string tray;
  PackState state = PackState::dirty;
  bool counted = false;
  std::optional<std::string> missing;  // JSON object, type -> count
  std::optional<std::int64_t> load_id;
  std::optional<std::int64_t> cycle_row;
  std::optional<std::string> expiry;  // YYYY-MM-DD
  std::optional<std::string> case_label;
  std::optional<std::string> assembled_by;
};

// The tray's newest pack, if it was ever assembled.
std::optional<PackRow> current_pack(store::Connection& db, std::string_view tray);
std::vector<PackRow> packs_of_cycle(store::Connection& db, std::int64_t cycle_row);
std::vector<PackRow> packs_of_load(store::Connection& db, std::int64_t load_id);

// Sets the state (after the caller checked it with next_state and wrote any
// other columns) and chains the pack.
void set_pack_state(store::Connection& db, std::int64_t pack, PackState state, TimePoint now);
void chain_pack(store::Connection& db, std::int64_t pack, TimePoint now);

struct CycleRow {
  std::int64_t row = 0;
  std::string sterilizer;
  std::string cycle;
  std::string program_kind;  // load, air_removal_test, leak_test
  std::string start;
  std::optional<std::string> end;
  std::optional<std::string> verified;  // pass, fail, incomplete; none while running
  std::optional<std::string> status;
  std::optional<std::string> bi;
  bool implants = false;
  std::string subject() const { return sterilizer + "/" + cycle; }  // alert subject, chain key
  bool is_load() const { return program_kind == "load"; }
};
std::optional<CycleRow> find_cycle(store::Connection& db, std::int64_t row);
// "A/1042": the sterilizer's ID, '/', its cycle number.
Result<CycleRow> find_cycle(store::Connection& db, std::string_view ref);
void chain_cycle(store::Connection& db, const CycleRow& cycle, TimePoint now);

// The end of a pass: every pack of the load is released with its shelf-life
// expiry (counted from the clinic's day of cycle end), the log's status,
// released_by and released_at are set, and a release record is written.
struct ReleaseBy {
  std::string released_by;  // the log's value: a badge, auto:..., override:<reason>
  std::optional<std::string> operator_badge;
  std::optional<std::string> override_reason;
};
void release_cycle(store::Connection& db, const CycleRow& cycle, const ReleaseBy& by, const Policy& policy,
                   TimePoint now);
// A passed load held for a BI: packs quarantined, status quarantined, bi pending.
void quarantine_cycle(store::Connection& db, const CycleRow& cycle, TimePoint now);
// A failed or incomplete cycle: packs failed (they can be assembled again).
void fail_cycle(store::Connection& db, const CycleRow& cycle, TimePoint now);

// Recomputes bi, bi_lot, ci and bowie_dick from the cycle's indicators (no chain).
void refresh_indicator_columns(store::Connection& db, std::int64_t cycle_row);

// The clinic's calendar date of a time, "YYYY-MM-DD".
std::string clinic_date(TimePoint t, const Policy& policy);

}  // namespace steritrack::sterilization
