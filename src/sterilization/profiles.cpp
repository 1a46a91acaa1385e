#include "sterilization/profiles.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sterilization/builtin_devices.hpp"
#include "common/time.hpp"
#include "common/toml_reader.hpp"

namespace steritrack::sterilization {
namespace {

using Section = toml_reader::Section<ProfileError>;
using nlohmann::json;

constexpr double kStandardAtmosphereKpa = 101.325;
constexpr double kKpaPerPsi = 6.894757;
constexpr double kKpaPerInHg = 3.386389;
// Printout lines are a few dozen characters. std::regex matches
// recursively, about one stack frame per character, so a line of some tens
// of kilobytes (a gateway stuck in a loop, a hostile client) would overflow
// the daemon's stack: longer lines are refused before matching.
constexpr std::size_t kMaxLineLength = 1024;

const std::set<std::string> kFieldNames = {"type",     "cycle",    "program",       "ts",     "elapsed",
                                           "start_ts", "phase",    "sterilize",     "temp",   "pressure",
                                           "vacuum_marker", "result", "code",       "message", "sterilizer"};
const std::set<std::string> kEventTypes = {"cycle_start", "sample", "cycle_end", "fault", "heartbeat"};
const std::set<std::string> kTopicPlaceholders = {"prefix", "sterilizer", "cycle", "type"};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string{s.substr(b, e - b + 1)};
}

std::string upper(std::string s) {
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

// Vendor names are compared trimmed and case-insensitively.
std::string name_key(std::string_view s) { return upper(trim(s)); }

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto pos = s.find(sep, start);
    out.emplace_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

bool is_placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}
std::string placeholder_name(const std::string& segment) { return segment.substr(1, segment.size() - 2); }

bool valid_sterilizer_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::chrono::minutes> parse_offset(std::string_view text) {
  if (text == "Z" || text == "UTC") return std::chrono::minutes{0};
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (std::from_chars(text.data() + 1, text.data() + 3, h).ec != std::errc{} ||
      std::from_chars(text.data() + 4, text.data() + 6, m).ec != std::errc{} || h > 23 || m > 59)
    return std::nullopt;
  const std::chrono::minutes off{h * 60 + m};
  return text[0] == '-' ? -off : off;
}

// ---- reading a profile -------------------------------------------------

void read_units(Section& s, DeviceProfile& p) {
  if (auto t = s.text("temperature")) {
    const auto u = parse_temp_unit(*t);
    if (!u) s.error("temperature", "\"" + *t + "\" is not C, F or K");
    p.temp_unit = *u;
  }
  if (auto t = s.text("pressure")) {
    const auto u = parse_pressure_unit(*t);
    if (!u) s.error("pressure", "\"" + *t + "\" is not kPa, kPag, psia, psig, bar, barg, mbar or inHg_vacuum");
    p.pressure_unit = *u;
  }
  if (auto t = s.text("vacuum")) {
    const auto u = parse_pressure_unit(*t);
    if (!u) s.error("vacuum", "\"" + *t + "\" is not kPa, kPag, psia, psig, bar, barg, mbar or inHg_vacuum");
    p.vacuum_unit = *u;
  }
  p.vacuum_marker = s.text("vacuum_marker").value_or("");
  if (!p.vacuum_marker.empty() && !p.vacuum_unit) s.error("vacuum_marker", "needs units.vacuum");
  s.reject_unknown();
}

void read_names(Section& s, DeviceProfile& p, const std::string& what) {
  for (const auto& [key, names] : s.string_lists()) {
    if (what == "phases") {
      std::optional<Phase> phase;
      if (key != "ignore") {
        phase = parse_phase(key);
        if (!phase) s.error(key, "is not conditioning, heating, exposure, exhaust, drying or ignore");
      }
      for (const auto& n : names) p.phase_names[name_key(n)] = phase;
    } else if (what == "results") {
      const auto r = parse_device_result(key);
      if (!r) s.error(key, "is not pass, fail or aborted");
      for (const auto& n : names) p.result_names[name_key(n)] = *r;
    } else if (what == "types") {
      if (key != "ignore" && !kEventTypes.count(key))
        s.error(key, "is not cycle_start, sample, cycle_end, fault, heartbeat or ignore");
      for (const auto& n : names) p.type_names[name_key(n)] = key;
    } else {  // programs: vendor name = program name
      if (names.size() != 1) s.error(key, "must name one program");
      p.program_names[name_key(key)] = names.front();
    }
  }
}

void read_line_rule(Section& s, DeviceProfile& p) {
  LineRule r;
  r.type = s.required_text("type");
  if (r.type != "ignore" && !kEventTypes.count(r.type))
    s.error("type", "\"" + r.type + "\" is not cycle_start, sample, cycle_end, fault, heartbeat or ignore");
  r.pattern = s.required_text("pattern");
  try {
    r.regex = std::make_shared<const std::regex>(r.pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    s.error("pattern", std::string{"is not a valid regular expression: "} + e.what());
  }
  r.groups = s.texts("groups");
  if (r.groups.size() != r.regex->mark_count())
    s.error("groups", "names " + std::to_string(r.groups.size()) + " groups but the pattern has " +
                          std::to_string(r.regex->mark_count()));
  for (const auto& g : r.groups)
    if (!g.empty() && !kFieldNames.count(g)) s.error("groups", "\"" + g + "\" is not a field name (see docs/devices.md)");
  s.reject_unknown();
  p.lines.push_back(std::move(r));
}

void check_topic(Section& s, const std::string& topic, const DeviceProfile& p) {
  if (topic.empty() || topic.find_first_of("+#") != std::string::npos)
    s.error("topics", "\"" + topic + "\": a pattern uses {placeholders}, not MQTT wildcards");
  std::set<std::string> seen;
  for (const auto& seg : split(topic, '/')) {
    if (seg.empty()) s.error("topics", "\"" + topic + "\" has an empty level");
    if (seg.find_first_of("{}") == std::string::npos) continue;
    if (!is_placeholder(seg) || !kTopicPlaceholders.count(placeholder_name(seg)))
      s.error("topics", "\"" + topic + "\": a level is a text or one of {prefix}, {sterilizer}, {cycle}, {type}");
    if (!seen.insert(placeholder_name(seg)).second) s.error("topics", "\"" + topic + "\" repeats " + seg);
  }
  if (!seen.count("sterilizer") && !p.fields.count("sterilizer"))
    s.error("topics", "\"" + topic + "\" has no {sterilizer} level and fields.sterilizer is not set");
}

// ---- mapping a message ---------------------------------------------------

struct Value {
  enum class Kind { text, number, boolean } kind = Kind::text;
  std::string text;
  double number = 0;
  bool flag = false;
};
using Values = std::map<std::string, Value>;

Result<Value> json_value(const std::string& field, const json& j) {
  Value v;
  if (j.is_string()) {
    v.text = j.get<std::string>();
  } else if (j.is_number()) {
    v.kind = Value::Kind::number;
    v.number = j.get<double>();
  } else if (j.is_boolean()) {
    v.kind = Value::Kind::boolean;
    v.flag = j.get<bool>();
  } else {
    return fail(field + ": expected a value, not an object or array");
  }
  return v;
}

const json* find_path(const json& root, const std::string& path) {
  const json* cur = &root;
  for (const auto& part : split(path, '.')) {
    if (cur->is_object()) {
      const auto it = cur->find(part);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc{} || ptr != part.data() + part.size() || index >= cur->size()) return nullptr;
      cur = &(*cur)[index];
    } else {
      return nullptr;
    }
  }
  return cur->is_null() ? nullptr : cur;
}

std::string as_text(const Value& v) {
  switch (v.kind) {
    case Value::Kind::text: return trim(v.text);
    case Value::Kind::boolean: return v.flag ? "true" : "false";
    case Value::Kind::number: {
      if (std::nearbyint(v.number) == v.number && std::fabs(v.number) < 1e15)
        return std::to_string(static_cast<long long>(v.number));
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v.number);
      return buf;
    }
  }
  return {};
}

