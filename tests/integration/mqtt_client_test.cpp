// mqtt::Client against a real mosquitto: sessions, reconnects, status and
// last will, TLS and passwords, and what it logs.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "integration/fixture.hpp"
#include "mqtt/client.hpp"

using namespace steritrack;
using namespace steritrack::testkit;

namespace {

// Stands in for the daemon's Asio loop: one thread runs posted work in order.
class Executor {
public:
  Executor() : thread_([this] { run(); }) {}
  ~Executor() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  mqtt::Client::Poster poster() {
    return [this](std::function<void()> work) {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(work));
      wake_.notify_all();
    };
  }

private:
  void run() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto work = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      work();
      lock.lock();
    }
  }
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest exists
};

// What the handlers saw, on the executor's thread. Declare it before the
// Executor (which drains its queue when destroyed) and the Client after.
struct Events {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<mqtt::Message> messages;
  std::vector<bool> connects;  // session_present of each connect
  int losses = 0;
  std::vector<std::pair<bool, std::string>> published;

  bool hold_acks = false;  // keep every Ack instead of acknowledging at once
  std::vector<mqtt::Ack> held;

  void attach(mqtt::Client& client) {
    client.on_message([this](mqtt::Message m, mqtt::Ack ack) {
      update([&] {
        messages.push_back(std::move(m));
        if (hold_acks) held.push_back(std::move(ack));
      });
    });
    client.on_connected([this](bool session_present) { update([&] { connects.push_back(session_present); }); });
    client.on_connection_lost([this](const std::string&) { update([&] { ++losses; }); });
  }
  void attach_connected(mqtt::Client& client) {
    client.on_connected([this](bool session_present) { update([&] { connects.push_back(session_present); }); });
  }
  mqtt::Client::PublishDone publish_done() {
    return [this](bool ok, std::string error) { update([&] { published.emplace_back(ok, std::move(error)); }); };
  }
  template <class F>
  void update(F f) {
    std::lock_guard lock(mutex);
    f();
    changed.notify_all();
  }
  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds timeout = 15s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, pred);
  }
  bool wait_connects(std::size_t n, std::chrono::milliseconds timeout = 15s) {
    return wait([&] { return connects.size() >= n; }, timeout);
  }
  bool wait_messages(std::size_t n, std::chrono::milliseconds timeout = 15s) {
    return wait([&] { return messages.size() >= n; }, timeout);
  }
  // Copies, taken under the lock: the executor thread may still add.
  std::vector<mqtt::Message> received() {
    std::lock_guard lock(mutex);
    return messages;
  }
  std::vector<bool> connected() {
    std::lock_guard lock(mutex);
    return connects;
  }
  std::vector<std::pair<bool, std::string>> publish_results() {
    std::lock_guard lock(mutex);
    return published;
  }
};

// Captures spdlog output (the default logger) while it lives.
class LogCapture {
public:
  LogCapture() : previous_(spdlog::default_logger()), sink_(std::make_shared<Sink>()) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }

  std::string text() const {
    std::lock_guard lock(sink_->lines_mutex);
    std::string all;
    for (const auto& l : sink_->lines) all += l;
    return all;
  }
  std::size_t count(const std::string& needle) const {
    std::lock_guard lock(sink_->lines_mutex);
    std::size_t n = 0;
    for (const auto& l : sink_->lines) n += l.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
  bool wait_count(const std::string& needle, std::size_t n, std::chrono::milliseconds timeout = 15s) const {
    std::unique_lock lock(sink_->lines_mutex);
    return sink_->logged.wait_for(lock, timeout, [&] {
      std::size_t c = 0;
      for (const auto& l : sink_->lines) c += l.find(needle) != std::string::npos ? 1 : 0;
      return c >= n;
    });
  }

private:
  struct Sink final : spdlog::sinks::base_sink<std::mutex> {
    mutable std::mutex lines_mutex;
    std::condition_variable logged;
    std::vector<std::string> lines;

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
      spdlog::memory_buf_t formatted;
      formatter_->format(msg, formatted);
      std::lock_guard lock(lines_mutex);
      lines.push_back(fmt::to_string(formatted));
      logged.notify_all();
    }
    void flush_() override {}
  };
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<Sink> sink_;
};

mqtt::Options config_for(const Broker& broker, const std::string& client_id, const std::string& prefix = "st") {
  mqtt::Options c;
  c.url = broker.url();
  c.client_id = client_id;
  c.topic_prefix = prefix;
  c.reconnect_min_s = 1;
  c.reconnect_max_s = 2;
  return c;
}

}  // namespace

