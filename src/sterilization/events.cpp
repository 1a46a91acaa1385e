#include "sterilization/events.hpp"

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/time.hpp"

namespace steritrack::sterilization {
namespace {

using nlohmann::json;

constexpr std::string_view kPhases[] = {"conditioning", "heating", "exposure", "exhaust", "drying"};
constexpr std::string_view kResults[] = {"pass", "fail", "aborted"};

// No control characters, and valid UTF-8: every accepted event has a JSON
// form (to_json, the CLI's JSON output), and JSON text is UTF-8. Line
// profiles read bytes from printer ports, which may be Latin-1.
bool printable(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t more = 0;
    char32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (text.size() - i <= more) return false;
    for (std::size_t k = 1; k <= more; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += more + 1;
  }
  return true;
}

// Reads the fields of one JSON object, each failure a reason naming the field.
class Fields {
public:
  explicit Fields(const json& obj) : obj_(obj) {}

  Result<std::string> text(const char* key) const {
    const auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return fail(std::string{key} + ": missing");
    if (!it->is_string()) return fail(std::string{key} + ": must be a string");
    return it->get<std::string>();
  }
  Result<std::optional<std::string>> optional_text(const char* key) const {
    const auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) return fail(std::string{key} + ": must be a string");
    return std::optional<std::string>{it->get<std::string>()};
  }
  Result<double> number(const char* key) const {
    const auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return fail(std::string{key} + ": missing");
    if (!it->is_number()) return fail(std::string{key} + ": must be a number");
    return it->get<double>();
  }
  Result<std::optional<double>> optional_number(const char* key) const {
    const auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) return std::optional<double>{};
    if (!it->is_number()) return fail(std::string{key} + ": must be a number");
    return std::optional<double>{it->get<double>()};
  }
  Result<TimePoint> time(const char* key) const {
    auto t = text(key);
    if (!t) return t.failure();
    const auto parsed = parse_rfc3339(*t);
    if (!parsed) return fail(std::string{key} + ": \"" + *t + "\" is not an RFC 3339 time");
    return *parsed;
  }

private:
  const json& obj_;
};

Result<CanonicalEvent> from_json(const json& j) {
  if (!j.is_object()) return fail("payload: must be a JSON object");
  const Fields f(j);
  auto type = f.text("type");
  if (!type) return type.failure();
  auto ts = f.time("ts");
  if (!ts) return ts.failure();

  if (*type == "heartbeat") return CanonicalEvent{Heartbeat{*ts}};
  if (*type == "fault") {
    auto code = f.text("code");
    if (!code) return code.failure();
    auto message = f.optional_text("message");
    if (!message) return message.failure();
    auto cycle = f.optional_text("cycle");
    if (!cycle) return cycle.failure();
    return CanonicalEvent{Fault{*cycle, EventTime::absolute(*ts), *code, message->value_or("")}};
  }
  if (*type != "cycle_start" && *type != "sample" && *type != "cycle_end")
    return fail("type: \"" + *type + "\" is not a sterilizer event type");

  auto cycle = f.text("cycle");
  if (!cycle) return cycle.failure();
  if (*type == "cycle_start") {
    auto program = f.text("program");
    if (!program) return program.failure();
    return CanonicalEvent{CycleStart{*cycle, *program, *ts}};
  }
  if (*type == "cycle_end") {
    auto result = f.text("result");
    if (!result) return result.failure();
    const auto r = parse_device_result(*result);
    if (!r) return fail("result: \"" + *result + "\" is not pass, fail or aborted");
    return CanonicalEvent{CycleEnd{*cycle, EventTime::absolute(*ts), *r}};
  }
  auto phase = f.text("phase");
  if (!phase) return phase.failure();
  const auto p = parse_phase(*phase);
  if (!p) return fail("phase: \"" + *phase + "\" is not conditioning, heating, exposure, exhaust or drying");
  auto temp = f.number("temp_c");
  if (!temp) return temp.failure();
  auto pressure = f.optional_number("pressure_kpa");
  if (!pressure) return pressure.failure();
  return CanonicalEvent{SampleEvent{*cycle, EventTime::absolute(*ts), *p, *temp, *pressure}};
}

Error bad_cycle(std::string_view cycle) {
  return fail("cycle: \"" + std::string{cycle} + "\" must be 1-32 letters, digits, '.', '_' or '-'");
}