Result<double> as_number(const std::string& field, const Value& v) {
  if (v.kind == Value::Kind::number) return v.number;
  if (v.kind == Value::Kind::text) {
    const std::string t = trim(v.text);
    double d = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (!t.empty() && ec == std::errc{} && ptr == t.data() + t.size() && std::isfinite(d)) return d;
  }
  return fail(field + ": \"" + as_text(v) + "\" is not a number");
}

Result<bool> as_flag(const std::string& field, const Value& v) {
  if (v.kind == Value::Kind::boolean) return v.flag;
  if (v.kind == Value::Kind::number) return v.number != 0;
  const std::string t = name_key(v.text);
  if (t == "1" || t == "TRUE" || t == "YES" || t == "Y" || t == "ON") return true;
  if (t.empty() || t == "0" || t == "FALSE" || t == "NO" || t == "N" || t == "OFF") return false;
  return fail(field + ": \"" + v.text + "\" is not a yes/no flag");
}

Result<TimePoint> as_time(const std::string& field, const Value& v, std::chrono::minutes utc_offset) {
  if (v.kind == Value::Kind::number) {
    if (!std::isfinite(v.number) || v.number < 0 || v.number > 1e11) return fail(field + ": not a Unix time");
    return TimePoint{Duration{std::llround(v.number * 1000)}};
  }
  const std::string t = trim(v.text);
  if (auto parsed = parse_rfc3339(t)) return *parsed;
  // Device clocks print local time without a zone: "2026-11-27 07:30:00".
  if (t.size() >= 19 && (t[10] == ' ' || t[10] == 'T')) {
    std::string with_zone = t;
    with_zone[10] = 'T';
    if (auto parsed = parse_rfc3339(with_zone + "Z")) return *parsed - utc_offset;
  }
  return fail(field + ": \"" + t + "\" is not a date and time");
}

