#pragma once
// The alert engine. One unresolved alert per (kind, subject): raising again
// updates last_seen, resolving is automatic when the caller's condition
// clears. All functions run inside the caller's transaction, so an alert
// changes in the same commit as the record that caused it. Every change
// bumps change_seq; the daemon publishes alerts in change_seq order.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "store/sqlite.hpp"

namespace steritrack::alerts {

enum class Severity { info, warning, critical };
std::string_view to_string(Severity s);

struct Alert {
  std::int64_t id = 0;
  std::string kind;
  std::string subject;
  std::string severity;
  std::string state;  // open, acknowledged, resolved
  std::string message;
  std::string first_seen;
  std::string last_seen;
  std::optional<std::string> acknowledged_by;
  std::int64_t change_seq = 0;
};

// Raises (or refreshes) the alert; returns its id.
std::int64_t raise(store::Connection& db, std::string_view kind, std::string_view subject, Severity severity,
                   std::string_view message, TimePoint now);
// Resolves the unresolved alert of (kind, subject), if any. Returns whether one was resolved.
bool resolve(store::Connection& db, std::string_view kind, std::string_view subject, TimePoint now);
// Raises when condition holds, resolves otherwise: the usual way to re-check a rule.
void set(store::Connection& db, bool condition, std::string_view kind, std::string_view subject, Severity severity,
         std::string_view message, TimePoint now);

bool is_unresolved(store::Connection& db, std::string_view kind, std::string_view subject);

// Unresolved (open and acknowledged) alerts; with include_resolved, all.
std::vector<Alert> list(store::Connection& db, bool include_resolved);
// Alerts changed after change_seq, in change order (for MQTT delivery).
std::vector<Alert> changed_since(store::Connection& db, std::int64_t change_seq);

// Percent-encodes one part of a subject for an MQTT topic ('%', '/', '+', '#').
std::string encode_topic_part(std::string_view part);
// "<prefix>/alerts/<kind>/<subject>", each '/'-separated subject part encoded.
std::string topic(std::string_view prefix, std::string_view kind, std::string_view subject);
// The retained payload: a JSON object with the alerts columns.
std::string payload(const Alert& alert);

}  // namespace steritrack::alerts
