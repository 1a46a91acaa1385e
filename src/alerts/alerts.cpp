#include "alerts/alerts.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "report/chain.hpp"

namespace steritrack::alerts {
namespace {

constexpr std::string_view kColumns =
    "id, kind, subject, severity, state, message, first_seen, last_seen, acknowledged_by, change_seq";

Alert read_alert(const store::Statement& s) {
  Alert a;
  a.id = s.get_int(0);
  a.kind = s.get_text(1);
  a.subject = s.get_text(2);
  a.severity = s.get_text(3);
  a.state = s.get_text(4);
  a.message = s.get_text(5);
  a.first_seen = s.get_text(6);
  a.last_seen = s.get_text(7);
  a.acknowledged_by = s.get_opt_text(8);
  a.change_seq = s.get_int(9);
  return a;
}

std::vector<Alert> read_all(store::Statement& s) {
  std::vector<Alert> out;
  while (s.step()) out.push_back(read_alert(s));
  return out;
}

// Commits are serialized by SQLite's write lock, so max+1 taken inside the
// writing transaction grows across the daemon and the CLI alike: a reader
// that sees change_seq N has already seen every smaller one.
std::int64_t next_change_seq(store::Connection& db) { return last_change_seq(db) + 1; }

std::optional<std::int64_t> unresolved_id(store::Connection& db, std::string_view kind, std::string_view subject) {
  return db.query_int("SELECT id FROM alerts WHERE kind = ? AND subject = ? AND state <> 'resolved'", kind, subject);
}

void check_severity(std::string_view kind, Severity severity) {
  if (severity != severity_of(kind))
    throw std::logic_error("alert " + std::string{kind} + " is " + std::string{to_string(severity_of(kind))} +
                           ", not " + std::string{to_string(severity)});
}

bool is_badge(std::string_view s) {
  if (s.size() < 3 || s.substr(0, 2) != "U-") return false;
  for (char c : s.substr(2))
    if (c <= ' ' || c > '~') return false;
  return true;
}

}  // namespace

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::critical: return "critical";
  }
  return "warning";
}

const std::vector<KindInfo>& kinds() {
  using enum SubjectKind;
  using enum Resolution;
  static const std::vector<KindInfo> table = {
      {"reorder", supply, Severity::warning, on_condition},
      {"stockout", supply, Severity::critical, on_condition},
      {"expiring", lot, Severity::info, on_condition},
      {"expired", lot, Severity::warning, on_condition},
      {"cycle_failed", cycle, Severity::critical, on_condition},
      {"parameter_mismatch", cycle, Severity::critical, on_condition},
      {"record_incomplete", cycle, Severity::warning, on_condition},
      {"bi_positive", cycle, Severity::critical, on_condition},
      {"recall", cycle, Severity::critical, on_condition},
      {"bi_overdue", sterilizer, Severity::warning, on_condition},
      {"bowie_dick_missing", sterilizer, Severity::warning, on_condition},
      {"implant_released_without_bi", cycle, Severity::critical, on_acknowledgement},
      {"unsterile_issue", tray, Severity::critical, on_acknowledgement},
      {"expired_pack", tray, Severity::critical, on_acknowledgement},
      {"recalled_pack", tray, Severity::critical, on_acknowledgement},
      {"out_of_service_use", sterilizer, Severity::critical, on_condition},
      {"tray_incomplete", tray, Severity::warning, on_condition},
      {"device_silent", sterilizer, Severity::warning, on_condition},
  };
  return table;
}

const KindInfo* find_kind(std::string_view kind) {
  for (const KindInfo& k : kinds())
    if (k.kind == kind) return &k;
  return nullptr;
}

const KindInfo& kind_info(std::string_view kind) {
  if (const KindInfo* k = find_kind(kind)) return *k;
  throw std::logic_error("unknown alert kind " + std::string{kind});
}

Severity severity_of(std::string_view kind) { return kind_info(kind).severity; }

std::string lot_subject(std::string_view code, std::string_view lot) {
  return std::string{code} + "/" + std::string{lot};
}

std::string cycle_subject(std::string_view sterilizer, std::string_view cycle) {
  return std::string{sterilizer} + "/" + std::string{cycle};
}

std::int64_t raise(store::Connection& db, std::string_view kind, std::string_view subject, std::string_view message,
                   TimePoint now) {
  const Severity severity = severity_of(kind);
  const std::string ts = format_rfc3339(now);
  if (const auto existing = unresolved_id(db, kind, subject)) {
    db.execute("UPDATE alerts SET last_seen = ?, message = ?, change_seq = ? WHERE id = ?", ts, message,
               next_change_seq(db), *existing);
    return *existing;
  }
  db.execute(
      "INSERT INTO alerts (kind, subject, severity, state, message, first_seen, last_seen, change_seq)"
      " VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
      kind, subject, to_string(severity), message, ts, ts, next_change_seq(db));
  return db.last_insert_id();
}

std::int64_t raise(store::Connection& db, std::string_view kind, std::string_view subject, Severity severity,
                   std::string_view message, TimePoint now) {
  check_severity(kind, severity);
  return raise(db, kind, subject, message, now);
}

