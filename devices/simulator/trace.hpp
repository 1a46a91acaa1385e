#pragma once
// Realistic sterilizer cycles as the MQTT messages a gateway would publish:
// vacuum pulses, heat-up, exposure with sensor noise and saturated-steam
// pressure, exhaust and drying, in the canonical format or a vendor one.
// Used by steritrack-sim, the unit tests and the benchmarks.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "sterilization/profiles.hpp"
#include "sterilization/programs.hpp"

namespace steritrack::simulator {

// What goes wrong in the cycle (the verdict it must get is in docs/devices.md).
enum class Variant { pass, device_fail, aborted, temp_dip, sample_gap, data_fail, missing_end };
enum class Format { generic, tuttnauer, amsco };

std::optional<Variant> parse_variant(std::string_view text);  // pass, device-fail, ...
std::string_view to_string(Variant v);
std::optional<Format> parse_format(std::string_view text);    // generic, tuttnauer, amsco
std::string_view to_string(Format f);
// The profile a format is published for: generic-json, tuttnauer-line, amsco-record.
std::string_view profile_name(Format f);

struct TraceOptions {
  std::string sterilizer = "A";
  std::string cycle = "1";
  Variant variant = Variant::pass;
  Format format = Format::generic;
  TimePoint start{};
  int interval_s = 1;  // seconds between samples
  std::string topic_prefix = "steritrack";
  unsigned seed = 1;
};

struct Message {
  Duration offset{};  // since the cycle's start: when to publish it
  std::string topic;
  std::string payload;
};

// vendor is the format's device profile (for its program names and time
// offset); required for tuttnauer and amsco.
std::vector<Message> make_trace(const sterilization::Program& program, const TraceOptions& options,
                                const sterilization::DeviceProfile* vendor = nullptr);

}  // namespace steritrack::simulator
