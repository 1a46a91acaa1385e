#pragma once
// The alert engine (compliance.md section 4). One unresolved alert per
// (kind, subject): raising again updates last_seen, resolving is automatic
// when the caller's condition clears (alerts::set). The severity comes from
// the kind, never from the caller. All functions run inside the caller's
// transaction, so an alert changes in the same commit as the record that
// caused it. Every change bumps change_seq; the daemon publishes alerts in
// change_seq order (alerts/publisher.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "store/sqlite.hpp"

namespace steritrack::alerts {

enum class Severity { info, warning, critical };
std::string_view to_string(Severity s);

// What an alert's subject names, and so how it is written and encoded.
enum class SubjectKind {
  supply,      // GTIN-14, or HIBC labeler+product
  lot,         // CODE/LOT
  cycle,       // STERILIZER/CYCLE
  sterilizer,  // sterilizer ID
  tray,        // tray ID (T-...)
};

// A condition (low stock, a failed cycle) resolves when it clears; an
// event (a bad pack scanned for issue, an override) has nothing to clear,
// so it resolves when it is acknowledged. Otherwise an acknowledged event
// would stay listed for ever, and the next event on the same subject would
// only refresh it instead of opening a new alert.
enum class Resolution { on_condition, on_acknowledgement };

struct KindInfo {
  std::string_view kind;
  SubjectKind subject;
  Severity severity;
  Resolution resolution;
};
// Every kind of compliance.md section 4, in the spec's order.
const std::vector<KindInfo>& kinds();
const KindInfo* find_kind(std::string_view kind);  // nullptr for an unknown kind
// Throws std::logic_error for a kind that is not in the table: a typo in a
// rule is a programming error, caught by the rule's first test.
const KindInfo& kind_info(std::string_view kind);
Severity severity_of(std::string_view kind);

// Subjects written the one way the spec names them.
std::string lot_subject(std::string_view code, std::string_view lot);
std::string cycle_subject(std::string_view sterilizer, std::string_view cycle);

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

// Raises (or refreshes: last_seen, message) the alert; returns its id.
std::int64_t raise(store::Connection& db, std::string_view kind, std::string_view subject, std::string_view message,
                   TimePoint now);
// Resolves the unresolved alert of (kind, subject), if any. Returns whether one was resolved.
bool resolve(store::Connection& db, std::string_view kind, std::string_view subject, TimePoint now);
// Raises when condition holds, resolves otherwise: the usual way to re-check a rule.
void set(store::Connection& db, bool condition, std::string_view kind, std::string_view subject,
         std::string_view message, TimePoint now);

// The same, for callers that name the severity: it must be the kind's
// (std::logic_error otherwise), so a rule cannot publish a wrong severity.
std::int64_t raise(store::Connection& db, std::string_view kind, std::string_view subject, Severity severity,
                   std::string_view message, TimePoint now);
void set(store::Connection& db, bool condition, std::string_view kind, std::string_view subject, Severity severity,
         std::string_view message, TimePoint now);

// Acknowledges an open alert: records the operator (a U- badge) and the
// time, and appends the acknowledgement to the tamper-evident chain; an
// event (Resolution::on_acknowledgement) is resolved with it. An
// unknown id, an alert that is already acknowledged or resolved, or an
// operator that is not a badge is refused with a reason; nothing changes.
Result<Alert> acknowledge(store::Connection& db, std::int64_t id, std::string_view operator_badge, TimePoint now);

bool is_unresolved(store::Connection& db, std::string_view kind, std::string_view subject);
std::optional<Alert> find(store::Connection& db, std::int64_t id);

// Unresolved (open and acknowledged) alerts; with include_resolved, all.
std::vector<Alert> list(store::Connection& db, bool include_resolved);
// Alerts changed after change_seq, in change order (for MQTT delivery).
std::vector<Alert> changed_since(store::Connection& db, std::int64_t change_seq);
// The highest change_seq so far (0 when there are no alerts).
std::int64_t last_change_seq(store::Connection& db);

// Percent-encodes one part of a subject for an MQTT topic ('%', '/', '+', '#').
std::string encode_topic_part(std::string_view part);
// "<prefix>/alerts/<kind>/<subject>": a two-part subject (lot, cycle) keeps
// the '/' after its first part and encodes each part; a one-part subject is
// encoded whole. So a lot "A/7" of 00614141000012 gives
// ".../expiring/00614141000012/A%2F7".
std::string topic(std::string_view prefix, std::string_view kind, std::string_view subject);
// The retained payload: a JSON object with the alerts columns.
std::string payload(const Alert& alert);

}  // namespace steritrack::alerts
