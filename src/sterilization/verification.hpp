#pragma once
// Verifying a cycle from its own samples (compliance.md section 2; the rules
// are written out in docs/compliance.md, "Cycle verification"). Pure: the
// recorder gives it the cycle's requirements, samples and device result.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sterilization/events.hpp"
#include "sterilization/programs.hpp"
#include "sterilization/samples.hpp"

namespace steritrack::sterilization {

// What a cycle must show: its program's parameters and the sterilizer's
// longest allowed sample interval, copied into the cycle at its start.
struct Requirements {
  ProgramKind kind = ProgramKind::load;
  double temp_c = 0;
  double exposure_s = 0;
  double tolerance_c = 0;
  double max_gap_s = 30;
  std::optional<double> max_leak_rate_kpa_min;
};

// The measured part of the record, kept up to date as samples arrive.
struct Summary {
  int sample_count = 0;
  double exposure_s = 0;                // exposure intervals at or above temp_c, both ends hot, no gap
  std::optional<double> min_temp_c;     // over the samples in phase exposure
  std::optional<double> max_temp_c;
  double f0_min = 0;                    // informational
  bool operator==(const Summary&) const = default;
};

Summary summarize(const Requirements& req, std::span<const Sample> samples);

enum class Verdict { pass, fail, incomplete };
std::string_view to_string(Verdict v);
std::optional<Verdict> parse_verdict(std::string_view text);

struct Verification {
  Verdict verdict = Verdict::incomplete;
  Summary summary;
  std::vector<std::string> reasons;  // why it is not a pass, then notes ("note: ...")
  bool parameter_mismatch = false;   // the sterilizer said pass, the measurement says fail
  bool record_incomplete = false;    // samples missing, or no cycle_end
};

// device_result is what cycle_end said, or nullopt when no cycle_end came.
Verification verify(const Requirements& req, std::span<const Sample> samples,
                    std::optional<DeviceResult> device_result);

}  // namespace steritrack::sterilization
