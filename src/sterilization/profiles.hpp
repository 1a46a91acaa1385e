#pragma once
// Device profiles (devices/profiles/<name>.toml, documented in
// docs/devices.md): how one kind of sterilizer gateway's MQTT topics and
// payloads map onto canonical events. A profile is data; ProfileMapper is
// the pure function (profile, topic, payload) -> events or a reason, and
// ProfileRouter picks the profile of each configured sterilizer.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "sterilization/events.hpp"

namespace steritrack::sterilization {

enum class PayloadFormat { json, line };
enum class TempUnit { celsius, fahrenheit, kelvin };
// Gauge units are relative to the standard atmosphere (101.325 kPa).
enum class PressureUnit { kpa, kpa_gauge, psia, psig, bar, bar_gauge, mbar, inhg_vacuum };

std::optional<TempUnit> parse_temp_unit(std::string_view text);          // C, F, K
std::optional<PressureUnit> parse_pressure_unit(std::string_view text);  // kPa, kPag, psia, psig, bar, barg, mbar, inHg_vacuum
double to_celsius(double value, TempUnit unit);
// Absolute kPa, never below 0 (a vacuum gauge reading past full vacuum is full vacuum).
double to_kpa(double value, PressureUnit unit);

struct LineRule {
  std::string type;  // an event type, or "ignore" (banners, rulers)
  std::string pattern;
  std::shared_ptr<const std::regex> regex;
  std::vector<std::string> groups;  // the field each capture group fills
};

struct DeviceProfile {
  std::string name;
  std::string description;
  PayloadFormat format = PayloadFormat::json;
  // Topic patterns: '/'-separated, with {prefix} (the daemon's topic prefix),
  // {sterilizer}, and optionally {cycle} and {type} segments.
  std::vector<std::string> topics;
  std::optional<double> max_sample_interval_s;  // unset: the policy's max_sample_gap_s
  std::chrono::minutes utc_offset{0};           // for device times printed without a zone
  bool records = false;  // each message is a periodic record: a sample, plus implied start and end
  bool cycle_strip_zeros = false;
  std::map<std::string, std::string> fields;  // json: canonical field -> path ("a.b.0.c")
  std::vector<LineRule> lines;                // line: tried in order, the first full match wins
  std::map<std::string, std::string> type_names;            // vendor -> canonical event type or "ignore"
  std::map<std::string, std::optional<Phase>> phase_names;  // vendor -> phase; nullopt: no sample
  std::map<std::string, DeviceResult> result_names;
  std::map<std::string, std::string> program_names;  // vendor -> program name (unlisted: used as is)
  TempUnit temp_unit = TempUnit::celsius;
  PressureUnit pressure_unit = PressureUnit::kpa;
  std::optional<PressureUnit> vacuum_unit;  // for negative readings and readings flagged by vacuum_marker
  std::string vacuum_marker;
};

class ProfileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Parses a profile; throws ProfileError("SOURCE: key: reason").
DeviceProfile parse_profile(std::string_view toml_text, const std::string& source);
// Loads <dir>/<name>.toml (dir: the devices folder's profiles/); its name
// key must be <name>.
DeviceProfile load_profile(const std::string& dir, const std::string& name);
// The profile <name>: <dir>/<name>.toml when the data folder has it, else the
// built-in one of that name (builtin_devices.hpp); throws ProfileError when
// there is neither.
DeviceProfile find_profile(const std::string& dir, const std::string& name);

// What a topic told about a message.
struct TopicMatch {
  std::optional<std::string> sterilizer;
  std::optional<std::string> cycle;
  std::optional<std::string> type;
};

struct MappedMessage {
  std::string sterilizer;
  std::vector<CanonicalEvent> events;  // empty for messages the profile ignores
};

class ProfileMapper {
public:
  ProfileMapper(std::shared_ptr<const DeviceProfile> profile, std::string topic_prefix);

  const DeviceProfile& profile() const { return *profile_; }
  // MQTT subscription filters for the profile's topics.
  std::vector<std::string> subscriptions() const;
  std::optional<TopicMatch> match(std::string_view topic) const;
  // received stands in for the time of heartbeats that carry none.
  Result<MappedMessage> map(std::string_view topic, std::string_view payload, TimePoint received) const;

private:
  std::shared_ptr<const DeviceProfile> profile_;
  std::vector<std::vector<std::string>> patterns_;  // split topic patterns, {prefix} substituted
};

// The profiles of the configured sterilizers: which profile maps a message
// depends on the sterilizer it comes from.
class ProfileRouter {
public:
  // sterilizer_profiles: sterilizer id -> profile name; every name must be in profiles.
  ProfileRouter(const std::vector<DeviceProfile>& profiles, std::map<std::string, std::string> sterilizer_profiles,
                std::string topic_prefix);

  std::vector<std::string> subscriptions() const;
  Result<MappedMessage> map(std::string_view topic, std::string_view payload, TimePoint received) const;
  // The longest allowed gap between exposure samples of a sterilizer, if its profile sets one.
  std::optional<double> max_sample_interval_s(const std::string& sterilizer) const;

private:
  std::vector<ProfileMapper> mappers_;
  std::map<std::string, std::string> sterilizer_profiles_;
};

}  // namespace steritrack::sterilization
