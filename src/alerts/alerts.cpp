#include "alerts/alerts.hpp"

#include <nlohmann/json.hpp>

#include "common/time.hpp"

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

std::int64_t next_change_seq(store::Connection& db) {
  return db.query_int("SELECT coalesce(max(change_seq), 0) + 1 FROM alerts").value_or(1);
}

std::vector<Alert> read_all(store::Statement& s) {
  std::vector<Alert> out;
  while (s.step()) out.push_back(read_alert(s));
  return out;
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

std::int64_t raise(store::Connection& db, std::string_view kind, std::string_view subject, Severity severity,
                   std::string_view message, TimePoint now) {
  const std::string ts = format_rfc3339(now);
  const auto existing =
      db.query_int("SELECT id FROM alerts WHERE kind = ? AND subject = ? AND state <> 'resolved'", kind, subject);
  if (existing) {
    db.execute("UPDATE alerts SET last_seen = ?, message = ?, severity = ?, change_seq = ? WHERE id = ?", ts, message,
               to_string(severity), next_change_seq(db), *existing);
    return *existing;
  }
  db.execute(
      "INSERT INTO alerts (kind, subject, severity, state, message, first_seen, last_seen, change_seq)"
      " VALUES (?, ?, ?, 'open', ?, ?, ?, ?)",
      kind, subject, to_string(severity), message, ts, ts, next_change_seq(db));
  return db.last_insert_id();
}

bool resolve(store::Connection& db, std::string_view kind, std::string_view subject, TimePoint now) {
  const auto existing =
      db.query_int("SELECT id FROM alerts WHERE kind = ? AND subject = ? AND state <> 'resolved'", kind, subject);
  if (!existing) return false;
  db.execute("UPDATE alerts SET state = 'resolved', resolved_at = ?, change_seq = ? WHERE id = ?",
             format_rfc3339(now), next_change_seq(db), *existing);
  return true;
}

void set(store::Connection& db, bool condition, std::string_view kind, std::string_view subject, Severity severity,
         std::string_view message, TimePoint now) {
  if (condition)
    raise(db, kind, subject, severity, message, now);
  else
    resolve(db, kind, subject, now);
}

bool is_unresolved(store::Connection& db, std::string_view kind, std::string_view subject) {
  return db.query_int("SELECT 1 FROM alerts WHERE kind = ? AND subject = ? AND state <> 'resolved'", kind, subject)
      .has_value();
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
  // A subject has at most two parts (CODE/LOT, STERILIZER/CYCLE); the first
  // '/' separates them, so a '/' inside a lot stays part of the lot.
  std::string out{prefix};
  out += "/alerts/";
  out += kind;
  out += '/';
  const auto slash = subject.find('/');
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
  nlohmann::json j = {{"id", a.id},           {"kind", a.kind},
                      {"subject", a.subject}, {"severity", a.severity},
                      {"state", a.state},     {"message", a.message},
                      {"first_seen", a.first_seen}, {"last_seen", a.last_seen},
                      {"acknowledged_by", a.acknowledged_by ? nlohmann::json(*a.acknowledged_by) : nlohmann::json()}};
  return j.dump();
}

}  // namespace steritrack::alerts
