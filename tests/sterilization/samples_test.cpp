#include <algorithm>
#include <iostream>
#include <random>

#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "simulator/trace.hpp"
#include "sterilization/cycle_test_support.hpp"
#include "sterilization/samples.hpp"

using namespace steritrack;
using namespace steritrack::sterilization;

namespace {

TimePoint at(int seconds) { return *parse_rfc3339("2026-11-27T07:00:00Z") + std::chrono::seconds{seconds}; }

// An hour-long 1 Hz cycle (gravity 121 °C / 30 min with its heat-up and
// drying), decoded from what the simulator would publish.
std::vector<Sample> hour_long_cycle() {
  const auto programs = test::shipped_programs();
  simulator::TraceOptions o;
  o.start = at(0);
  o.interval_s = 1;
  std::vector<Sample> samples;
  for (const auto& m : simulator::make_trace(*programs.find("gravity-121-30"), o)) {
    auto e = parse_event(m.payload);
    REQUIRE(e);
    if (const auto* s = std::get_if<SampleEvent>(&*e))
      place_sample(samples, make_sample(s->ts.at, s->phase, s->temp_c, s->pressure_kpa));
  }
  return samples;
}

}  // namespace

TEST_CASE("samples are kept at 0.1 °C and 0.1 kPa", "[samples]") {
  const Sample s = make_sample(at(0), Phase::exposure, 132.449, 288.04);
  CHECK(s.temp_dc == 1324);
  CHECK(s.pressure_hpa == 2880);
  CHECK(s.temp_c() == Approx(132.4));
  CHECK(make_sample(at(0), Phase::exposure, 132.45, std::nullopt).temp_dc == 1325);
  CHECK_FALSE(make_sample(at(0), Phase::exposure, 132.45, std::nullopt).pressure_hpa);
}

TEST_CASE("samples are placed by time and a repeated time is a duplicate", "[samples]") {
  std::vector<Sample> v;
  CHECK(place_sample(v, make_sample(at(20), Phase::exposure, 132, 1)) == Placement::added);
  CHECK(place_sample(v, make_sample(at(10), Phase::heating, 130, 1)) == Placement::added);
  CHECK(place_sample(v, make_sample(at(30), Phase::exposure, 132, 1)) == Placement::added);
  CHECK(place_sample(v, make_sample(at(15), Phase::heating, 131, 1)) == Placement::added);
  CHECK(place_sample(v, make_sample(at(20), Phase::exposure, 99, 1)) == Placement::duplicate);
  REQUIRE(v.size() == 4);
  CHECK(std::is_sorted(v.begin(), v.end(), [](const Sample& a, const Sample& b) { return a.ts < b.ts; }));
  CHECK(v[2].temp_dc == 1320);  // the duplicate changed nothing
}

TEST_CASE("encoding round-trips every kind of sample sequence", "[samples]") {
  std::vector<Sample> v;
  // Steady 1 Hz, jittered milliseconds, phase changes, missing pressure,
  // big jumps, negative temperatures and long gaps.
  for (int i = 0; i < 50; ++i) v.push_back(make_sample(at(i), Phase::exposure, 132 + (i % 5) * 0.1, 288 + (i % 3) * 0.4));
  v.push_back(Sample{at(50) + Duration{337}, Phase::exhaust, 1200, std::nullopt});
  v.push_back(Sample{at(51) + Duration{12}, Phase::exhaust, -400, std::nullopt});
  v.push_back(Sample{at(52), Phase::drying, 950, 150});
  v.push_back(Sample{at(3600), Phase::drying, 2999, 15000});
  v.push_back(Sample{at(3601), Phase::conditioning, -500, 0});
  std::mt19937 rng(7);
  for (int i = 0; i < 500; ++i)
    v.push_back(Sample{at(4000 + i * 2) + Duration{static_cast<int>(rng() % 900)},
                       static_cast<Phase>(rng() % 5), static_cast<std::int32_t>(rng() % 3000) - 500,
                       rng() % 4 ? std::optional<std::int32_t>(static_cast<std::int32_t>(rng() % 15000)) : std::nullopt});
  const auto blob = encode_samples(v);
  const auto back = decode_samples(blob);
  REQUIRE(back);
  CHECK(*back == v);

  const auto empty = decode_samples(encode_samples({}));
  REQUIRE(empty);
  CHECK(empty->empty());
}

TEST_CASE("a damaged sample blob is a reason, never a crash", "[samples]") {
  std::vector<Sample> v;
  for (int i = 0; i < 100; ++i) v.push_back(make_sample(at(i * 10), Phase::exposure, 132 + i * 0.3, 288 + i));
  const auto blob = encode_samples(v);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    const std::span<const std::uint8_t> cut(blob.data(), n);
    CHECK_FALSE(decode_samples(cut));
  }
  auto trailing = blob;
  trailing.push_back(0);
  CHECK_THAT(decode_samples(trailing).error(), Catch::Contains("trailing"));
  auto version = blob;
  version[0] = 9;
  CHECK_THAT(decode_samples(version).error(), Catch::Contains("version"));
  // Random corruption decodes to an error or to some samples, never UB.
  std::mt19937 rng(1);
  for (int round = 0; round < 2000; ++round) {
    auto bad = blob;
    bad[1 + rng() % (bad.size() - 1)] = static_cast<std::uint8_t>(rng());
    (void)decode_samples(bad);
  }
}

TEST_CASE("an hour-long 1 Hz cycle takes at most 8 KB", "[samples]") {
  const auto samples = hour_long_cycle();
  REQUIRE(samples.size() > 3300);
  const auto blob = encode_samples(samples);
  std::cout << "samples: " << samples.size() << " samples (1 Hz, "
            << (samples.back().ts - samples.front().ts).count() / 60000 << " min) encode to " << blob.size()
            << " bytes (" << static_cast<double>(blob.size()) / static_cast<double>(samples.size())
            << " bytes a sample)\n";
  CHECK(blob.size() <= 8192);
  const auto back = decode_samples(blob);
  REQUIRE(back);
  CHECK(*back == samples);
}
