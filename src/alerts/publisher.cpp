#include "alerts/publisher.hpp"

#include <unordered_set>

#include "alerts/alerts.hpp"

namespace steritrack::alerts {

Publisher::Publisher(std::string topic_prefix, Publish publish)
    : prefix_(std::move(topic_prefix)), publish_(std::move(publish)) {}

std::string Publisher::retained_filter() const { return prefix_ + "/alerts/#"; }

bool Publisher::is_alert_topic(const std::string& t) const {
  const std::string base = prefix_ + "/alerts/";
  return t.size() > base.size() && t.compare(0, base.size(), base) == 0;
}

Publisher::Sent Publisher::resync(store::Connection& db, const std::vector<std::string>& retained_topics) {
  synced_ = false;
  // Read the mark before the list: a change committed in between is both in
  // the list and after the mark, so it is sent twice, never missed.
  const std::int64_t mark = alerts::last_change_seq(db);
  Sent sent;
  std::unordered_set<std::string> live;
  for (const Alert& a : list(db, false)) {
    std::string t = topic(prefix_, a.kind, a.subject);
    publish_(t, payload(a), true);
    ++sent.published;
    live.insert(std::move(t));
  }
  for (const std::string& t : retained_topics) {
    if (!is_alert_topic(t) || live.contains(t)) continue;
    publish_(t, "", true);
    ++sent.cleared;
    live.insert(t);  // a topic listed twice is cleared once
  }
  last_seq_ = mark;
  synced_ = true;
  return sent;
}

Publisher::Sent Publisher::publish_changes(store::Connection& db) {
  Sent sent;
  if (!synced_) return sent;
  for (const Alert& a : changed_since(db, last_seq_)) {
    const std::string t = topic(prefix_, a.kind, a.subject);
    if (a.state == "resolved") {
      publish_(t, "", true);
      ++sent.cleared;
    } else {
      publish_(t, payload(a), true);
      ++sent.published;
    }
    last_seq_ = a.change_seq;
  }
  return sent;
}

}  // namespace steritrack::alerts
