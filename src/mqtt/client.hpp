#pragma once
// The daemon's MQTT connection (docs/mqtt.md). Paho stays inside client.cpp:
// this header needs neither Paho nor Asio.
//
// Threads: Paho calls back on its own threads. Every handler given here runs
// through the Poster instead (the daemon passes one that posts into its Asio
// loop), so handlers run on the daemon's thread and never block Paho. The
// client connects and reconnects on a thread of its own, with back-off from
// reconnect_min_s to reconnect_max_s, and never throws for a broker that is
// down or refuses it: it logs `mqtt.connect_failed` with the reason and
// tries again.
//
// Session: clean session off with the configured client id, so the broker
// keeps the subscriptions and queues QoS 1 messages while the daemon is down
// or reconnecting. Last will: retained `offline` on <prefix>/status; retained
// `online` is published on each connect and `offline` again on stop().
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace steritrack::mqtt {

struct Message {
  std::string topic;
  std::string payload;  // bytes, as received (JSON, raw code text, or an image)
  int qos = 0;
  bool retained = false;
  bool duplicate = false;  // the broker says it may have been delivered before
};

class Client {
public:
  using Poster = std::function<void(std::function<void()>)>;
  using MessageHandler = std::function<void(Message)>;
  using ConnectedHandler = std::function<void(bool session_present)>;
  using ConnectionLostHandler = std::function<void(std::string cause)>;
  using PublishDone = std::function<void(bool ok, std::string error)>;

  // Reads the password file and checks that the TLS files are readable:
  // throws std::runtime_error naming the key and file if one is not. Does
  // not connect.
  Client(const app::MqttConfig& config, Poster post);
  ~Client();  // stop() if it was not called
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Handlers are set before start().
  void on_message(MessageHandler handler);
  // After every (re)connect, once the subscriptions are in place and
  // `online` is published: the daemon republishes its retained state here.
  void on_connected(ConnectedHandler handler);
  void on_connection_lost(ConnectionLostHandler handler);

  // Remembered and subscribed again on every connect (also valid while
  // disconnected or before start()).
  void subscribe(const std::vector<std::string>& filters, int qos = 1);

  // From any thread. While disconnected the message is buffered and sent
  // after the next connect. `done` is posted once the broker has it (QoS 1:
  // PUBACK) or it failed; a failure is also logged as mqtt.publish_failed.
  void publish(std::string topic, std::string payload, int qos, bool retain, PublishDone done = {});

  void start();
  // Stops reconnecting, publishes retained `offline`, lets in-flight
  // publishes finish for up to `timeout`, disconnects. After it returns no
  // handler is posted any more.
  void stop(std::chrono::milliseconds timeout = std::chrono::seconds{5});

  bool connected() const;
  std::string status_topic() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steritrack::mqtt
