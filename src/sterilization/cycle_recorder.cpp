#include "sterilization/cycle_recorder.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "alerts/alerts.hpp"
#include "common/time.hpp"
#include "common/time_zone.hpp"
#include "report/chain.hpp"
#include "sterilization/samples.hpp"
#include "sterilization/verification.hpp"

namespace steritrack::sterilization {

namespace {

constexpr std::string_view kRowColumns =
    "id, sterilizer, cycle, program, program_kind, required_temp_c, required_exposure_s, tolerance_c, max_gap_s,"
    " max_leak_rate_kpa_min, start, end, device_result, verified, sample_count, length(samples)";

// Cycle times are stored to the second: fixed-width text that sorts in time order.
std::string stored_time(TimePoint t) {
  return format_rfc3339(std::chrono::time_point_cast<Duration>(std::chrono::floor<std::chrono::seconds>(t)));
}

struct CycleRow {
  std::int64_t id = 0;
  std::string sterilizer;
  std::string cycle;
  std::string program;
  Requirements req;
  std::string start;
  TimePoint start_at{};
  std::optional<std::string> end;
  std::optional<DeviceResult> device_result;
  std::optional<Verdict> verified;
  std::int64_t sample_count = 0;
  std::int64_t blob_size = 0;

  std::string subject() const { return sterilizer + "/" + cycle; }
};

CycleRow read_row(const store::Statement& s) {
  CycleRow r;
  r.id = s.get_int(0);
  r.sterilizer = s.get_text(1);
  r.cycle = s.get_text(2);
  r.program = s.get_text(3);
  r.req.kind = parse_program_kind(s.get_text(4)).value_or(ProgramKind::load);
  r.req.temp_c = s.get_double(5);
  r.req.exposure_s = s.get_double(6);
  r.req.tolerance_c = s.get_double(7);
  r.req.max_gap_s = s.get_double(8);
  r.req.max_leak_rate_kpa_min = s.get_opt_double(9);
  r.start = s.get_text(10);
  r.start_at = parse_rfc3339(r.start).value_or(TimePoint{});
  r.end = s.get_opt_text(11);
  if (auto d = s.get_opt_text(12)) r.device_result = parse_device_result(*d);
  if (auto v = s.get_opt_text(13)) r.verified = parse_verdict(*v);
  r.sample_count = s.get_int(14);
  r.blob_size = s.get_opt_int(15).value_or(0);
  return r;
}

std::optional<CycleRow> find_cycle(store::Connection& db, const std::string& sterilizer, const std::string& cycle) {
  static const std::string sql =
      "SELECT " + std::string{kRowColumns} + " FROM cycles WHERE sterilizer = ? AND cycle = ?";
  auto& s = db.query(sql, sterilizer, cycle);
  std::optional<CycleRow> out;
  if (s.step()) out = read_row(s);
  s.reset();
  return out;
}

std::optional<CycleRow> find_cycle(store::Connection& db, std::int64_t id) {
  static const std::string sql = "SELECT " + std::string{kRowColumns} + " FROM cycles WHERE id = ?";
  auto& s = db.query(sql, id);
  std::optional<CycleRow> out;
  if (s.step()) out = read_row(s);
  s.reset();
  return out;
}

// The newest cycle of the sterilizer still waiting for its verdict.
std::optional<CycleRow> open_cycle(store::Connection& db, const std::string& sterilizer) {
  const auto id = db.query_int(
      "SELECT id FROM cycles WHERE sterilizer = ? AND verified IS NULL ORDER BY start DESC, id DESC LIMIT 1",
      sterilizer);
  if (!id) return std::nullopt;
  return find_cycle(db, *id);
}

std::vector<Sample> stored_samples(store::Connection& db, std::int64_t cycle_row, const std::string& subject) {
  auto& s = db.query("SELECT samples FROM cycles WHERE id = ?", cycle_row);
  store::Blob blob;
  if (s.step() && !s.is_null(0)) blob = s.get_blob(0);
  s.reset();
  if (blob.empty()) return {};
  auto decoded = decode_samples(blob);
  // The blob is written only by this recorder; damage means the database
  // was edited behind our back, which verify reports. Refuse to build on it.
  if (!decoded) throw std::runtime_error("cycle " + subject + ": " + decoded.error());
  return std::move(*decoded);
}

HandleResult applied() { return {Outcome::applied, {}, {}}; }
HandleResult duplicate() { return {Outcome::duplicate, {}, {}}; }
HandleResult refused(std::string reason) { return {Outcome::refused, std::move(reason), {}}; }

std::string reasons_json(const std::vector<std::string>& reasons) { return nlohmann::json(reasons).dump(); }

// The record keeps the reasons' times in UTC; the alert people read shows
// them in the clinic's zone.
std::string first_reason(const Verification& v, const Policy& policy) {
  return v.reasons.empty() ? std::string{} : ": " + localize_times(v.reasons.front(), clinic_zone(policy.timezone));
}

}  // namespace

struct CycleRecorder::LiveCycle {
  std::int64_t sample_count = 0;
  std::int64_t blob_size = 0;
  std::vector<Sample> samples;
  SampleEncoder encoder;
  SummaryBuilder summary;