Result<Duration> as_elapsed(const std::string& field, const Value& v) {
  if (v.kind == Value::Kind::number) {
    if (!std::isfinite(v.number) || v.number < 0) return fail(field + ": not an elapsed time");
    return Duration{std::llround(v.number * 1000)};
  }
  const std::string t = trim(v.text);
  const auto parts = split(t, ':');
  if (parts.size() > 3) return fail(field + ": \"" + t + "\" is not H:MM:SS");
  double total = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    double n = 0;
    const auto& p = parts[i];
    const auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (p.empty() || ec != std::errc{} || ptr != p.data() + p.size() || n < 0 || (i > 0 && n >= 60))
      return fail(field + ": \"" + t + "\" is not H:MM:SS");
    total = total * 60 + n;
  }
  return Duration{std::llround(total * 1000)};
}

class Builder {
public:
  Builder(const DeviceProfile& p, const Values& values, TimePoint received)
      : p_(p), v_(values), received_(received) {}

  const Value* get(const std::string& field) const {
    const auto it = v_.find(field);
    return it == v_.end() ? nullptr : &it->second;
  }

  Result<std::string> cycle(bool required) const {
    const Value* v = get("cycle");
    if (!v) return required ? Result<std::string>(fail("cycle: missing")) : Result<std::string>(std::string{});
    std::string c = as_text(*v);
    if (p_.cycle_strip_zeros) {
      const auto nz = c.find_first_not_of('0');
      c = nz == std::string::npos ? (c.empty() ? c : "0") : c.substr(nz);
    }
    return c;
  }

  Result<EventTime> time(const std::string& type) const {
    if (const Value* v = get("ts")) {
      auto t = as_time("ts", *v, p_.utc_offset);
      if (!t) return t.failure();
      return EventTime::absolute(*t);
    }
    if (const Value* v = get("elapsed")) {
      auto d = as_elapsed("elapsed", *v);
      if (!d) return d.failure();
      return EventTime::elapsed(*d);
    }
    if (type == "heartbeat") return EventTime::absolute(received_);
    return fail("ts: missing");
  }

