#include "simulator/trace.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "sterilization/events.hpp"

namespace steritrack::simulator {
namespace {

using sterilization::Phase;
using sterilization::ProgramKind;

constexpr double kAtmKpa = 101.325;
constexpr std::string_view kVariants[] = {"pass",     "device-fail", "aborted",    "temp-dip",
                                          "sample-gap", "data-fail", "missing-end"};
constexpr std::string_view kFormats[] = {"generic", "tuttnauer", "amsco"};

// Deterministic noise (splitmix64): the same seed gives the same trace everywhere.
class Noise {
public:
  explicit Noise(unsigned seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  double uniform() {  // [0, 1)
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;
  }
  double between(double lo, double hi) { return lo + (hi - lo) * uniform(); }

private:
  std::uint64_t state_;
};

// Saturated steam pressure (kPa absolute) at a temperature (Antoine, 99-374 °C).
double saturation_kpa(double temp_c) {
  return std::pow(10.0, 8.14019 - 1810.94 / (244.485 + temp_c)) * 0.133322;
}

double round1(double v) { return std::round(v * 10) / 10; }
double lerp(double a, double b, double f) { return a + (b - a) * std::clamp(f, 0.0, 1.0); }

struct Point {
  int t;  // seconds since the start
  Phase phase;
  double temp_c;
  double kpa;
};

struct Plan {
  std::vector<Point> points;
  std::optional<sterilization::DeviceResult> result;  // nullopt: no cycle_end
  int end_t = 0;
  std::optional<int> fault_t;
};

struct Durations {
  int conditioning, heating, exposure, exhaust, drying;
};

bool is_gravity(const sterilization::Program& p) { return p.name.find("gravity") != std::string::npos; }

Plan plan_cycle(const sterilization::Program& program, const TraceOptions& o) {
  Noise noise(o.seed);
  const int step = std::max(1, o.interval_s);
  const bool leak = program.kind == ProgramKind::leak_test;
  const bool gravity = is_gravity(program);
  const double setpoint = program.temp_c + 1.0;
  const int required = static_cast<int>(std::ceil(program.exposure_s));
  const int margin = std::max(20, 2 * step);

  Durations d{};
  if (leak) {
    d = {300, 0, required + margin, 60, 0};
  } else if (gravity) {
    d = {60, 240, required + margin, 120, 1200};
  } else {
    d = {210, 60, required + margin, 60, program.kind == ProgramKind::air_removal_test ? 60 : 600};
  }
  // Faults shape the exposure.
  const int dip_len = std::max(8, 2 * step);
  const int gap_len = 60;
  if (o.variant == Variant::temp_dip) d.exposure += dip_len;
  if (o.variant == Variant::sample_gap) d.exposure += gap_len;
  if (o.variant == Variant::data_fail) d.exposure = std::max(step, required * 3 / 4);
  int exposure_cut = d.exposure;  // where exposure stops early
  if (o.variant == Variant::aborted) exposure_cut = d.exposure / 3;
  const int failure_at = d.exposure / 2;  // device_fail: the steam supply drops here

  const int t_heat = d.conditioning;
  const int t_exp = t_heat + d.heating;
  const int t_exh = t_exp + std::min(d.exposure, exposure_cut);
  const bool dry = o.variant != Variant::aborted && o.variant != Variant::device_fail;
  const int t_dry = t_exh + d.exhaust;
  const int t_end = dry ? t_dry + d.drying : t_dry;

  Plan plan;
  double walk = 0;  // exposure temperature noise, a bounded random walk
  const double cond_end_temp = leak ? 40.0 : 110.0;
  for (int t = step; t < t_end; t += step) {
    Point p{t, Phase::conditioning, 0, 0};
    if (t < t_heat) {
      const double f = static_cast<double>(t) / d.conditioning;
      if (leak) {
        p.temp_c = 40.0 + noise.between(-0.2, 0.2);
        p.kpa = kAtmKpa * std::pow(7.0 / kAtmKpa, f);
      } else if (gravity) {
        p.temp_c = lerp(60, 100, f) + noise.between(-0.3, 0.3);
        p.kpa = kAtmKpa + noise.between(0, 3);
      } else {
        // Three pulses: evacuate to 10 kPa, then steam to 200 kPa.
        const double pulse = std::fmod(f * 3, 1.0);
        p.kpa = pulse < 0.55 ? lerp(200, 10, pulse / 0.55) : lerp(10, 200, (pulse - 0.55) / 0.45);
        p.temp_c = lerp(60, cond_end_temp, f) + (pulse < 0.55 ? -3.0 : 3.0) + noise.between(-0.3, 0.3);
      }
    } else if (t < t_exp) {
      p.phase = Phase::heating;
      const double f = static_cast<double>(t - t_heat) / d.heating;
      p.temp_c = lerp(gravity ? 100.0 : cond_end_temp, setpoint - 0.5, f) + noise.between(-0.2, 0.2);
      p.kpa = saturation_kpa(p.temp_c) + noise.between(-0.5, 0.5);
    } else if (t < t_exh) {
      p.phase = Phase::exposure;
      const int into = t - t_exp;
      if (leak) {
        // A tight chamber: the pressure creeps up well under the allowed rate.
        p.temp_c = 40.0 + noise.between(-0.2, 0.2);
        p.kpa = 7.0 + 0.05 * into / 60.0 + noise.between(-0.02, 0.02);
      } else {
        walk = std::clamp(walk + noise.between(-0.15, 0.15), -0.4, 0.5);
        p.temp_c = setpoint + walk;
        const int dip_at = d.exposure * 2 / 5;
        if (o.variant == Variant::temp_dip && into >= dip_at && into < dip_at + dip_len)
          p.temp_c = program.temp_c - program.tolerance_c.value_or(0) - 0.6;
        if (o.variant == Variant::device_fail && into >= failure_at)
          p.temp_c = program.temp_c - 2.0 - 0.5 * (into - failure_at) / 60.0;
        p.kpa = saturation_kpa(p.temp_c) + noise.between(-0.3, 0.3);
        if (o.variant == Variant::sample_gap && into >= dip_at && into < dip_at + gap_len) continue;
      }
    } else if (t < t_dry) {
      p.phase = Phase::exhaust;
      const double f = static_cast<double>(t - t_exh) / d.exhaust;
      const double from = leak ? 7.0 : saturation_kpa(setpoint);
      p.kpa = lerp(from, kAtmKpa, f);
      p.temp_c = leak ? 40.0 : lerp(setpoint, 100, f) + noise.between(-0.3, 0.3);
    } else {
      p.phase = Phase::drying;
      const double f = static_cast<double>(t - t_dry) / std::max(1, d.drying);
      p.temp_c = lerp(100, gravity ? 80 : 85, f) + noise.between(-0.3, 0.3);
      p.kpa = gravity ? kAtmKpa : std::max(10.0, lerp(kAtmKpa, 10, f * 10)) + noise.between(0, 1);
    }
    p.temp_c = round1(p.temp_c);
    p.kpa = round1(std::max(0.0, p.kpa));
    plan.points.push_back(p);
  }
  plan.end_t = t_end;
  switch (o.variant) {
    case Variant::device_fail:
      plan.result = sterilization::DeviceResult::fail;
      plan.fault_t = t_exp + failure_at + 30;
      break;
    case Variant::aborted: plan.result = sterilization::DeviceResult::aborted; break;
    case Variant::missing_end: break;
    default: plan.result = sterilization::DeviceResult::pass; break;
  }
  return plan;
}

std::string vendor_program(const sterilization::Program& program, const sterilization::DeviceProfile* vendor) {
  if (vendor)
    for (const auto& [name, ours] : vendor->program_names)
      if (ours == program.name) return name;
  return program.name;
}

std::string local_time(TimePoint t, std::chrono::minutes offset) {
  std::string s = format_rfc3339(std::chrono::floor<std::chrono::seconds>(t + offset));
  s[10] = ' ';
  s.pop_back();  // the Z: the device prints its local time without a zone
  return s;
}

std::string elapsed_text(int seconds) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return buf;
}

double to_f(double c) { return c * 9.0 / 5.0 + 32.0; }

std::string padded(const std::string& cycle, int width) {
  const bool digits = !cycle.empty() && std::all_of(cycle.begin(), cycle.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || static_cast<int>(cycle.size()) >= width) return cycle;
  return std::string(static_cast<std::size_t>(width) - cycle.size(), '0') + cycle;
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

Duration secs(int s) { return std::chrono::seconds{s}; }

std::vector<Message> generic(const sterilization::Program& program, const TraceOptions& o, const Plan& plan) {
  using namespace sterilization;
  const std::string topic = o.topic_prefix + "/sterilizer/" + o.sterilizer + "/event";
  std::vector<Message> out;
  out.push_back({Duration{0}, topic, to_json(CycleStart{o.cycle, program.name, o.start})});
  bool fault_sent = false;
  for (const Point& p : plan.points) {
    if (plan.fault_t && !fault_sent && p.t >= *plan.fault_t) {
      out.push_back({secs(p.t), topic,
                     to_json(Fault{o.cycle, EventTime::absolute(o.start + secs(p.t)), "E21", "low steam temperature"})});
      fault_sent = true;
    }
    out.push_back({secs(p.t), topic,
                   to_json(SampleEvent{o.cycle, EventTime::absolute(o.start + secs(p.t)), p.phase, p.temp_c, p.kpa})});
  }
  if (plan.result)
    out.push_back({secs(plan.end_t), topic,
                   to_json(CycleEnd{o.cycle, EventTime::absolute(o.start + secs(plan.end_t)), *plan.result})});
  return out;
}

std::vector<Message> tuttnauer(const sterilization::Program& program, const TraceOptions& o, const Plan& plan,
                               const sterilization::DeviceProfile& vendor) {
  const std::string topic = "tuttnauer/" + o.sterilizer + "/cycle/" + padded(o.cycle, 5);
  std::vector<Message> out;
  out.push_back({Duration{0}, topic, "TUTTNAUER 3870ELV  SN 2110457"});
  out.push_back({Duration{0}, topic,
                 "START " + local_time(o.start, vendor.utc_offset) + " PROG " + vendor_program(program, &vendor)});
  static constexpr char codes[] = {'A', 'H', 'S', 'E', 'D'};
  bool fault_sent = false;
  for (const Point& p : plan.points) {
    if (plan.fault_t && !fault_sent && p.t >= *plan.fault_t) {
      out.push_back({secs(p.t), topic, "FAULT " + elapsed_text(p.t) + " E21 LOW STEAM TEMPERATURE"});
      fault_sent = true;
    }
    const std::string pressure = p.kpa < kAtmKpa ? fixed1((kAtmKpa - p.kpa) / 3.386389) + "In"
                                                 : fixed1((p.kpa - kAtmKpa) / 6.894757);
    out.push_back({secs(p.t), topic,
                   std::string(1, codes[static_cast<int>(p.phase)]) + " " + elapsed_text(p.t) + " " +
                       fixed1(to_f(p.temp_c)) + "F " + pressure});
  }
  if (plan.result) {
    static constexpr std::string_view results[] = {"COMPLETED", "FAILED", "ABORTED"};
    out.push_back({secs(plan.end_t), topic,
                   "END " + elapsed_text(plan.end_t) + " " + std::string{results[static_cast<int>(*plan.result)]}});
  }
  return out;
}

std::vector<Message> amsco(const sterilization::Program& program, const TraceOptions& o, const Plan& plan,
                           const sterilization::DeviceProfile& vendor) {
  const std::string topic = "amsco/" + o.sterilizer + "/record";
  const bool gravity = is_gravity(program);
  const bool leak = program.kind == ProgramKind::leak_test;
  auto record = [&](int t, const std::string& stage, bool sterilize, double temp_c, double kpa,
                    const std::string& result) {
    nlohmann::json j;
    j["cycle_no"] = padded(o.cycle, 4);
    j["cycle_start"] = local_time(o.start, vendor.utc_offset);
    j["time"] = local_time(o.start + secs(t), vendor.utc_offset);
    j["cycle_name"] = vendor_program(program, &vendor);
    j["stage"] = stage;
    j["sterilize"] = sterilize ? 1 : 0;
    j["chamber_temp"] = std::round(to_f(temp_c) * 10) / 10;
    j["chamber_press"] = kpa < kAtmKpa ? -std::round((kAtmKpa - kpa) / 3.386389 * 10) / 10
                                       : std::round((kpa - kAtmKpa) / 6.894757 * 10) / 10;
    j["result"] = result;
    return Message{secs(t), topic, j.dump()};
  };
  std::vector<Message> out;
  for (const Point& p : plan.points) {
    std::string stage;
    switch (p.phase) {
      case Phase::conditioning: stage = leak ? "PREVAC" : gravity ? "PURGE" : "PULSE"; break;
      case Phase::heating: stage = "CHARGE"; break;
      case Phase::exposure: stage = leak ? "LEAK HOLD" : "STERILIZE"; break;
      case Phase::exhaust: stage = "EXHAUST"; break;
      case Phase::drying: stage = "DRY"; break;
    }
    out.push_back(record(p.t, stage, p.phase == Phase::exposure && !leak, p.temp_c, p.kpa, ""));
  }
  if (plan.result) {
    static constexpr std::string_view results[] = {"CYCLE COMPLETE", "CYCLE FAILED", "CYCLE ABORTED"};
    const Point last = plan.points.empty() ? Point{0, Phase::drying, 20, kAtmKpa} : plan.points.back();
    out.push_back(record(plan.end_t, *plan.result == sterilization::DeviceResult::aborted ? "ABORTED" : "COMPLETE",
                         false, last.temp_c, last.kpa, std::string{results[static_cast<int>(*plan.result)]}));
  }
  return out;
}

}  // namespace

std::optional<Variant> parse_variant(std::string_view text) {
  for (int i = 0; i < 7; ++i)
    if (kVariants[i] == text) return static_cast<Variant>(i);
  return std::nullopt;
}
std::string_view to_string(Variant v) { return kVariants[static_cast<int>(v)]; }

std::optional<Format> parse_format(std::string_view text) {
  for (int i = 0; i < 3; ++i)
    if (kFormats[i] == text) return static_cast<Format>(i);
  return std::nullopt;
}
std::string_view to_string(Format f) { return kFormats[static_cast<int>(f)]; }

std::string_view profile_name(Format f) {
  switch (f) {
    case Format::generic: return "generic-json";
    case Format::tuttnauer: return "tuttnauer-line";
    case Format::amsco: return "amsco-record";
  }
  return "generic-json";
}

std::vector<Message> make_trace(const sterilization::Program& program, const TraceOptions& options,
                                const sterilization::DeviceProfile* vendor) {
  const Plan plan = plan_cycle(program, options);
  switch (options.format) {
    case Format::generic: return generic(program, options, plan);
    case Format::tuttnauer:
      if (!vendor) throw std::invalid_argument("make_trace: the tuttnauer format needs its device profile");
      return tuttnauer(program, options, plan, *vendor);
    case Format::amsco:
      if (!vendor) throw std::invalid_argument("make_trace: the amsco format needs its device profile");
      return amsco(program, options, plan, *vendor);
  }
  return {};
}

}  // namespace steritrack::simulator