  LiveCycle(const Requirements& req, std::vector<Sample> all) : samples(std::move(all)), summary(req) {
    for (const Sample& s : samples) {
      encoder.append(s);
      summary.add(s);
    }
  }
};

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::applied: return "applied";
    case Outcome::duplicate: return "duplicate";
    case Outcome::refused: return "refused";
  }
  return "refused";
}

CycleRecorder::CycleRecorder(ProgramCatalog programs, Policy policy, CycleListener* listener)
    : programs_(std::move(programs)), policy_(std::move(policy)), listener_(listener) {}

CycleRecorder::~CycleRecorder() = default;
CycleRecorder::CycleRecorder(CycleRecorder&&) noexcept = default;
CycleRecorder& CycleRecorder::operator=(CycleRecorder&&) noexcept = default;

void CycleRecorder::set_max_sample_interval(const std::string& sterilizer, double seconds) {
  max_gap_s_[sterilizer] = seconds;
}

HandleResult CycleRecorder::handle(store::Connection& db, const std::string& sterilizer, const CanonicalEvent& event,
                                   TimePoint now) {
  if (!db.query_int("SELECT 1 FROM sterilizers WHERE id = ?", sterilizer))
    return refused("unknown sterilizer \"" + sterilizer + "\"");
  // Every event, even one refused below, shows the device is alive.
  db.execute("UPDATE sterilizers SET last_heard_at = ? WHERE id = ?", format_rfc3339(now), sterilizer);
  alerts::resolve(db, "device_silent", sterilizer, now);

  auto valid = validate(event);
  if (!valid) return refused(valid.error());
  verdicts_.clear();
  HandleResult r = applied();  // a heartbeat: last_heard_at is all it says
  if (const auto* e = std::get_if<CycleStart>(&event)) r = start(db, sterilizer, *e, now);
  if (const auto* e = std::get_if<SampleEvent>(&event)) r = sample(db, sterilizer, *e, now);
  if (const auto* e = std::get_if<CycleEnd>(&event)) r = end(db, sterilizer, *e, now);
  if (const auto* e = std::get_if<Fault>(&event)) r = fault(db, sterilizer, *e, now);
  r.verdicts = std::move(verdicts_);
  verdicts_.clear();
  return r;
}

HandleResult CycleRecorder::start(store::Connection& db, const std::string& sterilizer, const CycleStart& e,
                                  TimePoint now) {
  const std::string ts = stored_time(e.ts);
  if (const auto existing = find_cycle(db, sterilizer, e.cycle)) {
    if (existing->start == ts) return duplicate();
    return refused("cycle " + existing->subject() + " already started at " + existing->start);
  }
  const Program* program = programs_.find(e.program);
  if (!program) return refused("unknown program \"" + e.program + "\" for cycle " + sterilizer + "/" + e.cycle);

  // A new cycle while an earlier one is open: the sterilizer moved on and
  // that cycle_end is not coming (a late one would still be applied).
  for (;;) {
    const auto previous = open_cycle(db, sterilizer);
    if (!previous || previous->start > ts) break;
    close(db, previous->id, now);
  }

  const auto gap = max_gap_s_.find(sterilizer);
  db.execute(
      "INSERT INTO cycles (sterilizer, cycle, program, program_kind, required_temp_c, required_exposure_s,"
      " tolerance_c, max_gap_s, max_leak_rate_kpa_min, start, sample_count, samples, exposure_s, f0_min,"
      " last_event_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, 0, ?)",
      sterilizer, e.cycle, program->name, to_string(program->kind), program->temp_c, program->exposure_s,
      program->tolerance_c.value_or(policy_.temp_tolerance_c),
      gap != max_gap_s_.end() ? gap->second : static_cast<double>(policy_.max_sample_gap_s),
      program->max_leak_rate_kpa_min, ts, encode_samples({}), format_rfc3339(now));
  const std::int64_t row = db.last_insert_id();
  if (listener_) listener_->cycle_started(db, row, now);
  report::chain_record(db, "cycle", sterilizer + "/" + e.cycle, now);
  return applied();
}

