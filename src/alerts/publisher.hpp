#pragma once
// Delivery of alerts to MQTT (interfaces.md section 2), without MQTT: the
// daemon hands in a publish function (Paho behind it), tests a recorder.
//
// Each unresolved alert is a retained JSON object on its topic; a resolved
// one is an empty retained message, which clears the topic. The publisher
// remembers the last change_seq it delivered and, after each commit (and
// when the daemon notices that the CLI committed), sends what changed since,
// in change order. After a (re)connect, resync makes the broker's retained
// alert topics match the database:
//
//   1. subscribe to retained_filter(), collect the topics of the retained
//      messages that arrive (briefly, then unsubscribe);
//   2. publisher.resync(db, topics);
//   3. from then on, publisher.publish_changes(db) after every commit.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/sqlite.hpp"

namespace steritrack::alerts {

class Publisher {
public:
  // Sends one message. It may throw (not connected, queue full): what it
  // could not send goes out with the next publish_changes or resync.
  using Publish = std::function<void(const std::string& topic, const std::string& payload, bool retain)>;

  struct Sent {
    std::size_t published = 0;  // retained alerts sent
    std::size_t cleared = 0;    // empty retained messages sent
  };

  Publisher(std::string topic_prefix, Publish publish);

  // "<prefix>/alerts/#": subscribe to it after a connect to learn the
  // retained alert topics to pass to resync.
  std::string retained_filter() const;
  // Whether a topic is one of our alert topics (under "<prefix>/alerts/").
  bool is_alert_topic(const std::string& topic) const;

  // Publishes every unresolved alert and clears each retained alert topic
  // in retained_topics that the database has no unresolved alert for.
  // Topics outside "<prefix>/alerts/" are ignored.
  Sent resync(store::Connection& db, const std::vector<std::string>& retained_topics);
  // Publishes the alerts changed since the last delivery. Does nothing
  // before the first resync, or after disconnected() until the next one.
  Sent publish_changes(store::Connection& db);
  // The connection is gone: changes wait for the resync after reconnecting.
  void disconnected() { synced_ = false; }

  bool synced() const { return synced_; }
  std::int64_t last_change_seq() const { return last_seq_; }

private:
  std::string prefix_;
  Publish publish_;
  bool synced_ = false;
  std::int64_t last_seq_ = 0;
};

}  // namespace steritrack::alerts