  Result<std::optional<Phase>> phase() const {
    if (const Value* f = get("sterilize")) {
      auto on = as_flag("sterilize", *f);
      if (!on) return on.failure();
      if (*on) return std::optional<Phase>{Phase::exposure};
    }
    const Value* v = get("phase");
    if (!v) return fail("phase: missing");
    const std::string name = as_text(*v);
    if (p_.phase_names.empty()) {
      if (auto ph = parse_phase(name)) return std::optional<Phase>{*ph};
    } else if (const auto it = p_.phase_names.find(name_key(name)); it != p_.phase_names.end()) {
      return it->second;
    }
    return fail("phase: \"" + name + "\" is not a phase of profile " + p_.name);
  }

  Result<CanonicalEvent> cycle_start(const std::string& ts_field) const {
    auto c = cycle(true);
    if (!c) return c.failure();
    const Value* prog = get("program");
    if (!prog) return fail("program: missing");
    std::string program = as_text(*prog);
    if (const auto it = p_.program_names.find(name_key(program)); it != p_.program_names.end()) program = it->second;
    const Value* t = get(ts_field);
    if (!t) return fail(ts_field + ": missing (a cycle start needs its date and time)");
    auto at = as_time(ts_field, *t, p_.utc_offset);
    if (!at) return at.failure();
    return CanonicalEvent{CycleStart{*c, program, *at}};
  }

  // A sample, or nothing for a phase the profile ignores.
  Result<std::optional<CanonicalEvent>> sample() const {
    auto ph = phase();
    if (!ph) return ph.failure();
    if (!*ph) return std::optional<CanonicalEvent>{};
    auto c = cycle(true);
    if (!c) return c.failure();
    auto t = time("sample");
    if (!t) return t.failure();
    const Value* tv = get("temp");
    if (!tv) return fail("temp: missing");
    auto temp = as_number("temp", *tv);
    if (!temp) return temp.failure();
    std::optional<double> kpa;
    if (const Value* pv = get("pressure")) {
      auto raw = as_number("pressure", *pv);
      if (!raw) return raw.failure();
      const Value* marker = get("vacuum_marker");
      const bool flagged = marker && !p_.vacuum_marker.empty() && name_key(as_text(*marker)) == name_key(p_.vacuum_marker);
      if (p_.vacuum_unit && (flagged || *raw < 0))
        kpa = to_kpa(std::fabs(*raw), *p_.vacuum_unit);
      else
        kpa = to_kpa(*raw, p_.pressure_unit);
    }
    return std::optional<CanonicalEvent>{
        CanonicalEvent{SampleEvent{*c, *t, **ph, to_celsius(*temp, p_.temp_unit), kpa}}};
  }

  Result<CanonicalEvent> cycle_end() const {
    auto c = cycle(true);
    if (!c) return c.failure();
    auto t = time("cycle_end");
    if (!t) return t.failure();
    const Value* r = get("result");
    if (!r) return fail("result: missing");
    const std::string name = as_text(*r);
    std::optional<DeviceResult> result;
    if (p_.result_names.empty())
      result = parse_device_result(name);
    else if (const auto it = p_.result_names.find(name_key(name)); it != p_.result_names.end())
      result = it->second;
    if (!result) return fail("result: \"" + name + "\" is not a result of profile " + p_.name);
    return CanonicalEvent{CycleEnd{*c, *t, *result}};
  }

  Result<CanonicalEvent> fault() const {
    auto c = cycle(false);
    if (!c) return c.failure();
    auto t = time("fault");
    if (!t) return t.failure();
    const Value* code = get("code");
    if (!code) return fail("code: missing");
    const Value* message = get("message");
    Fault f{c->empty() ? std::nullopt : std::optional<std::string>{*c}, *t, as_text(*code),
            message ? as_text(*message) : std::string{}};
    return CanonicalEvent{std::move(f)};
  }

  Result<CanonicalEvent> heartbeat() const {
    auto t = time("heartbeat");
    if (!t) return t.failure();
    if (t->since_start) return fail("ts: a heartbeat needs a date and time");
    return CanonicalEvent{Heartbeat{t->at}};
  }