bool resolve(store::Connection& db, std::string_view kind, std::string_view subject, TimePoint now) {
  kind_info(kind);
  const auto existing = unresolved_id(db, kind, subject);
  if (!existing) return false;
  db.execute("UPDATE alerts SET state = 'resolved', resolved_at = ?, change_seq = ? WHERE id = ?",
             format_rfc3339(now), next_change_seq(db), *existing);
  // An acknowledged alert is under the chain: its resolution is too, or
  // verify would see the acknowledged record changed behind its back.
  if (db.query_int("SELECT 1 FROM alerts WHERE id = ? AND acknowledged_by IS NOT NULL", *existing))
    report::chain_record(db, "alert", std::to_string(*existing), now);
  return true;
}

void set(store::Connection& db, bool condition, std::string_view kind, std::string_view subject,
         std::string_view message, TimePoint now) {
  if (condition)
    raise(db, kind, subject, message, now);
  else
    resolve(db, kind, subject, now);
}

void set(store::Connection& db, bool condition, std::string_view kind, std::string_view subject, Severity severity,
         std::string_view message, TimePoint now) {
  check_severity(kind, severity);
  set(db, condition, kind, subject, message, now);
}

Result<Alert> acknowledge(store::Connection& db, std::int64_t id, std::string_view operator_badge, TimePoint now) {
  if (!is_badge(operator_badge))
    return fail("operator must be a badge like U-0042, not \"" + std::string{operator_badge} + "\"");
  const auto alert = find(db, id);
  if (!alert) return not_found("no alert " + std::to_string(id));
  if (alert->state == "resolved") return conflict("alert " + std::to_string(id) + " is already resolved");
  if (alert->state == "acknowledged")
    return conflict("alert " + std::to_string(id) + " is already acknowledged by " + alert->acknowledged_by.value_or("?"));
  db.execute(
      "UPDATE alerts SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, change_seq = ?"
      " WHERE id = ?",
      operator_badge, format_rfc3339(now), next_change_seq(db), id);
  report::chain_record(db, "alert", std::to_string(id), now);
  if (kind_info(alert->kind).resolution == Resolution::on_acknowledgement) resolve(db, alert->kind, alert->subject, now);
  return *find(db, id);
}

bool is_unresolved(store::Connection& db, std::string_view kind, std::string_view subject) {
  return unresolved_id(db, kind, subject).has_value();
}

std::optional<Alert> find(store::Connection& db, std::int64_t id) {
  auto& s = db.query(std::string{"SELECT "} + std::string{kColumns} + " FROM alerts WHERE id = ?", id);
  std::optional<Alert> out;
  if (s.step()) out = read_alert(s);
  s.reset();
  return out;
}

std::vector<Alert> list(store::Connection& db, bool include_resolved) {
  const std::string sql = std::string{"SELECT "} + std::string{kColumns} + " FROM alerts" +
                          (include_resolved ? "" : " WHERE state <> 'resolved'") + " ORDER BY id";
  return read_all(db.query(sql));
}

std::vector<Alert> changed_since(store::Connection& db, std::int64_t change_seq) {
  const std::string sql =
      std::string{"SELECT "} + std::string{kColumns} + " FROM alerts WHERE change_seq > ? ORDER BY change_seq";
  return read_all(db.query(sql, change_seq));
}

std::int64_t last_change_seq(store::Connection& db) {
  return db.query_int("SELECT coalesce(max(change_seq), 0) FROM alerts").value_or(0);
}

std::string encode_topic_part(std::string_view part) {
  std::string out;
  out.reserve(part.size());
  for (char c : part) {
    switch (c) {
      case '%': out += "%25"; break;
      case '/': out += "%2F"; break;
      case '+': out += "%2B"; break;
      case '#': out += "%23"; break;
      default: out += c;
    }
  }
  return out;
}

std::string topic(std::string_view prefix, std::string_view kind, std::string_view subject) {
  std::string out{prefix};
  out += "/alerts/";
  out += kind;
  out += '/';
  // Rows come from the database, so an unknown kind is encoded, not refused.
  const KindInfo* k = find_kind(kind);
  const bool two_parts = k && (k->subject == SubjectKind::lot || k->subject == SubjectKind::cycle);
  // The first '/' separates code from lot and sterilizer from cycle (codes
  // and sterilizer IDs have none), so a '/' inside a lot stays in the lot.
  const auto slash = two_parts ? subject.find('/') : std::string_view::npos;
  if (slash == std::string_view::npos) {
    out += encode_topic_part(subject);
  } else {
    out += encode_topic_part(subject.substr(0, slash));
    out += '/';
    out += encode_topic_part(subject.substr(slash + 1));
  }
  return out;
}

std::string payload(const Alert& a) {
  const nlohmann::ordered_json j = {
      {"id", a.id},
      {"kind", a.kind},
      {"subject", a.subject},
      {"severity", a.severity},
      {"state", a.state},
      {"message", a.message},
      {"first_seen", a.first_seen},
      {"last_seen", a.last_seen},
      {"acknowledged_by", a.acknowledged_by ? nlohmann::ordered_json(*a.acknowledged_by) : nlohmann::ordered_json()},
  };
  return j.dump();
}

}  // namespace steritrack::alerts
