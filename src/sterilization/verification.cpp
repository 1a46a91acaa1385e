#include "sterilization/verification.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/time.hpp"

namespace steritrack::sterilization {
namespace {

constexpr std::string_view kVerdicts[] = {"pass", "fail", "incomplete"};
constexpr std::size_t kMaxGapReasons = 5;
constexpr std::int32_t kOverTempNoteDc = 30;  // more than 3 °C above the minimum is noted

std::int64_t ms(Duration d) { return d.count(); }
std::int64_t ms_of(double seconds) { return std::llround(seconds * 1000); }
std::int32_t dc_of(double celsius) { return static_cast<std::int32_t>(std::lround(celsius * 10)); }

std::string c1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}
// Seconds without a needless fraction: "240", "240.5".
std::string secs(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

double lethality_per_min(std::int32_t temp_dc) { return std::pow(10.0, (temp_dc / 10.0 - 121.1) / 10.0); }

bool in_exposure(const Sample& s) { return s.phase == Phase::exposure; }

}  // namespace

std::string_view to_string(Verdict v) { return kVerdicts[static_cast<int>(v)]; }

std::optional<Verdict> parse_verdict(std::string_view text) {
  for (int i = 0; i < 3; ++i)
    if (kVerdicts[i] == text) return static_cast<Verdict>(i);
  return std::nullopt;
}

Summary summarize(const Requirements& req, std::span<const Sample> samples) {
  Summary sum;
  sum.sample_count = static_cast<int>(samples.size());
  const std::int32_t min_dc = dc_of(req.temp_c);
  const std::int64_t max_gap = ms_of(req.max_gap_s);
  const bool temperature_counts = req.kind != ProgramKind::leak_test;
  std::int64_t exposure_ms = 0;
  std::optional<std::int32_t> lo, hi;
  double f0 = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& b = samples[i];
    if (in_exposure(b)) {
      lo = std::min(lo.value_or(b.temp_dc), b.temp_dc);
      hi = std::max(hi.value_or(b.temp_dc), b.temp_dc);
    }
    if (i == 0) continue;
    const Sample& a = samples[i - 1];
    const std::int64_t dt = ms(b.ts - a.ts);
    // Each interval counts with the lethality at its end.
    f0 += lethality_per_min(b.temp_dc) * static_cast<double>(dt) / 60000.0;
    const bool hot = !temperature_counts || (a.temp_dc >= min_dc && b.temp_dc >= min_dc);
    if (in_exposure(a) && in_exposure(b) && hot && dt <= max_gap) exposure_ms += dt;
  }
  sum.exposure_s = static_cast<double>(exposure_ms) / 1000.0;
  if (lo) sum.min_temp_c = *lo / 10.0;
  if (hi) sum.max_temp_c = *hi / 10.0;
  sum.f0_min = std::round(f0 * 100) / 100;
  return sum;
}