  Result<std::vector<CanonicalEvent>> build(const std::string& type) const {
    std::vector<CanonicalEvent> out;
    auto add = [&](Result<CanonicalEvent> e) -> std::optional<Error> {
      if (!e) return Error{e.error()};
      auto valid = validate(std::move(*e));
      if (!valid) return Error{valid.error()};
      out.push_back(std::move(*valid));
      return std::nullopt;
    };
    std::optional<Error> err;
    if (type == "cycle_start") {
      err = add(cycle_start("ts"));
    } else if (type == "sample") {
      auto s = sample();
      if (!s) return s.failure();
      if (*s) err = add(std::move(**s));
    } else if (type == "cycle_end") {
      err = add(cycle_end());
    } else if (type == "fault") {
      err = add(fault());
    } else if (type == "heartbeat") {
      err = add(heartbeat());
    }
    if (err) return *err;
    return out;
  }

  // A periodic record: the cycle's start (repeated in every record; the
  // recorder ignores the repeats), the sample, and the end once a result
  // shows; an idle record is a heartbeat.
  Result<std::vector<CanonicalEvent>> build_record() const {
    std::vector<CanonicalEvent> out;
    if (get("start_ts")) {
      auto e = build_one(cycle_start("start_ts"));
      if (!e) return e.failure();
      out.push_back(std::move(*e));
    }
    auto s = sample();
    if (!s) return s.failure();
    if (*s) {
      auto e = build_one(std::move(**s));
      if (!e) return e.failure();
      out.push_back(std::move(*e));
    }
    if (const Value* r = get("result"); r && !as_text(*r).empty()) {
      auto e = build_one(cycle_end());
      if (!e) return e.failure();
      out.push_back(std::move(*e));
    }
    // A record between cycles (an idle sterilizer) still says it is alive.
    if (out.empty()) {
      auto e = build_one(heartbeat());
      if (!e) return e.failure();
      out.push_back(std::move(*e));
    }
    return out;
  }

private:
  static Result<CanonicalEvent> build_one(Result<CanonicalEvent> e) {
    if (!e) return e;
    return validate(std::move(*e));
  }

  const DeviceProfile& p_;
  const Values& v_;
  TimePoint received_;
};

}  // namespace

std::optional<TempUnit> parse_temp_unit(std::string_view text) {
  if (text == "C") return TempUnit::celsius;
  if (text == "F") return TempUnit::fahrenheit;
  if (text == "K") return TempUnit::kelvin;
  return std::nullopt;
}

std::optional<PressureUnit> parse_pressure_unit(std::string_view text) {
  static const std::map<std::string_view, PressureUnit> units = {
      {"kPa", PressureUnit::kpa},   {"kPag", PressureUnit::kpa_gauge}, {"psia", PressureUnit::psia},
      {"psig", PressureUnit::psig}, {"bar", PressureUnit::bar},        {"barg", PressureUnit::bar_gauge},
      {"mbar", PressureUnit::mbar}, {"inHg_vacuum", PressureUnit::inhg_vacuum}};
  const auto it = units.find(text);
  return it == units.end() ? std::nullopt : std::optional<PressureUnit>{it->second};
}

double to_celsius(double value, TempUnit unit) {
  switch (unit) {
    case TempUnit::celsius: return value;
    case TempUnit::fahrenheit: return (value - 32.0) * 5.0 / 9.0;
    case TempUnit::kelvin: return value - 273.15;
  }
  return value;
}

double to_kpa(double value, PressureUnit unit) {
  double kpa = value;
  switch (unit) {
    case PressureUnit::kpa: break;
    case PressureUnit::kpa_gauge: kpa = value + kStandardAtmosphereKpa; break;
    case PressureUnit::psia: kpa = value * kKpaPerPsi; break;
    case PressureUnit::psig: kpa = value * kKpaPerPsi + kStandardAtmosphereKpa; break;
    case PressureUnit::bar: kpa = value * 100.0; break;
    case PressureUnit::bar_gauge: kpa = value * 100.0 + kStandardAtmosphereKpa; break;
    case PressureUnit::mbar: kpa = value / 10.0; break;
    case PressureUnit::inhg_vacuum: kpa = kStandardAtmosphereKpa - value * kKpaPerInHg; break;
  }
  return std::max(kpa, 0.0);
}

