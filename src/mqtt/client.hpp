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

#include "mqtt/options.hpp"

namespace steritrack::mqtt {

struct Message {
  std::string topic;
  std::string payload;  // bytes, as received (JSON, raw code text, or an image)
  int qos = 0;
  bool retained = false;
  bool duplicate = false;  // the broker says it may have been delivered before
};

// Holds back the broker's acknowledgement (PUBACK) of one received message.
// Paho sends the PUBACK when its message callback returns, so the client
// keeps that callback waiting until the message is acknowledged: call the
// Ack (or let its last copy go) once the message's effect is committed, or
// once it has been refused for good. A daemon killed before that gets the
// message again after restart (with `duplicate` set) instead of losing it.
// Copies share one acknowledgement; calling it again does nothing.
//
// While one message waits for its Ack, Paho reads no further packets and
// holds its own lock: messages are handled one at a time. Client never calls
// Paho on the caller's thread (publish() queues), so handlers may publish;
// but never make an Ack wait for a publish's completion.
class Ack {
public:
  struct State;  // defined in client.cpp

  Ack() = default;  // acknowledges nothing
  explicit Ack(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void operator()() const;

private:
  std::shared_ptr<State> state_;
};

class Client {
public:
  using Poster = std::function<void(std::function<void()>)>;
  using MessageHandler = std::function<void(Message, Ack)>;
  using ConnectedHandler = std::function<void(bool session_present)>;
  using ConnectionLostHandler = std::function<void(std::string cause)>;
  using PublishDone = std::function<void(bool ok, std::string error)>;

  // Reads the password file and checks that the TLS files are readable:
  // throws std::runtime_error naming the key and file if one is not. Does
  // not connect.
  Client(const mqtt::Options& config, Poster post);
  ~Client();  // stop() if it was not called; an abandoned connection is left to the process exit
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
  // Stops reconnecting, publishes retained `offline`, lets queued and
  // in-flight publishes finish, disconnects; all within `timeout`. Messages
  // arriving meanwhile are still handed to on_message, so keep running the
  // handlers until `done` is posted (the daemon calls this on its loop).
  // `clean` is false if a message was still waiting for its Ack at the
  // deadline: then the connection is abandoned without acknowledging it, the
  // process should exit, and the broker publishes the last will and
  // delivers the message again on the next start. After `done`, no handler
  // is posted any more.
  void stop_async(std::function<void(bool clean)> done, std::chrono::milliseconds timeout = std::chrono::seconds{5});
  // The same, waiting on the calling thread (which must not be the one that
  // runs the handlers). Returns `clean`.
  bool stop(std::chrono::milliseconds timeout = std::chrono::seconds{5});

  bool connected() const;
  std::string status_topic() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steritrack::mqtt
