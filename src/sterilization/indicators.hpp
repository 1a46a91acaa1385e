#pragma once
// Indicator results (BI, CI, Bowie-Dick), the release of quarantined loads,
// and the time-based rules. Each runs in the caller's transaction; bad input
// comes back as a reason, with nothing written.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/policy.hpp"
#include "common/result.hpp"
#include "store/sqlite.hpp"

namespace steritrack::sterilization {

struct IndicatorRecorded {
  std::int64_t id = 0;
  std::string sterilizer;
  std::string cycle;
  std::string type;    // bi, ci, bowie-dick
  std::string result;  // negative, positive, pass, fail
  std::optional<std::string> lot;
  std::optional<std::string> operator_badge;
  std::string recorded_at;
  std::optional<std::string> cycle_status;  // the log's status afterwards
  std::vector<std::string> effects;         // what it changed, in words
};

// `steritrack indicator add`: a BI (negative/positive, with its lot) or CI
// (pass/fail) on a load cycle, or a Bowie-Dick test (pass/fail) on an
// air-removal test cycle, once the cycle has ended. A negative BI releases a
// quarantined load and counts toward returning the sterilizer to service; a
// positive BI opens the recall and takes the sterilizer out of service.
Result<IndicatorRecorded> add_indicator(store::Connection& db, std::string_view cycle_ref, std::string_view type,
                                        std::string_view result, const std::optional<std::string>& lot,
                                        const std::optional<std::string>& operator_badge, const Policy& policy,
                                        TimePoint now);

struct Released {
  std::string sterilizer;
  std::string cycle;
  std::string released_by;
  std::string released_at;
  std::int64_t packs = 0;
};

// `steritrack release S/N --operator U-… [--override REASON]`: releases a
// quarantined load. Without a negative BI only an override releases it; the
// override is recorded as released_by "override:<reason>" and an implant load
// raises implant_released_without_bi.
Result<Released> release(store::Connection& db, std::string_view cycle_ref, std::string_view operator_badge,
                         const std::optional<std::string>& override_reason, const Policy& policy, TimePoint now);

// The daemon's timer: bi_overdue for every sterilizer that ran loads in the
// last policy.bi_interval_days without a BI (by cycle start or by the day it
// was recorded, so incubation does not count against it). A sterilizer in
// its first interval of use is not overdue.
void check_time_rules(store::Connection& db, TimePoint now, const Policy& policy);

}  // namespace steritrack::sterilization