DeviceProfile parse_profile(std::string_view toml_text, const std::string& source) {
  const toml::table doc = toml_reader::parse<ProfileError>(toml_text, source);
  Section top(doc, "", source);
  DeviceProfile p;
  p.name = top.required_text("name");
  if (!valid_sterilizer_id(p.name)) top.error("name", "use letters, digits, '-', '_' or '.'");
  p.description = top.text("description").value_or("");
  const std::string format = top.text("format").value_or("json");
  if (format == "json")
    p.format = PayloadFormat::json;
  else if (format == "line")
    p.format = PayloadFormat::line;
  else
    top.error("format", "\"" + format + "\" is not json or line");
  p.max_sample_interval_s = top.number("max_sample_interval_s", 1, 3600);
  if (auto off = top.text("utc_offset")) {
    const auto parsed = parse_offset(*off);
    if (!parsed) top.error("utc_offset", "\"" + *off + "\" is not like +01:00, -05:00 or Z");
    p.utc_offset = *parsed;
  }
  p.records = top.boolean("records").value_or(false);
  p.cycle_strip_zeros = top.boolean("cycle_strip_zeros").value_or(false);

  if (const toml::table* t = top.table("fields")) {
    Section s(*t, "fields", source);
    for (const auto& [field, paths] : s.string_lists()) {
      if (!kFieldNames.count(field)) s.error(field, "is not a field name (see docs/devices.md)");
      if (paths.size() != 1 || paths.front().empty()) s.error(field, "must be one JSON path");
      p.fields[field] = paths.front();
    }
  }
  int i = 0;
  for (const toml::table* t : top.tables("line")) {
    Section s(*t, "line[" + std::to_string(i++) + "]", source);
    read_line_rule(s, p);
  }
  if (p.format == PayloadFormat::json && p.fields.empty()) top.error("fields", "a json profile needs [fields]");
  if (p.format == PayloadFormat::json && !p.lines.empty()) top.error("line", "[[line]] is for line profiles");
  if (p.format == PayloadFormat::line && p.lines.empty()) top.error("line", "a line profile needs [[line]] rules");
  if (p.format == PayloadFormat::line && !p.fields.empty()) top.error("fields", "[fields] is for json profiles");

  if (const toml::table* t = top.table("units")) {
    Section s(*t, "units", source);
    read_units(s, p);
  }
  for (const char* what : {"phases", "results", "types", "programs"}) {
    if (const toml::table* t = top.table(what)) {
      Section s(*t, what, source);
      read_names(s, p, what);
    }
  }
  p.topics = top.texts("topics");
  if (p.topics.empty()) top.error("topics", "is required");
  bool topic_type = false;
  for (const auto& topic : p.topics) {
    check_topic(top, topic, p);
    topic_type = topic_type || topic.find("{type}") != std::string::npos;
  }
  if (p.records && !p.fields.count("phase") && !p.fields.count("sterilize") && p.format == PayloadFormat::json)
    top.error("records", "a record profile needs fields.phase or fields.sterilize");
  if (!p.records && p.format == PayloadFormat::json && !p.fields.count("type") && !topic_type)
    top.error("fields", "needs a type field (or a {type} topic level, or records = true)");
  top.reject_unknown();
  return p;
}

DeviceProfile load_profile(const std::string& dir, const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / (name + ".toml")).string();
  std::ifstream in(path);
  if (!in) throw ProfileError(path + ": cannot read the device profile \"" + name + "\"");
  std::stringstream buf;
  buf << in.rdbuf();
  DeviceProfile p = parse_profile(buf.str(), path);
  if (p.name != name) throw ProfileError(path + ": name: \"" + p.name + "\" does not match the file name");
  return p;
}

