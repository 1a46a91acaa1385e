#pragma once
// Canonical sterilizer events (interfaces.md section 2): what every device
// profile maps onto, and what the cycle recorder consumes. A payload that is
// not a valid event is a reason, never an exception.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/clock.hpp"
#include "common/result.hpp"

namespace steritrack::sterilization {

enum class Phase : std::uint8_t { conditioning, heating, exposure, exhaust, drying };
enum class DeviceResult : std::uint8_t { pass, fail, aborted };

std::string_view to_string(Phase p);
std::optional<Phase> parse_phase(std::string_view text);
std::string_view to_string(DeviceResult r);
std::optional<DeviceResult> parse_device_result(std::string_view text);

// When an event happened. Vendor printouts give sample times as the time
// elapsed since the cycle started; the recorder resolves those against the
// cycle's recorded start.
struct EventTime {
  TimePoint at{};
  std::optional<Duration> since_start;

  static EventTime absolute(TimePoint t) { return {t, std::nullopt}; }
  static EventTime elapsed(Duration d) { return {TimePoint{}, d}; }
  bool operator==(const EventTime&) const = default;
};

struct CycleStart {
  std::string cycle;
  std::string program;
  TimePoint ts{};
  bool operator==(const CycleStart&) const = default;
};

struct SampleEvent {
  std::string cycle;
  EventTime ts;
  Phase phase = Phase::conditioning;
  double temp_c = 0;
  std::optional<double> pressure_kpa;  // absolute; some gravity units report none
  bool operator==(const SampleEvent&) const = default;
};

struct CycleEnd {
  std::string cycle;
  EventTime ts;
  DeviceResult result = DeviceResult::pass;
  bool operator==(const CycleEnd&) const = default;
};

struct Fault {
  std::optional<std::string> cycle;  // the open cycle is assumed when absent
  EventTime ts;
  std::string code;
  std::string message;
  bool operator==(const Fault&) const = default;
};

struct Heartbeat {
  TimePoint ts{};
  bool operator==(const Heartbeat&) const = default;
};

using CanonicalEvent = std::variant<CycleStart, SampleEvent, CycleEnd, Fault, Heartbeat>;

// "cycle_start", "sample", "cycle_end", "fault" or "heartbeat".
std::string_view event_type(const CanonicalEvent& e);

// Parses one canonical JSON payload.
Result<CanonicalEvent> parse_event(std::string_view json);

// The canonical JSON of an event with absolute times (the simulator publishes
// it). Throws std::logic_error for an event timed relative to its cycle.
std::string to_json(const CanonicalEvent& e);

// The checks every event must pass whatever its source: identifiers that can
// be part of alert subjects and topics, finite values in physical ranges.
Result<CanonicalEvent> validate(CanonicalEvent e);

// Cycle numbers are 1-32 characters of [A-Za-z0-9._-]: they appear in alert
// subjects ("A/1042") and MQTT topics.
bool valid_cycle_id(std::string_view id);

inline constexpr double kMinTempC = -50;
inline constexpr double kMaxTempC = 300;
inline constexpr double kMaxPressureKpa = 1500;

}  // namespace steritrack::sterilization