Verification verify(const Requirements& req, std::span<const Sample> samples,
                    std::optional<DeviceResult> device_result) {
  Verification v;
  v.summary = summarize(req, samples);
  auto& reasons = v.reasons;
  const bool leak_test = req.kind == ProgramKind::leak_test;
  const std::int32_t min_dc = dc_of(req.temp_c);
  const std::int32_t floor_dc = dc_of(req.temp_c - req.tolerance_c);
  const std::int64_t max_gap = ms_of(req.max_gap_s);

  const bool no_end = !device_result;
  const bool device_failed = device_result && *device_result != DeviceResult::pass;
  if (no_end) reasons.push_back("no cycle_end received");
  if (device_failed) reasons.push_back("sterilizer reported " + std::string{to_string(*device_result)});

  // Samples below the minimum by more than the tolerance.
  bool below = false;
  if (!leak_test) {
    int count = 0;
    const Sample* lowest = nullptr;
    for (const Sample& s : samples) {
      if (!in_exposure(s) || s.temp_dc >= floor_dc) continue;
      ++count;
      if (!lowest || s.temp_dc < lowest->temp_dc) lowest = &s;
    }
    if (count > 0) {
      below = true;
      reasons.push_back(std::to_string(count) + " exposure sample" + (count == 1 ? "" : "s") + " below the minimum " +
                        c1(req.temp_c) + " °C (tolerance " + c1(req.tolerance_c) + " °C): lowest " +
                        c1(lowest->temp_c()) + " °C at " + format_rfc3339(lowest->ts));
    }
  }

  // Leak tests: the pressure rise over the hold.
  bool leak_fail = false;
  bool leak_unmeasured = false;
  if (leak_test && req.max_leak_rate_kpa_min) {
    const Sample* first = nullptr;
    const Sample* last = nullptr;
    for (const Sample& s : samples) {
      if (!in_exposure(s) || !s.pressure_hpa) continue;
      if (!first) first = &s;
      last = &s;
    }
    if (first && last != first) {
      const double minutes = static_cast<double>(ms(last->ts - first->ts)) / 60000.0;
      const double rate = (*last->pressure_kpa() - *first->pressure_kpa()) / minutes;
      if (rate > *req.max_leak_rate_kpa_min + 1e-9) {
        leak_fail = true;
        char buf[160];
        std::snprintf(buf, sizeof buf, "leak rate %.3f kPa/min is above the allowed %.3f kPa/min", rate,
                      *req.max_leak_rate_kpa_min);
        reasons.push_back(buf);
      }
    } else if (!device_failed) {
      leak_unmeasured = true;
      reasons.push_back("no pressure readings during the hold: the leak rate cannot be measured");
    }
  }

  // Gaps between consecutive exposure samples.
  std::size_t gaps = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const Sample& a = samples[i - 1];
    const Sample& b = samples[i];
    if (!in_exposure(a) || !in_exposure(b)) continue;
    const std::int64_t dt = ms(b.ts - a.ts);
    if (dt <= max_gap) continue;
    if (gaps++ < kMaxGapReasons)
      reasons.push_back("gap of " + secs(static_cast<double>(dt) / 1000.0) + " s between exposure samples at " +
                        format_rfc3339(a.ts) + " and " + format_rfc3339(b.ts) + " (longest allowed " +
                        secs(req.max_gap_s) + " s)");
  }
  if (gaps > kMaxGapReasons) reasons.push_back("and " + std::to_string(gaps - kMaxGapReasons) + " more gaps");

  const bool any_exposure = std::any_of(samples.begin(), samples.end(), in_exposure);
  const bool no_exposure = !any_exposure && !device_failed;
  if (no_exposure) reasons.push_back("no samples in phase exposure");

  const bool too_short = ms_of(v.summary.exposure_s) < ms_of(req.exposure_s);
  if (too_short && any_exposure)
    reasons.push_back("exposure " + secs(v.summary.exposure_s) + " s is shorter than the required " +
                      secs(req.exposure_s) + " s" + (leak_test ? "" : " at or above " + c1(req.temp_c) + " °C"));

  // Precedence (compliance.md section 2): what is known to be wrong fails the
  // cycle; otherwise what is missing hides the truth; otherwise too short fails.
  if (device_failed || below || leak_fail)
    v.verdict = Verdict::fail;
  else if (no_end || gaps > 0 || no_exposure || leak_unmeasured)
    v.verdict = Verdict::incomplete;
  else if (too_short)
    v.verdict = Verdict::fail;
  else
    v.verdict = Verdict::pass;

  v.record_incomplete = no_end || gaps > 0 || no_exposure || leak_unmeasured;
  v.parameter_mismatch = device_result == DeviceResult::pass && v.verdict == Verdict::fail;
  if (v.parameter_mismatch) reasons.push_back("the sterilizer reported pass; its own samples contradict it");

  if (!leak_test && v.summary.max_temp_c && dc_of(*v.summary.max_temp_c) > min_dc + kOverTempNoteDc)
    reasons.push_back("note: exposure temperature up to " + c1(*v.summary.max_temp_c) +
                      " °C, more than 3 °C above the minimum " + c1(req.temp_c) + " °C");
  return v;
}

}  // namespace steritrack::sterilization