DeviceProfile find_profile(const std::string& dir, const std::string& name) {
  const std::string path = (std::filesystem::path(dir) / (name + ".toml")).string();
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return load_profile(dir, name);
  const auto builtin = builtin_profile_toml(name);
  if (!builtin)
    throw ProfileError(path + ": cannot read the device profile \"" + name +
                       "\" (and no built-in profile has that name)");
  return parse_profile(*builtin, "built-in profile " + name);
}

ProfileMapper::ProfileMapper(std::shared_ptr<const DeviceProfile> profile, std::string topic_prefix)
    : profile_(std::move(profile)) {
  for (const auto& pattern : profile_->topics) {
    std::vector<std::string> segments;
    for (auto& seg : split(pattern, '/')) {
      if (seg == "{prefix}") {
        for (auto& part : split(topic_prefix, '/')) segments.push_back(part);
      } else {
        segments.push_back(seg);
      }
    }
    patterns_.push_back(std::move(segments));
  }
}

std::vector<std::string> ProfileMapper::subscriptions() const {
  std::vector<std::string> out;
  for (const auto& segments : patterns_) {
    std::string filter;
    for (const auto& seg : segments) {
      if (!filter.empty()) filter += '/';
      filter += is_placeholder(seg) ? "+" : seg;
    }
    out.push_back(std::move(filter));
  }
  return out;
}

std::optional<TopicMatch> ProfileMapper::match(std::string_view topic) const {
  const auto levels = split(topic, '/');
  for (const auto& segments : patterns_) {
    if (segments.size() != levels.size()) continue;
    TopicMatch m;
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i) {
      if (!is_placeholder(segments[i])) {
        ok = segments[i] == levels[i];
        continue;
      }
      if (levels[i].empty()) {
        ok = false;
        continue;
      }
      const std::string name = placeholder_name(segments[i]);
      if (name == "sterilizer") m.sterilizer = levels[i];
      if (name == "cycle") m.cycle = levels[i];
      if (name == "type") m.type = levels[i];
    }
    if (ok) return m;
  }
  return std::nullopt;
}

Result<MappedMessage> ProfileMapper::map(std::string_view topic, std::string_view payload,
                                         TimePoint received) const {
  const DeviceProfile& p = *profile_;
  const auto tm = match(topic);
  if (!tm) return fail("topic does not match profile " + p.name);

  Values values;
  std::optional<std::string> line_type;
  if (p.format == PayloadFormat::json) {
    const json doc = json::parse(payload, nullptr, false);
    if (doc.is_discarded()) return fail("payload: not valid JSON");
    if (!doc.is_object()) return fail("payload: must be a JSON object");
    for (const auto& [field, path] : p.fields) {
      const json* j = find_path(doc, path);
      if (!j) continue;
      auto v = json_value(field, *j);
      if (!v) return v.failure();
      values[field] = std::move(*v);
    }
  } else {
    const std::string line = trim(payload);
    if (line.size() > kMaxLineLength)
      return fail("payload: a line of " + std::to_string(line.size()) + " characters; printout lines are at most " +
                  std::to_string(kMaxLineLength));
    const LineRule* rule = nullptr;
    std::smatch m;
    for (const LineRule& r : p.lines) {
      if (std::regex_match(line, m, *r.regex)) {
        rule = &r;
        break;
      }
    }
    if (!rule) return fail("payload: no line pattern of profile " + p.name + " matches \"" + line + "\"");
    if (rule->type == "ignore") return MappedMessage{tm->sterilizer.value_or(""), {}};
    line_type = rule->type;
    for (std::size_t g = 0; g < rule->groups.size(); ++g) {
      if (rule->groups[g].empty() || !m[g + 1].matched || m[g + 1].length() == 0) continue;
      values[rule->groups[g]] = Value{Value::Kind::text, m[g + 1].str(), 0, false};
    }
  }
  // The payload's own values win over what the topic says.
  if (tm->cycle && !values.count("cycle")) values["cycle"] = Value{Value::Kind::text, *tm->cycle, 0, false};
  if (tm->type && !values.count("type")) values["type"] = Value{Value::Kind::text, *tm->type, 0, false};

  MappedMessage out;
  if (tm->sterilizer)
    out.sterilizer = *tm->sterilizer;
  else if (const auto it = values.find("sterilizer"); it != values.end())
    out.sterilizer = as_text(it->second);
  if (!valid_sterilizer_id(out.sterilizer)) return fail("sterilizer: \"" + out.sterilizer + "\" is not a sterilizer id");

  const Builder b(p, values, received);
  Result<std::vector<CanonicalEvent>> events = std::vector<CanonicalEvent>{};
  if (line_type) {
    events = b.build(*line_type);
  } else if (p.records) {
    events = b.build_record();
  } else {
    const auto it = values.find("type");
    if (it == values.end()) return fail("type: missing");
    const std::string vendor = as_text(it->second);
    std::string type;
    if (p.type_names.empty()) {
      if (kEventTypes.count(vendor)) type = vendor;
    } else if (const auto t = p.type_names.find(name_key(vendor)); t != p.type_names.end()) {
      type = t->second;
    }
    if (type.empty()) return fail("type: \"" + vendor + "\" is not an event type of profile " + p.name);
    if (type == "ignore") return out;
    events = b.build(type);
  }
  if (!events) return events.failure();
  out.events = std::move(*events);
  return out;
}

