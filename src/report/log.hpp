#pragma once
// The sterilization log (compliance.md section 1): one row per cycle, in the
// spec's column order, from one indexed range scan of the cycles table.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "common/time_zone.hpp"
#include "store/sqlite.hpp"

namespace steritrack::report {

struct LogFilter {
  std::optional<TimePoint> from;  // cycles starting at or after
  std::optional<TimePoint> to;    // cycles starting at or before
  std::optional<std::string> sterilizer;
};

struct LogRow {
  std::string sterilizer;
  std::string cycle;
  std::string program;
  std::string start;
  std::optional<std::string> end;
  std::optional<std::string> operator_badge;
  std::optional<double> exposure_s;
  std::optional<double> min_temp_c;
  std::optional<double> max_temp_c;
  std::optional<double> f0_min;
  std::optional<std::string> device_result;
  std::optional<std::string> verified;
  std::optional<std::string> bi;
  std::optional<std::string> ci;
  std::optional<std::string> bowie_dick;
  std::optional<std::string> bi_lot;
  bool implants = false;
  std::optional<std::string> load;
  std::optional<std::string> status;
  std::optional<std::string> released_by;
  std::optional<std::string> released_at;
};

// sterilizer, cycle, program, start, end, operator, exposure_s, min_temp_c,
// max_temp_c, f0_min, device_result, verified, bi, ci, bowie_dick, bi_lot,
// implants, load, status, released_by, released_at
const std::vector<std::string>& log_columns();

// A --from/--to bound: "YYYY-MM-DD" (a whole day of the clinic's zone:
// --from its start, --to its end) or an RFC 3339 time. The reason names the
// option and the text.
Result<TimePoint> parse_log_bound(std::string_view option, std::string_view text, bool upper,
                                  const TimeZone& zone = TimeZone::utc());

// Rows in start order; calls row for each, so a long range never sits in memory.
void sterilization_log(store::Connection& db, const LogFilter& filter, const std::function<void(const LogRow&)>& row);
std::vector<LogRow> sterilization_log(store::Connection& db, const LogFilter& filter);

// One cycle with what the log does not show: its requirements, the
// verdict's reasons, the faults reported during it and its encoded samples.
struct CycleDetail {
  LogRow row;
  std::string program_kind;
  double required_temp_c = 0;
  double required_exposure_s = 0;
  double tolerance_c = 0;
  double max_gap_s = 0;
  std::optional<double> max_leak_rate_kpa_min;
  std::int64_t sample_count = 0;
  std::vector<std::string> reasons;
  struct Fault {
    std::string ts;
    std::string code;
    std::string message;
  };
  std::vector<Fault> faults;
  store::Blob samples;  // sterilization/samples.hpp encoding
};
std::optional<CycleDetail> cycle_detail(store::Connection& db, std::string_view sterilizer, std::string_view cycle);

// The SQL the log runs (for the query-plan test).
std::string_view log_query_sql(bool by_sterilizer);

}  // namespace steritrack::report
