#include "report/log.hpp"

#include <nlohmann/json.hpp>

#include "common/time.hpp"

namespace steritrack::report {
namespace {

// cycles.start is RFC 3339 to the second, fixed width: text comparison is
// time comparison, so these bounds cover every possible start.
constexpr std::string_view kEarliest = "0000-01-01T00:00:00Z";
constexpr std::string_view kLatest = "9999-12-31T23:59:59Z";

constexpr std::string_view kSelect =
    "SELECT sterilizer, cycle, program, start, end, operator, exposure_s, min_temp_c, max_temp_c, f0_min,"
    " device_result, verified, bi, ci, bowie_dick, bi_lot, implants, load, status, released_by, released_at"
    " FROM cycles";
const std::string kAll = std::string{kSelect} + " WHERE start >= ?1 AND start <= ?2 ORDER BY start, id";
const std::string kBySterilizer =
    std::string{kSelect} + " WHERE sterilizer = ?3 AND start >= ?1 AND start <= ?2 ORDER BY start, id";

std::string seconds_text(TimePoint t) {
  return format_rfc3339(std::chrono::time_point_cast<Duration>(std::chrono::floor<std::chrono::seconds>(t)));
}

LogRow read_row(const store::Statement& s) {
  LogRow r;
  r.sterilizer = s.get_text(0);
  r.cycle = s.get_text(1);
  r.program = s.get_text(2);
  r.start = s.get_text(3);
  r.end = s.get_opt_text(4);
  r.operator_badge = s.get_opt_text(5);
  r.exposure_s = s.get_opt_double(6);
  r.min_temp_c = s.get_opt_double(7);
  r.max_temp_c = s.get_opt_double(8);
  r.f0_min = s.get_opt_double(9);
  r.device_result = s.get_opt_text(10);
  r.verified = s.get_opt_text(11);
  r.bi = s.get_opt_text(12);
  r.ci = s.get_opt_text(13);
  r.bowie_dick = s.get_opt_text(14);
  r.bi_lot = s.get_opt_text(15);
  r.implants = s.get_opt_int(16).value_or(0) != 0;
  r.load = s.get_opt_text(17);
  r.status = s.get_opt_text(18);
  r.released_by = s.get_opt_text(19);
  r.released_at = s.get_opt_text(20);
  return r;
}

}  // namespace

const std::vector<std::string>& log_columns() {
  static const std::vector<std::string> columns = {
      "sterilizer", "cycle",  "program", "start",      "end",    "operator", "exposure_s",
      "min_temp_c", "max_temp_c", "f0_min", "device_result", "verified", "bi", "ci",
      "bowie_dick", "bi_lot", "implants", "load",       "status", "released_by", "released_at"};
  return columns;
}

Result<TimePoint> parse_log_bound(std::string_view option, std::string_view text, bool upper, const TimeZone& zone) {
  if (const auto day = parse_date(text)) {
    // --to a day includes the whole day (23 or 25 hours on a change of
    // daylight saving time).
    if (!upper) return zone.start_of_day(*day);
    return zone.start_of_day(std::chrono::year_month_day{std::chrono::sys_days{*day} + std::chrono::days{1}}) -
           Duration{1};
  }
  if (const auto t = parse_rfc3339(text)) return *t;
  return fail(std::string{option} + ": \"" + std::string{text} +
              "\" is not a date (YYYY-MM-DD) or an RFC 3339 time");
}

std::string_view log_query_sql(bool by_sterilizer) { return by_sterilizer ? kBySterilizer : kAll; }

void sterilization_log(store::Connection& db, const LogFilter& filter,
                       const std::function<void(const LogRow&)>& row) {
  // Starts are stored to the second: round the bounds inward to seconds.
  std::string from{kEarliest};
  std::string to{kLatest};
  if (filter.from) {
    const auto ceil = std::chrono::ceil<std::chrono::seconds>(*filter.from);
    from = seconds_text(std::chrono::time_point_cast<Duration>(ceil));
  }
  if (filter.to) to = seconds_text(*filter.to);
  auto& s = filter.sterilizer ? db.query(kBySterilizer, from, to, *filter.sterilizer) : db.query(kAll, from, to);
  try {
    while (s.step()) row(read_row(s));
  } catch (...) {
    s.reset();
    throw;
  }
}

std::vector<LogRow> sterilization_log(store::Connection& db, const LogFilter& filter) {
  std::vector<LogRow> out;
  sterilization_log(db, filter, [&](const LogRow& r) { out.push_back(r); });
  return out;
}

std::optional<CycleDetail> cycle_detail(store::Connection& db, std::string_view sterilizer, std::string_view cycle) {
  static const std::string sql =
      std::string{kSelect.substr(0, kSelect.find(" FROM cycles"))} +
      ", program_kind, required_temp_c, required_exposure_s, tolerance_c, max_gap_s, max_leak_rate_kpa_min,"
      " sample_count, reasons, samples FROM cycles WHERE sterilizer = ? AND cycle = ?";
  auto& s = db.query(sql, sterilizer, cycle);
  if (!s.step()) return std::nullopt;
  CycleDetail d;
  d.row = read_row(s);
  d.program_kind = s.get_text(21);
  d.required_temp_c = s.get_double(22);
  d.required_exposure_s = s.get_double(23);
  d.tolerance_c = s.get_double(24);
  d.max_gap_s = s.get_double(25);
  d.max_leak_rate_kpa_min = s.get_opt_double(26);
  d.sample_count = s.get_int(27);
  const auto reasons = s.get_opt_text(28);
  if (!s.is_null(29)) d.samples = s.get_blob(29);
  s.reset();
  if (reasons) {
    const auto j = nlohmann::json::parse(*reasons, nullptr, false);
    if (j.is_array())
      for (const auto& r : j)
        if (r.is_string()) d.reasons.push_back(r.get<std::string>());
  }
  auto& f = db.query("SELECT ts, code, message FROM sterilizer_faults WHERE sterilizer = ? AND cycle = ? ORDER BY ts, id",
                     sterilizer, cycle);
  while (f.step()) d.faults.push_back({f.get_text(0), f.get_text(1), f.get_text(2)});
  return d;
}

}  // namespace steritrack::report
