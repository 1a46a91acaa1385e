#pragma once
// A cycle's samples and their compact storage (cycles.samples).
//
// Samples are kept at the resolution a sterilizer reports: 0.1 °C and
// 0.1 kPa (1 hPa), times in milliseconds. Verification works on these stored
// values, so `cycle show` and the verdict always agree.
//
// Encoding (version 1): a version byte, the sample count (varint), then one
// token per sample, delta-coded against the previous sample (the first
// against zero). The time is coded as the change of the interval
// ("delta of delta"), which is 0 for a device sampling at a steady rate:
//   0ttt pppp            temp delta -4..3, pressure delta -8..7; same phase,
//                        same interval, pressure present as before
//   10tt tttp pppp pppp  temp delta -16..15, pressure delta -256..255; same
//                        conditions otherwise
//   11DT PNC0 [phase] [dod] [dtemp] [dpressure]
//                        full form: D, T, P say which zigzag varints follow,
//                        N: no pressure in this sample, C: a phase byte follows
// A steady 1 Hz hour-long cycle costs about 1.5 bytes a sample.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sterilization/events.hpp"

namespace steritrack::sterilization {

struct Sample {
  TimePoint ts{};
  Phase phase = Phase::conditioning;
  std::int32_t temp_dc = 0;                  // 0.1 °C
  std::optional<std::int32_t> pressure_hpa;  // 0.1 kPa, absolute

  double temp_c() const { return temp_dc / 10.0; }
  std::optional<double> pressure_kpa() const {
    return pressure_hpa ? std::optional<double>(*pressure_hpa / 10.0) : std::nullopt;
  }
  bool operator==(const Sample&) const = default;
};

// A sample at the stored resolution (values rounded to the nearest step).
Sample make_sample(TimePoint ts, Phase phase, double temp_c, std::optional<double> pressure_kpa);

enum class Placement { added, duplicate };
// Inserts by time into a time-ordered list; a sample with the same time as
// one already there is a duplicate and changes nothing.
Placement place_sample(std::vector<Sample>& samples, const Sample& s);

using SampleBlob = std::vector<std::uint8_t>;
// samples must be ordered by strictly increasing time (as place_sample keeps them).
SampleBlob encode_samples(std::span<const Sample> samples);
// A damaged blob is a reason, not a crash.
Result<std::vector<Sample>> decode_samples(std::span<const std::uint8_t> blob);

}  // namespace steritrack::sterilization
