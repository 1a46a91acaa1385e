// libFuzzer target: what sterilizers send. The whole input is parsed as a
// canonical event (parse_event); an input with a line break is also a topic
// (first line) and a payload (the rest) mapped by the shipped device
// profiles (ProfileRouter with devices/profiles), as the daemon maps every
// MQTT message of a sterilizer.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "check.hpp"
#include "sterilization/events.hpp"
#include "sterilization/profiles.hpp"

namespace {

using namespace steritrack;
using namespace steritrack::sterilization;

// One sterilizer per shipped profile, under the demo's topic prefix.
const ProfileRouter* router = nullptr;
const std::map<std::string, std::string> kSterilizers{
    {"A", "generic-json"}, {"B", "amsco-record"}, {"C", "tuttnauer-line"}};

bool absolute(const CanonicalEvent& e) {
  if (const auto* s = std::get_if<SampleEvent>(&e)) return !s->ts.since_start;
  if (const auto* c = std::get_if<CycleEnd>(&e)) return !c->ts.since_start;
  if (const auto* f = std::get_if<Fault>(&e)) return !f->ts.since_start;
  return true;
}

// The canonical JSON of an accepted event reads back as the same event.
void check_round_trip(const CanonicalEvent& e) {
  if (!absolute(e)) return;
  const auto again = parse_event(to_json(e));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == e);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::vector<DeviceProfile> profiles;
  for (const auto& [id, name] : kSterilizers) profiles.push_back(load_profile(STERITRACK_PROFILES_DIR, name));
  router = new ProfileRouter(profiles, kSterilizers, "steritrack");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);

  const auto event = parse_event(text);
  if (event) {
    // Accepted means valid: validate() has nothing more to say.
    const auto valid = validate(*event);
    FUZZ_CHECK(valid.ok() && *valid == *event);
    FUZZ_CHECK(!event_type(*event).empty());
    check_round_trip(*event);
  } else {
    FUZZ_CHECK(!event.error().empty());
  }

  const auto nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;
  const TimePoint received{std::chrono::milliseconds{1'795'766'400'000}};  // 2026-11-27T08:00:00Z
  const auto mapped = router->map(text.substr(0, nl), text.substr(nl + 1), received);
  if (!mapped) {
    FUZZ_CHECK(!mapped.error().empty());
    return 0;
  }
  // Only configured sterilizers get events, and every event is one the
  // recorder accepts.
  FUZZ_CHECK(kSterilizers.count(mapped->sterilizer) == 1);
  for (const CanonicalEvent& e : mapped->events) {
    const auto valid = validate(e);
    FUZZ_CHECK(valid.ok() && *valid == e);
    check_round_trip(e);
  }
  return 0;
}