CycleRecorder::LiveCycle& CycleRecorder::live(store::Connection& db, std::int64_t cycle_row,
                                               const std::string& subject, std::int64_t sample_count,
                                               std::int64_t blob_size, const Requirements& req) {
  auto it = live_.find(cycle_row);
  if (it != live_.end() && it->second->sample_count == sample_count && it->second->blob_size == blob_size)
    return *it->second;
  // Few cycles are open at once; a stale entry is dropped at its next use.
  if (live_.size() >= 64) live_.clear();
  auto entry = std::make_unique<LiveCycle>(req, stored_samples(db, cycle_row, subject));
  entry->sample_count = sample_count;
  entry->blob_size = blob_size;
  auto& slot = live_[cycle_row];
  slot = std::move(entry);
  return *slot;
}

HandleResult CycleRecorder::sample(store::Connection& db, const std::string& sterilizer, const SampleEvent& e,
                                   TimePoint now) {
  const auto row = find_cycle(db, sterilizer, e.cycle);
  if (!row) return refused("sample for unknown cycle " + sterilizer + "/" + e.cycle);
  const TimePoint at = e.ts.since_start ? row->start_at + *e.ts.since_start : e.ts.at;
  const Sample s = make_sample(at, e.phase, e.temp_c, e.pressure_kpa);
  try {
    LiveCycle& lc = live(db, row->id, row->subject(), row->sample_count, row->blob_size, row->req);
    const auto pos = std::lower_bound(lc.samples.begin(), lc.samples.end(), s.ts,
                                      [](const Sample& a, TimePoint t) { return a.ts < t; });
    if (pos != lc.samples.end() && pos->ts == s.ts) return duplicate();
    // A redelivered sample of an ended cycle is a duplicate (above); a new one is refused.
    if (row->end) return refused("sample for cycle " + row->subject() + ", which ended at " + *row->end);
    if (pos == lc.samples.end()) {
      lc.samples.push_back(s);
      lc.encoder.append(s);
      lc.summary.add(s);
    } else {
      // Out of order: everything after it is coded against it.
      lc.samples.insert(pos, s);
      lc = LiveCycle(row->req, std::move(lc.samples));
    }
    const Summary sum = lc.summary.summary();
    const SampleBlob& blob = lc.encoder.blob();
    db.execute(
        "UPDATE cycles SET samples = ?, sample_count = ?, exposure_s = ?, min_temp_c = ?, max_temp_c = ?,"
        " f0_min = ?, last_event_at = ? WHERE id = ?",
        blob, sum.sample_count, sum.exposure_s, sum.min_temp_c, sum.max_temp_c, sum.f0_min, format_rfc3339(now),
        row->id);
    lc.sample_count = sum.sample_count;
    lc.blob_size = static_cast<std::int64_t>(blob.size());
    // A late sample of a cycle already closed for a missing cycle_end
    // completes its record: verify it again.
    if (row->verified) close(db, row->id, now);
  } catch (...) {
    live_.erase(row->id);
    throw;
  }
  return applied();
}

HandleResult CycleRecorder::end(store::Connection& db, const std::string& sterilizer, const CycleEnd& e,
                                TimePoint now) {
  const auto row = find_cycle(db, sterilizer, e.cycle);
  if (!row) return refused("cycle_end for unknown cycle " + sterilizer + "/" + e.cycle);
  const std::string ts = stored_time(e.ts.since_start ? row->start_at + *e.ts.since_start : e.ts.at);
  if (row->end) {
    if (*row->end == ts && row->device_result == e.result) return duplicate();
    return refused("cycle " + row->subject() + " already ended at " + *row->end);
  }
  db.execute("UPDATE cycles SET end = ?, device_result = ?, last_event_at = ? WHERE id = ?", ts,
             to_string(e.result), format_rfc3339(now), row->id);
  close(db, row->id, now);
  return applied();
}