TEST_CASE("mqtt client: subscribe and publish round trip, status online", "[mqtt]") {
  Broker broker;
  TestClient peer(broker.url());
  peer.subscribe("st/#");
  Events events;
  Executor loop;
  LogCapture logs;
  {
    mqtt::Client client(config_for(broker, unique_client_id("rt")), loop.poster());
    events.attach(client);
    client.subscribe({"st/in/+"});
    client.start();
    REQUIRE(events.wait_connects(1));
    CHECK(events.connected()[0] == false);  // a new session
    CHECK(client.connected());
    CHECK(peer.wait_for_payload("st/status", "online"));

    const std::string binary("\x89PNG\r\n\x1a\n\0\x01", 10);
    peer.publish("st/in/desk", binary);
    REQUIRE(events.wait_messages(1));
    CHECK(events.received()[0].topic == "st/in/desk");
    CHECK(events.received()[0].payload == binary);
    CHECK(events.received()[0].qos == 1);
    CHECK_FALSE(events.received()[0].retained);

    client.publish("st/out/feedback", R"({"ok":true})", 1, false, events.publish_done());
    REQUIRE(events.wait([&] { return events.published.size() == 1; }));
    CHECK(events.publish_results()[0].first);
    CHECK(peer.wait_for_payload("st/out/feedback", R"({"ok":true})"));

    client.stop();
    CHECK(peer.wait_for_payload("st/status", "offline"));  // published on a clean stop
  }
  CHECK(logs.count("mqtt.connected") == 1);
  CHECK(logs.count("mqtt.subscribed filters=\"st/in/+\" qos=1") == 1);
  CHECK(logs.count("mqtt.stopped") == 1);

  TestClient late(broker.url());
  late.subscribe("st/status");
  auto status = late.wait_for("st/status");
  REQUIRE(status);
  CHECK(status->payload == "offline");
  CHECK(status->retained);
}

TEST_CASE("mqtt client: QoS 1 messages published while it is stopped arrive after restart", "[mqtt]") {
  Broker broker;
  const auto config = config_for(broker, unique_client_id("session"));
  Events first_run;
  Events events;
  Executor loop;
  {
    mqtt::Client client(config, loop.poster());
    first_run.attach(client);
    client.subscribe({"st/scan/+"});
    client.start();
    REQUIRE(first_run.wait_connects(1));
    client.stop();
  }
  TestClient scanner(broker.url());
  for (int i = 0; i < 50; ++i) scanner.publish_async("st/scan/desk", "scan-" + std::to_string(i));
  scanner.flush();
  broker.restart();  // the session survives a broker restart too (persistence)

  mqtt::Client client(config, loop.poster());
  events.attach(client);
  client.subscribe({"st/scan/+"});
  client.start();
  REQUIRE(events.wait_messages(50));
  REQUIRE(events.wait_connects(1));
  CHECK(events.connected()[0] == true);  // session present
  const auto received = events.received();
  for (std::size_t i = 0; i < 50; ++i) CHECK(received[i].payload == "scan-" + std::to_string(i));
  client.stop();
}

TEST_CASE("mqtt client: reconnects after the broker dies and subscribes again", "[mqtt]") {
  Broker broker;
  Events events;
  Executor loop;
  LogCapture logs;
  mqtt::Client client(config_for(broker, unique_client_id("reconnect")), loop.poster());
  events.attach(client);
  client.subscribe({"st/scan/+"});
  client.start();
  REQUIRE(events.wait_connects(1));

  broker.kill();  // SIGKILL: nothing saved, so the new broker has no session for us
  REQUIRE(events.wait([&] { return events.losses == 1; }));
  CHECK_FALSE(client.connected());
  broker.start();
  REQUIRE(events.wait_connects(2));
  CHECK(events.connected()[1] == false);  // a fresh session: the subscription is ours again

  TestClient scanner(broker.url());
  scanner.publish("st/scan/desk", "after restart");
  REQUIRE(events.wait_messages(1));
  CHECK(events.received()[0].payload == "after restart");
  CHECK(logs.count("mqtt.connection_lost") == 1);
  CHECK(logs.count("mqtt.subscribed") == 2);
  client.stop();
}

TEST_CASE("mqtt client: a broker that is down at start is retried with back-off", "[mqtt]") {
  Broker broker;
  broker.stop();
  Events events;
  Executor loop;
  LogCapture logs;
  mqtt::Client client(config_for(broker, unique_client_id("backoff")), loop.poster());
  events.attach(client);
  client.start();  // does not throw
  REQUIRE(logs.wait_count("mqtt.connect_failed", 2));
  const std::string text = logs.text();
  CHECK(text.find("retry_in_s=1") != std::string::npos);
  CHECK(text.find("retry_in_s=2") != std::string::npos);
  CHECK(text.find("cannot connect to " + broker.url()) != std::string::npos);

  broker.start();
  REQUIRE(events.wait_connects(1));
  client.stop();
}