ProfileRouter::ProfileRouter(const std::vector<DeviceProfile>& profiles,
                             std::map<std::string, std::string> sterilizer_profiles, std::string topic_prefix)
    : sterilizer_profiles_(std::move(sterilizer_profiles)) {
  std::set<std::string> used;
  for (const auto& [id, name] : sterilizer_profiles_) used.insert(name);
  for (const std::string& name : used) {
    const auto it = std::find_if(profiles.begin(), profiles.end(), [&](const DeviceProfile& p) { return p.name == name; });
    if (it == profiles.end()) throw ProfileError("no device profile named \"" + name + "\" was loaded");
    mappers_.emplace_back(std::make_shared<const DeviceProfile>(*it), topic_prefix);
  }
}

std::vector<std::string> ProfileRouter::subscriptions() const {
  std::vector<std::string> out;
  for (const auto& m : mappers_)
    for (auto& f : m.subscriptions())
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(std::move(f));
  return out;
}

Result<MappedMessage> ProfileRouter::map(std::string_view topic, std::string_view payload,
                                         TimePoint received) const {
  std::optional<Error> first_error;
  for (const ProfileMapper& m : mappers_) {
    const auto tm = m.match(topic);
    if (!tm) continue;
    // A topic naming a sterilizer decides the profile before the payload is read.
    if (tm->sterilizer) {
      const auto it = sterilizer_profiles_.find(*tm->sterilizer);
      if (it == sterilizer_profiles_.end()) {
        if (!first_error) first_error = fail("unknown sterilizer \"" + *tm->sterilizer + "\"");
        continue;
      }
      if (it->second != m.profile().name) {
        if (!first_error)
          first_error = fail("sterilizer " + *tm->sterilizer + " uses profile " + it->second + ", not " +
                             m.profile().name);
        continue;
      }
    }
    auto mapped = m.map(topic, payload, received);
    if (!mapped) return mapped;
    const auto it = sterilizer_profiles_.find(mapped->sterilizer);
    if (it == sterilizer_profiles_.end()) return fail("unknown sterilizer \"" + mapped->sterilizer + "\"");
    if (it->second != m.profile().name) {
      if (!first_error)
        first_error = fail("sterilizer " + mapped->sterilizer + " uses profile " + it->second + ", not " +
                           m.profile().name);
      continue;
    }
    return mapped;
  }
  if (first_error) return *first_error;
  return fail("no device profile maps this topic");
}

std::optional<double> ProfileRouter::max_sample_interval_s(const std::string& sterilizer) const {
  const auto it = sterilizer_profiles_.find(sterilizer);
  if (it == sterilizer_profiles_.end()) return std::nullopt;
  for (const auto& m : mappers_)
    if (m.profile().name == it->second) return m.profile().max_sample_interval_s;
  return std::nullopt;
}

}  // namespace steritrack::sterilization