HandleResult CycleRecorder::fault(store::Connection& db, const std::string& sterilizer, const Fault& e,
                                  TimePoint now) {
  std::optional<CycleRow> row;
  if (e.cycle) {
    row = find_cycle(db, sterilizer, *e.cycle);
  } else {
    row = open_cycle(db, sterilizer);
  }
  TimePoint at = e.ts.at;
  if (e.ts.since_start) {
    if (!row) return refused("fault timed from the start of an unknown cycle");
    at = row->start_at + *e.ts.since_start;
  }
  const std::string cycle = e.cycle ? *e.cycle : (row ? row->cycle : std::string{});
  db.execute(
      "INSERT OR IGNORE INTO sterilizer_faults (sterilizer, cycle, ts, code, message, received_at)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      sterilizer, cycle, format_rfc3339(at), e.code, e.message, format_rfc3339(now));
  return db.changes() == 0 ? duplicate() : applied();
}

void CycleRecorder::close(store::Connection& db, std::int64_t cycle_row, TimePoint now) {
  const auto row = find_cycle(db, cycle_row);
  if (!row) throw std::logic_error("close: no cycle row " + std::to_string(cycle_row));
  const auto cached = live_.find(cycle_row);
  const Verification v =
      cached != live_.end() && cached->second->sample_count == row->sample_count &&
              cached->second->blob_size == row->blob_size
          ? verify(row->req, cached->second->samples, row->end ? row->device_result : std::nullopt)
          : verify(row->req, stored_samples(db, cycle_row, row->subject()), row->end ? row->device_result : std::nullopt);
  live_.erase(cycle_row);
  db.execute(
      "UPDATE cycles SET verified = ?, reasons = ?, sample_count = ?, exposure_s = ?, min_temp_c = ?,"
      " max_temp_c = ?, f0_min = ? WHERE id = ?",
      to_string(v.verdict), reasons_json(v.reasons), v.summary.sample_count, v.summary.exposure_s,
      v.summary.min_temp_c, v.summary.max_temp_c, v.summary.f0_min, row->id);

  const std::string subject = row->subject();
  const std::string what = "cycle " + subject + " (" + row->program + ")";
  alerts::set(db, v.verdict == Verdict::fail && row->req.kind == ProgramKind::load, "cycle_failed", subject,
              alerts::Severity::critical, what + " failed verification" + first_reason(v, policy_), now);
  alerts::set(db, v.parameter_mismatch, "parameter_mismatch", subject, alerts::Severity::critical,
              what + ": the sterilizer reported pass, its samples do not show it" + first_reason(v, policy_), now);
  alerts::set(db, v.record_incomplete, "record_incomplete", subject, alerts::Severity::warning,
              what + ": the record is incomplete" + first_reason(v, policy_), now);

  // The workflow acts on a verdict once, and again only if it changes (a
  // late cycle_end after a timeout).
  if (listener_ && row->verified != v.verdict) listener_->cycle_verified(db, row->id, now);
  report::chain_record(db, "cycle", subject, now);
  verdicts_.push_back({subject, v.verdict});
}

TimeoutReport CycleRecorder::check_timeouts(store::Connection& db, TimePoint now, const Policy& policy) {
  TimeoutReport report;
  const auto deadline = now - std::chrono::minutes{policy.cycle_end_timeout_min};
  std::vector<std::int64_t> overdue;
  {
    auto& s = db.query("SELECT id, start FROM cycles WHERE verified IS NULL");
    while (s.step()) {
      const auto start = parse_rfc3339(s.get_text(1));
      if (!start || *start <= deadline) overdue.push_back(s.get_int(0));
    }
  }
  verdicts_.clear();
  for (const std::int64_t id : overdue) close(db, id, now);
  for (auto& v : verdicts_) report.timed_out.push_back(v.cycle);
  report.verdicts = std::move(verdicts_);
  verdicts_.clear();

  const auto silent_since = now - std::chrono::minutes{policy.device_silent_min};
  struct Heard {
    std::string id;
    std::optional<std::string> last;
    bool open;
  };
  std::vector<Heard> sterilizers;
  {
    auto& s = db.query(
        "SELECT s.id, s.last_heard_at,"
        " EXISTS (SELECT 1 FROM cycles c WHERE c.sterilizer = s.id AND c.verified IS NULL) FROM sterilizers s");
    while (s.step()) sterilizers.push_back({s.get_text(0), s.get_opt_text(1), s.get_int(2) != 0});
  }
  for (const Heard& h : sterilizers) {
    const auto last = h.last ? parse_rfc3339(*h.last) : std::nullopt;
    const bool silent = h.open && (!last || *last <= silent_since);
    if (!silent) {
      alerts::resolve(db, "device_silent", h.id, now);
      continue;
    }
    // Raised once; the timer does not refresh it every tick.
    if (alerts::is_unresolved(db, "device_silent", h.id)) continue;
    alerts::raise(db, "device_silent", h.id, alerts::Severity::warning,
                  "sterilizer " + h.id + " has sent nothing since " +
                      (last ? format_local_time(*last, clinic_zone(policy.timezone)) : "it was added") +
                      " while a cycle is open",
                  now);
    report.silent.push_back(h.id);
  }
  return report;
}

}  // namespace steritrack::sterilization