TEST_CASE("mqtt client: publishes while disconnected are sent after reconnect", "[mqtt]") {
  Broker broker;
  TestClient peer(broker.url(), TestClient::persistent_session(unique_client_id("peer")));
  peer.subscribe("st/out/#");
  Events events;
  Executor loop;
  mqtt::Client client(config_for(broker, unique_client_id("buffer")), loop.poster());
  events.attach(client);
  client.start();
  REQUIRE(events.wait_connects(1));

  broker.stop();
  REQUIRE(events.wait([&] { return events.losses == 1; }));
  for (int i = 0; i < 300; ++i)  // beyond Paho's default limit of 100 buffered messages
    client.publish("st/out/feedback", std::to_string(i), 1, false, i == 299 ? events.publish_done() : mqtt::Client::PublishDone{});
  broker.start();
  REQUIRE(events.wait([&] { return events.published.size() == 1; }, 20s));
  CHECK(events.publish_results()[0].first);
  for (int i = 0; i < 300; ++i) {
    auto m = peer.wait_for("st/out/feedback", {}, 20s);
    REQUIRE(m);
    CHECK(m->payload == std::to_string(i));
  }
  client.stop();
}

TEST_CASE("mqtt client: a killed client leaves its last will, offline", "[mqtt]") {
  Broker broker;
  TestClient watch(broker.url());
  watch.subscribe("probe/status");
  DaemonConfig config;  // mqtt_probe reads the daemon's config format
  config.binary = MQTT_PROBE_PATH;
  config.topic_prefix = "probe";
  Daemon probe(broker, config);
  probe.start_ready();
  CHECK(watch.wait_for_payload("probe/status", "online"));
  probe.kill9();
  auto will = watch.wait_for("probe/status");
  REQUIRE(will);
  CHECK(will->payload == "offline");

  probe.start_ready();  // the same client id: the session is resumed
  CHECK(probe.log().find("probe.connected session_present=true") != std::string::npos);
}

TEST_CASE("mqtt client: stop() returns promptly while the broker is down", "[mqtt]") {
  Broker broker;
  Events events;
  Executor loop;
  mqtt::Client client(config_for(broker, unique_client_id("stopdown")), loop.poster());
  events.attach(client);
  client.start();
  REQUIRE(events.wait_connects(1));
  broker.stop();
  REQUIRE(events.wait([&] { return events.losses == 1; }));
  client.publish("st/out/x", "never sent", 1, false);
  const auto t0 = std::chrono::steady_clock::now();
  client.stop(1s);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
}

TEST_CASE("mqtt client: messages are handed over one at a time, each after the previous Ack", "[mqtt]") {
  Broker broker;
  TestClient scanner(broker.url());
  Events events;
  events.hold_acks = true;
  Executor loop;
  mqtt::Client client(config_for(broker, unique_client_id("ack")), loop.poster());
  events.attach(client);
  client.subscribe({"st/scan/+"});
  client.start();
  REQUIRE(events.wait_connects(1));
  // Not publish(): all Paho clients of a process share one receive thread,
  // so the scanner's PUBACK is not read while our client holds "first".
  scanner.publish_async("st/scan/desk", "first");
  scanner.publish_async("st/scan/desk", "second");
  REQUIRE(events.wait_messages(1));
  // While "first" waits for its Ack, Paho reads nothing more.
  CHECK_FALSE(events.wait_messages(2, 300ms));
  client.publish("st/out/x", "queued meanwhile", 1, false);  // never blocks the caller
  events.update([&] { events.held.clear(); });    // the last copy of the Ack goes: acknowledged
  REQUIRE(events.wait_messages(2));
  CHECK(events.received()[1].payload == "second");

  // stop_async waits for the Ack of a message that is still being handled.
  REQUIRE(events.wait([&] { return events.held.size() == 1; }));
  bool done = false, clean = false;
  client.stop_async([&](bool c) { events.update([&] { done = true; clean = c; }); }, 10s);
  CHECK_FALSE(events.wait([&] { return done; }, 300ms));
  events.update([&] { events.held.front()(); });
  REQUIRE(events.wait([&] { return done; }));
  CHECK(clean);
  scanner.flush();
}

TEST_CASE("mqtt client: a handler may publish before it acknowledges", "[mqtt]") {
  Broker broker;
  TestClient peer(broker.url());
  peer.subscribe("st/out/#");
  Events events;
  Executor loop;
  mqtt::Client client(config_for(broker, unique_client_id("echo")), loop.poster());
  client.on_message([&](mqtt::Message m, mqtt::Ack ack) {
    client.publish("st/out/echo", m.payload, 1, false);  // queued: does not wait for Paho
    ack();
  });
  events.attach_connected(client);
  client.subscribe({"st/in/#"});
  client.start();
  REQUIRE(events.wait_connects(1));
  for (int i = 0; i < 20; ++i) peer.publish_async("st/in/x", std::to_string(i));
  peer.flush();
  for (int i = 0; i < 20; ++i) {
    auto m = peer.wait_for("st/out/echo");
    REQUIRE(m);
    CHECK(m->payload == std::to_string(i));
  }
  client.stop();
}