const EventTime* relative_time(const CanonicalEvent& e) {
  const EventTime* t = nullptr;
  if (const auto* m = std::get_if<SampleEvent>(&e)) t = &m->ts;
  if (const auto* c = std::get_if<CycleEnd>(&e)) t = &c->ts;
  if (const auto* f = std::get_if<Fault>(&e)) t = &f->ts;
  return t && t->since_start ? t : nullptr;
}

json time_json(const EventTime& t) {
  if (t.since_start) throw std::logic_error("to_json: event timed relative to its cycle");
  return format_rfc3339(t.at);
}

}  // namespace

std::string_view to_string(Phase p) { return kPhases[static_cast<int>(p)]; }

std::optional<Phase> parse_phase(std::string_view text) {
  for (int i = 0; i < 5; ++i)
    if (kPhases[i] == text) return static_cast<Phase>(i);
  return std::nullopt;
}

std::string_view to_string(DeviceResult r) { return kResults[static_cast<int>(r)]; }

std::optional<DeviceResult> parse_device_result(std::string_view text) {
  for (int i = 0; i < 3; ++i)
    if (kResults[i] == text) return static_cast<DeviceResult>(i);
  return std::nullopt;
}

std::string_view event_type(const CanonicalEvent& e) {
  static constexpr std::string_view names[] = {"cycle_start", "sample", "cycle_end", "fault", "heartbeat"};
  return names[e.index()];
}

bool valid_cycle_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<CanonicalEvent> validate(CanonicalEvent e) {
  if (auto* s = std::get_if<CycleStart>(&e)) {
    if (!valid_cycle_id(s->cycle)) return bad_cycle(s->cycle);
    if (s->program.empty() || s->program.size() > 64 || !printable(s->program))
      return fail("program: must be 1-64 printable characters (UTF-8)");
  } else if (auto* m = std::get_if<SampleEvent>(&e)) {
    if (!valid_cycle_id(m->cycle)) return bad_cycle(m->cycle);
    if (!std::isfinite(m->temp_c) || m->temp_c < kMinTempC || m->temp_c > kMaxTempC)
      return fail("temp_c: " + std::to_string(m->temp_c) + " is outside -50..300 °C");
    if (m->pressure_kpa && (!std::isfinite(*m->pressure_kpa) || *m->pressure_kpa < 0 ||
                            *m->pressure_kpa > kMaxPressureKpa))
      return fail("pressure_kpa: " + std::to_string(*m->pressure_kpa) + " is outside 0..1500 kPa (absolute)");
  } else if (auto* c = std::get_if<CycleEnd>(&e)) {
    if (!valid_cycle_id(c->cycle)) return bad_cycle(c->cycle);
  } else if (auto* f = std::get_if<Fault>(&e)) {
    if (f->cycle && !valid_cycle_id(*f->cycle)) return bad_cycle(*f->cycle);
    if (f->code.empty() || f->code.size() > 32 || !printable(f->code))
      return fail("code: must be 1-32 printable characters (UTF-8)");
    if (f->message.size() > 500 || !printable(f->message))
      return fail("message: must be at most 500 printable characters (UTF-8)");
  }
  if (const EventTime* t = relative_time(e); t && t->since_start->count() < 0)
    return fail("ts: negative time since the cycle start");
  return e;
}

Result<CanonicalEvent> parse_event(std::string_view text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return fail("payload: not valid JSON");
  auto e = from_json(j);
  if (!e) return e;
  return validate(std::move(*e));
}

std::string to_json(const CanonicalEvent& e) {
  json j;
  j["type"] = event_type(e);
  if (const auto* s = std::get_if<CycleStart>(&e)) {
    j["cycle"] = s->cycle;
    j["program"] = s->program;
    j["ts"] = format_rfc3339(s->ts);
  } else if (const auto* m = std::get_if<SampleEvent>(&e)) {
    j["cycle"] = m->cycle;
    j["phase"] = to_string(m->phase);
    j["temp_c"] = m->temp_c;
    if (m->pressure_kpa) j["pressure_kpa"] = *m->pressure_kpa;
    j["ts"] = time_json(m->ts);
  } else if (const auto* c = std::get_if<CycleEnd>(&e)) {
    j["cycle"] = c->cycle;
    j["result"] = to_string(c->result);
    j["ts"] = time_json(c->ts);
  } else if (const auto* f = std::get_if<Fault>(&e)) {
    if (f->cycle) j["cycle"] = *f->cycle;
    j["code"] = f->code;
    j["message"] = f->message;
    j["ts"] = time_json(f->ts);
  } else {
    j["ts"] = format_rfc3339(std::get<Heartbeat>(e).ts);
  }
  return j.dump();
}

}  // namespace steritrack::sterilization
