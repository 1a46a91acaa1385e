#pragma once
// Positive BI and recall (compliance.md section 5).
//
// The scope and the return-to-service rule are pure functions over one
// sterilizer's cycles in start order; the rest opens, accounts for and lists
// recalls in the caller's transaction.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/policy.hpp"
#include "common/result.hpp"
#include "sterilization/pack_store.hpp"
#include "store/sqlite.hpp"

namespace steritrack::sterilization {

enum class BiReading { none, negative, positive };  // positive if any BI on the cycle is positive

struct CycleBi {
  std::int64_t row = 0;
  BiReading bi = BiReading::none;
  bool failed = false;  // verified fail or incomplete: its packs stay failed
  bool test = false;    // air-removal or leak test: no packs
};

struct ScopedCycle {
  std::int64_t row = 0;
  bool recall_packs = false;  // false for failed and test cycles
};

// The cycles after the last cycle before N with a negative BI, up to the
// first cycle after N with a negative BI (both excluded), or to the newest
// cycle if there is none; N is always in. `cycles` is one sterilizer's
// history in start order. Empty if N is not in it.
std::vector<ScopedCycle> recall_scope(std::span<const CycleBi> cycles, std::int64_t positive_row);

// How many more negative BIs, on cycles after the newest positive-BI cycle,
// the sterilizer needs before it returns to service (0: in service).
int negative_bis_still_needed(std::span<const CycleBi> cycles, int needed);

// The sterilizer's cycles in start order with their BI readings.
std::vector<CycleBi> sterilizer_history(store::Connection& db, std::string_view sterilizer);

struct RecallOpened {
  std::int64_t recall = 0;
  bool is_new = false;
  std::size_t cycles = 0;          // in scope
  std::size_t packs_recalled = 0;  // moved to recalled now
  std::size_t packs_in_scope = 0;
};
// Opens the recall for a positive BI on `cycle` (once per cycle), recalls
// its packs, raises bi_positive and recall.
RecallOpened open_recall(store::Connection& db, const CycleRow& cycle, std::int64_t indicator, TimePoint now);

// Re-checks the open recalls whose scope holds `cycle_row` after one of its
// packs was returned or reprocessed; resolves those fully accounted for.
void account_recalls(store::Connection& db, std::int64_t cycle_row, TimePoint now);

struct ServiceState {
  bool in_service = true;
  int negative_bi_needed = 0;
  bool returned_to_service = false;  // changed from out of service just now
  bool taken_out_of_service = false;
};
// Applies the out-of-service rule to the sterilizer from its BI history;
// returning to service resolves out_of_service_use and bi_positive.
ServiceState update_service(store::Connection& db, std::string_view sterilizer, const Policy& policy, TimePoint now);

// The recall opened on the cycle, if any, e.g. to name it at a station.
std::optional<std::string> recall_of_pack(store::Connection& db, const PackRow& pack);

struct RecallLine {
  std::string sterilizer;
  std::string cycle;
  std::string tray;
  std::string pack_status;  // recalled, issued, returned, reprocessed, failed, ...
  std::optional<std::string> case_label;
};
// `steritrack recall S/N`: every pack in the scope of the recall opened by a
// positive BI on S/N, with where it is now.
Result<std::vector<RecallLine>> recall_listing(store::Connection& db, std::string_view cycle_ref);

}  // namespace steritrack::sterilization
