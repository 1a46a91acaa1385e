#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "sterilization/cycle_test_support.hpp"
#include "sterilization/verification.hpp"

using namespace steritrack;
using namespace steritrack::sterilization;

namespace {

TimePoint at(int seconds) { return *parse_rfc3339("2026-11-27T08:00:00Z") + std::chrono::seconds{seconds}; }

Requirements prevac_132_4() {
  Requirements r;
  r.kind = ProgramKind::load;
  r.temp_c = 132.0;
  r.exposure_s = 240;
  r.tolerance_c = 0;
  r.max_gap_s = 30;
  return r;
}

// Exposure samples every `step` seconds from t=100 for `count` samples at
// `temp`, with a heating sample before and an exhaust sample after.
std::vector<Sample> exposure(int count, double temp, int step = 10) {
  std::vector<Sample> v;
  v.push_back(make_sample(at(90), Phase::heating, 130.0, 270));
  for (int i = 0; i < count; ++i) v.push_back(make_sample(at(100 + i * step), Phase::exposure, temp, 288));
  v.push_back(make_sample(at(100 + count * step), Phase::exhaust, 120.0, 200));
  return v;
}

void set_temp(std::vector<Sample>& v, int exposure_index, double temp) {
  v[static_cast<std::size_t>(exposure_index) + 1].temp_dc = make_sample(at(0), Phase::exposure, temp, 0).temp_dc;
}

void erase_exposure(std::vector<Sample>& v, int from, int to) {
  v.erase(v.begin() + 1 + from, v.begin() + 1 + to);
}

bool has_reason(const Verification& v, const std::string& text) {
  for (const auto& r : v.reasons)
    if (r.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("the example trace: cycles 1041 and 1042 pass", "[verification]") {
  const auto programs = test::shipped_programs();
  std::map<std::string, std::vector<Sample>> samples;
  std::map<std::string, std::string> program_of;
  std::map<std::string, DeviceResult> result_of;
  for (const auto& [topic, payload] : test::example_trace()) {
    auto e = parse_event(payload);
    REQUIRE(e);
    if (const auto* s = std::get_if<CycleStart>(&*e)) program_of[s->cycle] = s->program;
    if (const auto* s = std::get_if<SampleEvent>(&*e))
      place_sample(samples[s->cycle], make_sample(s->ts.at, s->phase, s->temp_c, s->pressure_kpa));
    if (const auto* s = std::get_if<CycleEnd>(&*e)) result_of[s->cycle] = s->result;
  }
  for (const std::string cycle : {"1041", "1042"}) {
    const Program* p = programs.find(program_of.at(cycle));
    REQUIRE(p);
    Requirements r{p->kind, p->temp_c, p->exposure_s, p->tolerance_c.value_or(0), 30, std::nullopt};
    const auto v = verify(r, samples.at(cycle), result_of.at(cycle));
    INFO(cycle);
    CHECK(v.verdict == Verdict::pass);
    CHECK(v.reasons.empty());
    CHECK_FALSE(v.parameter_mismatch);
    CHECK_FALSE(v.record_incomplete);
    if (cycle == "1042") {
      CHECK(v.summary.exposure_s == 240);
      CHECK(v.summary.min_temp_c == 132.4);
      CHECK(v.summary.max_temp_c == 132.8);
      CHECK(v.summary.sample_count == 44);
    } else {
      CHECK(v.summary.exposure_s == 210);  // Bowie-Dick: 3.5 min at 134 °C
    }
  }
}

TEST_CASE("exposure counts intervals with both ends at or above the minimum", "[verification]") {
  // 25 samples 10 s apart, all hot enough: 240 s (compliance.md section 2).
  auto v = verify(prevac_132_4(), exposure(25, 132.0), DeviceResult::pass);
  CHECK(v.summary.exposure_s == 240);
  CHECK(v.verdict == Verdict::pass);

  // A sample exactly at the minimum counts; one just below loses both of
  // its intervals (and fails the cycle, tolerance 0).
  auto s = exposure(27, 132.5);
  set_temp(s, 13, 131.9);
  v = verify(prevac_132_4(), s, DeviceResult::pass);
  CHECK(v.summary.exposure_s == 240);
  CHECK(v.summary.min_temp_c == 131.9);
  CHECK(v.verdict == Verdict::fail);
  CHECK(v.parameter_mismatch);
  CHECK(has_reason(v, "1 exposure sample below the minimum 132.0 °C"));
  CHECK(has_reason(v, "lowest 131.9 °C at 2026-11-27T08:03:50Z"));
}

TEST_CASE("a dip within the tolerance does not fail but does not count", "[verification]") {
  auto r = prevac_132_4();
  r.tolerance_c = 0.5;
  auto s = exposure(25, 132.3);
  set_temp(s, 12, 131.6);
  auto v = verify(r, s, DeviceResult::pass);
  CHECK(v.summary.exposure_s == 220);
  CHECK(v.verdict == Verdict::fail);  // too short now
  CHECK(has_reason(v, "exposure 220 s is shorter than the required 240 s"));
  CHECK_FALSE(has_reason(v, "below the minimum"));

  s = exposure(27, 132.3);
  set_temp(s, 12, 131.5);  // exactly the minimum minus the tolerance: not below by more
  v = verify(r, s, DeviceResult::pass);
  CHECK(v.verdict == Verdict::pass);
  set_temp(s, 12, 131.4);
  CHECK(verify(r, s, DeviceResult::pass).verdict == Verdict::fail);
}

TEST_CASE("a gap longer than the maximum interval makes the record incomplete", "[verification]") {
  auto s = exposure(40, 132.5);
  erase_exposure(s, 10, 13);  // 40 s between two exposure samples
  auto v = verify(prevac_132_4(), s, DeviceResult::pass);
  CHECK(v.verdict == Verdict::incomplete);
  CHECK(v.record_incomplete);
  CHECK_FALSE(v.parameter_mismatch);
  CHECK(has_reason(v, "gap of 40 s between exposure samples at 2026-11-27T08:03:10Z and 2026-11-27T08:03:50Z"));
  CHECK(v.summary.exposure_s == 350);  // the gap's interval is not counted

  s = exposure(40, 132.5);
  erase_exposure(s, 10, 12);  // 30 s: exactly the maximum is allowed
  v = verify(prevac_132_4(), s, DeviceResult::pass);
  CHECK(v.verdict == Verdict::pass);
  CHECK(v.summary.exposure_s == 390);

  // Only exposure matters: a long gap in drying is fine.
  s = exposure(26, 132.5);
  s.push_back(make_sample(at(1000), Phase::drying, 95, 15));
  CHECK(verify(prevac_132_4(), s, DeviceResult::pass).verdict == Verdict::pass);
}

TEST_CASE("precedence: known failures, then missing data, then too short", "[verification]") {
  auto gap_and_short = exposure(20, 132.5);
  erase_exposure(gap_and_short, 5, 9);
  // A gap hides what happened: incomplete even though the exposure is short.
  auto v = verify(prevac_132_4(), gap_and_short, DeviceResult::pass);
  CHECK(v.verdict == Verdict::incomplete);
  CHECK(has_reason(v, "shorter than the required"));

  // A device fail or aborted is a fail whatever else is missing.
  for (auto r : {DeviceResult::fail, DeviceResult::aborted}) {
    v = verify(prevac_132_4(), gap_and_short, r);
    CHECK(v.verdict == Verdict::fail);
    CHECK_FALSE(v.parameter_mismatch);
    CHECK(v.record_incomplete);  // the gap is still a hole in the record
    CHECK(has_reason(v, std::string{"sterilizer reported "} + std::string{to_string(r)}));
  }

  // A sample below the minimum fails even with a gap or no cycle_end.
  auto below_and_gap = exposure(40, 132.5);
  erase_exposure(below_and_gap, 5, 9);
  set_temp(below_and_gap, 20, 130.0);
  CHECK(verify(prevac_132_4(), below_and_gap, DeviceResult::pass).verdict == Verdict::fail);
  v = verify(prevac_132_4(), below_and_gap, std::nullopt);
  CHECK(v.verdict == Verdict::fail);
  CHECK(v.record_incomplete);
  CHECK(has_reason(v, "no cycle_end received"));

  // Too short alone, with a device pass: fail and a parameter mismatch.
  v = verify(prevac_132_4(), exposure(20, 132.5), DeviceResult::pass);
  CHECK(v.verdict == Verdict::fail);
  CHECK(v.parameter_mismatch);
  CHECK_FALSE(v.record_incomplete);
  CHECK(has_reason(v, "exposure 190 s is shorter than the required 240 s at or above 132.0 °C"));
  CHECK(has_reason(v, "the sterilizer reported pass"));
}

TEST_CASE("no cycle_end or no exposure samples: incomplete", "[verification]") {
  auto v = verify(prevac_132_4(), exposure(30, 132.5), std::nullopt);
  CHECK(v.verdict == Verdict::incomplete);
  CHECK(v.record_incomplete);
  CHECK(v.reasons == std::vector<std::string>{"no cycle_end received"});

  std::vector<Sample> heating_only = {make_sample(at(0), Phase::heating, 120, 200),
                                      make_sample(at(10), Phase::heating, 125, 230)};
  v = verify(prevac_132_4(), heating_only, DeviceResult::pass);
  CHECK(v.verdict == Verdict::incomplete);
  CHECK(v.record_incomplete);
  CHECK(has_reason(v, "no samples in phase exposure"));

  // An abort during heating has no exposure by design: a fail, not a hole.
  v = verify(prevac_132_4(), heating_only, DeviceResult::aborted);
  CHECK(v.verdict == Verdict::fail);
  CHECK_FALSE(v.record_incomplete);
  CHECK(verify(prevac_132_4(), {}, std::nullopt).verdict == Verdict::incomplete);
}

TEST_CASE("more than 3 °C above the minimum is noted, not failed", "[verification]") {
  auto s = exposure(26, 135.0);
  auto v = verify(prevac_132_4(), s, DeviceResult::pass);
  CHECK(v.verdict == Verdict::pass);
  CHECK(v.reasons.empty());
  set_temp(s, 5, 135.1);
  v = verify(prevac_132_4(), s, DeviceResult::pass);
  CHECK(v.verdict == Verdict::pass);
  REQUIRE(v.reasons.size() == 1);
  CHECK(v.reasons[0] == "note: exposure temperature up to 135.1 °C, more than 3 °C above the minimum 132.0 °C");
}

TEST_CASE("F0 sums 10^((T-121.1)/10) over the samples' intervals, in minutes", "[verification]") {
  std::vector<Sample> s;
  for (int i = 0; i <= 60; ++i) s.push_back(make_sample(at(i * 10), Phase::exposure, 121.1, 205));
  CHECK(summarize(prevac_132_4(), s).f0_min == Approx(10.0));
  for (auto& x : s) x.temp_dc = 1311;  // 10 °C hotter: ten times the lethality
  CHECK(summarize(prevac_132_4(), s).f0_min == Approx(100.0));
  // It is informational: a cycle that fails keeps its F0.
  CHECK(verify(prevac_132_4(), s, DeviceResult::fail).summary.f0_min == Approx(100.0));
}

TEST_CASE("leak tests verify the hold time and the pressure rise", "[verification]") {
  Requirements r;
  r.kind = ProgramKind::leak_test;
  r.exposure_s = 600;
  r.max_gap_s = 30;
  r.max_leak_rate_kpa_min = 0.13;
  std::vector<Sample> s;
  for (int i = 0; i <= 60; ++i) s.push_back(make_sample(at(i * 10), Phase::exposure, 40, 7.0 + 0.1 * i / 6.0));
  auto v = verify(r, s, DeviceResult::pass);
  CHECK(v.verdict == Verdict::pass);  // 0.1 kPa/min
  CHECK(v.summary.exposure_s == 600);
  for (int i = 0; i <= 60; ++i) s[static_cast<std::size_t>(i)] = make_sample(at(i * 10), Phase::exposure, 40, 7.0 + 0.2 * i / 6.0);
  v = verify(r, s, DeviceResult::pass);
  CHECK(v.verdict == Verdict::fail);
  CHECK(v.parameter_mismatch);
  CHECK(has_reason(v, "leak rate 0.200 kPa/min is above the allowed 0.130 kPa/min"));
}