TEST_CASE("mqtt client: a message never acknowledged comes again, after kill -9 or an abandoned stop", "[mqtt]") {
  Broker broker;
  DaemonConfig config;
  config.binary = MQTT_PROBE_PATH;
  config.topic_prefix = "probe";
  Daemon probe(broker, config);
  TestClient scanner(broker.url());
  scanner.subscribe("probe/status");

  probe.start_ready();
  scanner.publish("probe/probe/never-ack", "scan-1");
  REQUIRE(probe.wait_log("payload=scan-1 duplicate=false"));
  probe.kill9();

  // Not start_ready(): while the probe holds the message back, Paho sends
  // nothing, not even `online`.
  probe.start();
  REQUIRE(probe.wait_log("payload=scan-1 duplicate=true"));
  scanner.skip_received();
  // SIGTERM: stop() waits 1 s for the Ack, then abandons the connection
  // without acknowledging; the broker sees it drop and publishes the will.
  CHECK(probe.terminate() == 3);
  CHECK(probe.log_count("mqtt.stop_abandoned") == 1);
  CHECK(scanner.wait_for_payload("probe/status", "offline"));

  probe.start();
  CHECK(probe.wait_log_count("payload=scan-1 duplicate=true", 2));
}

TEST_CASE("mqtt client: TLS with a client certificate, username and password file", "[mqtt][tls]") {
  TempDir pki_dir("steritrack-pki");
  const auto pki = make_test_pki(pki_dir.path());
  const std::string password = "correct-horse-battery-42";
  BrokerOptions options;
  options.tls = BrokerOptions::Tls{pki.ca_cert, pki.server_cert, pki.server_key, true};
  options.users = {{"steritrack", password}, {"tester", "tester-pw"}};
  Broker broker(options);

  TestClient peer(broker.url(), TestClient::login("tester", "tester-pw"));
  peer.subscribe("st/#");

  TempDir secrets("steritrack-secrets");
  mqtt::Options config = config_for(broker, unique_client_id("tls"));
  config.url = broker.tls_url();
  config.ca_file = pki.ca_cert.string();
  config.cert_file = pki.client_cert.string();
  config.key_file = pki.client_key.string();
  config.username = "steritrack";

  Events events;
  Executor loop;
  LogCapture logs;

  SECTION("the right password connects") {
    config.password_file = secrets.write("password", password + "\n").string();  // trailing newline trimmed
    mqtt::Client client(config, loop.poster());
    events.attach(client);
    client.subscribe({"st/in/#"});
    client.start();
    REQUIRE(events.wait_connects(1));
    CHECK(peer.wait_for_payload("st/status", "online"));
    peer.publish("st/in/x", "over tls");
    REQUIRE(events.wait_messages(1));
    CHECK(events.received()[0].payload == "over tls");
    client.stop();
  }

  SECTION("a wrong password is reported, retried, and never logged") {
    const std::string wrong = "wrong-password-7781";
    config.password_file = secrets.write("password", wrong + "\n").string();
    mqtt::Client client(config, loop.poster());
    events.attach(client);
    client.start();
    REQUIRE(logs.wait_count("mqtt.connect_failed", 2));  // it keeps trying
    CHECK(logs.count("not authorized: the broker refused user 'steritrack'") >= 2);
    CHECK(events.connected().empty());
    client.stop();
    const std::string text = logs.text();
    CHECK(text.find(wrong) == std::string::npos);
    CHECK(text.find(password) == std::string::npos);
  }

  SECTION("a broker certificate from another CA is a TLS error") {
    TempDir other_dir("steritrack-pki-other");
    const auto other = make_test_pki(other_dir.path());
    config.ca_file = other.ca_cert.string();
    config.password_file = secrets.write("password", password).string();
    mqtt::Client client(config, loop.poster());
    client.start();
    REQUIRE(logs.wait_count("mqtt.connect_failed", 1));
    CHECK(logs.count("TLS handshake failed") >= 1);
    client.stop();
    CHECK(logs.text().find(password) == std::string::npos);
  }
}

TEST_CASE("mqtt client: unreadable password or certificate files are start-up errors", "[mqtt]") {
  mqtt::Options config;
  config.username = "steritrack";
  config.password_file = "/nonexistent/password";
  Executor loop;
  CHECK_THROWS_WITH(mqtt::Client(config, loop.poster()), Catch::Contains("mqtt.password_file"));
  config.password_file.reset();
  config.url = "ssl://127.0.0.1:8883";
  config.ca_file = "/nonexistent/ca.crt";
  CHECK_THROWS_WITH(mqtt::Client(config, loop.poster()), Catch::Contains("mqtt.ca_file"));
}
