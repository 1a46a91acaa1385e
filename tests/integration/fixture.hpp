#pragma once
// The integration test fixture: a real mosquitto, the real steritrackd and
// steritrack binaries, and an MQTT client for the test. Every wait is on a
// condition (a message, a process exit, a polled database) with a deadline;
// nothing sleeps for a fixed time.
//
//   Broker broker;                         // private mosquitto, free port
//   Daemon daemon(broker);                 // config with sensible defaults
//   daemon.start_ready();                  // waits for retained status online
//   TestClient mqtt(broker.url());
//   mqtt.subscribe("steritrack/station/+/feedback");
//   mqtt.publish("steritrack/scan/desk", "CMD-RECEIVE");
//   auto fb = mqtt.wait_for("steritrack/station/desk/feedback");
//   REQUIRE(fb);
//   auto r = run_cli("stock", "--db", daemon.db_path(), "--format", "csv");
//
// Set STERITRACK_KEEP_TMP=1 to keep the temp folders (databases, configs,
// daemon and broker logs) of a run.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/broker.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/paths.hpp"

namespace steritrack::testkit {

using namespace std::chrono_literals;

struct Message {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retained = false;
  bool duplicate = false;
};

// A unique MQTT client id for this test process ("<prefix>-<pid>-<n>").
std::string unique_client_id(const std::string& prefix = "test");

// An MQTT client for tests (Paho directly, independent of src/mqtt). It
// reconnects by itself and subscribes again after a broker restart.
class TestClient {
public:
  struct Options {
    std::string client_id;        // default: unique_client_id("test")
    bool clean_session = true;
    std::string username;
    std::string password;
    std::filesystem::path ca_file;  // for ssl:// URLs
    std::filesystem::path cert_file;
    std::filesystem::path key_file;
  };

  // Clean session off with this client id: the broker keeps its
  // subscriptions and queues QoS 1 messages while it is away.
  static Options persistent_session(std::string client_id);
  static Options login(std::string username, std::string password);

  explicit TestClient(const std::string& url);  // connected on return
  TestClient(const std::string& url, Options options);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Waits for the SUBACK.
  void subscribe(const std::string& filter, int qos = 1);
  // Waits until the broker has it (QoS 1: PUBACK).
  void publish(const std::string& topic, const std::string& payload, int qos = 1, bool retain = false);
  // Pipelined: returns at once; flush() waits for all of them.
  void publish_async(const std::string& topic, const std::string& payload, int qos = 1, bool retain = false);
  void flush(std::chrono::milliseconds timeout = 60s);

  // The first received message matching `filter` (MQTT wildcards) and
  // `predicate` that no earlier wait_for returned, waiting up to `timeout`
  // for it to arrive; nullopt on timeout.
  std::optional<Message> wait_for(const std::string& filter,
                                  const std::function<bool(const Message&)>& predicate = {},
                                  std::chrono::milliseconds timeout = 10s);
  // Shorthand: waits for `payload` on `topic`.
  std::optional<Message> wait_for_payload(const std::string& topic, const std::string& payload,
                                          std::chrono::milliseconds timeout = 10s);
  std::vector<Message> messages() const;  // everything received so far
  std::size_t count(const std::string& filter) const;
  // Makes every message received so far unavailable to wait_for.
  void skip_received();

  void disconnect();
  bool connected() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct StationSpec {
  std::string id;
  std::string location;  // an L- label, may be empty
  std::string extra;     // more TOML lines for this [[station]]
};

struct SterilizerSpec {
  std::string id;
  std::string name;
  std::string type = "prevac";
  std::string profile = "generic-json";
};

// The daemon's config, written as TOML. Defaults: database in the daemon's
// temp folder, the broker's URL, a unique client id, devices/ from the
// source tree, station "desk" and sterilizer "A".
struct DaemonConfig {
  std::string database_path;  // default <daemon dir>/steritrack.db
  std::string mqtt_url;       // default broker.url()
  std::string client_id;      // default unique_client_id("steritrackd")
  std::string topic_prefix = "steritrack";
  std::string devices_dir = test_paths::source_dir() + "/devices";
  int reconnect_min_s = 1;
  int reconnect_max_s = 2;
  std::vector<StationSpec> stations{{"desk", "L-STORE-1", ""}};
  std::vector<SterilizerSpec> sterilizers{{"A", "Autoclave A", "prevac", "generic-json"}};
  std::string mqtt_extra;     // more lines inside [mqtt] (username = ..., password_file = ...)
  std::string extra_toml;     // appended verbatim: [policy], [[program]], [alerts]...
  std::string binary = test_paths::daemon();

  std::string toml() const;
};

class Daemon {
public:
  // Not started yet.
  Daemon(const Broker& broker, DaemonConfig config = {});
  // A config written by the test: it must name the broker; the daemon's
  // temp folder is dir(), so paths may be filled in with `dir().string()`.
  static std::unique_ptr<Daemon> from_toml(const Broker& broker, const std::string& toml_text,
                                           const std::string& binary = test_paths::daemon());
  ~Daemon();  // kill -9 if still running
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  void start();
  // Waits until retained <prefix>/status says `online` after the last
  // start(); throws (with the daemon's stderr) if it exits or times out.
  void wait_ready(std::chrono::milliseconds timeout = 30s);
  void start_ready(std::chrono::milliseconds timeout = 30s) {
    start();
    wait_ready(timeout);
  }
  int terminate(std::chrono::milliseconds timeout = 30s);  // SIGTERM, wait, exit code
  void kill9();
  void signal(int sig);
  void restart(std::chrono::milliseconds timeout = 30s);   // terminate if running, start_ready
  bool running();
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // stderr of every run so far (one file; restarts append).
  std::string log() const;
  std::size_t log_count(const std::string& needle) const;
  // Waits until `needle` appears in the log; false on timeout or exit.
  bool wait_log(const std::string& needle, std::chrono::milliseconds timeout = 10s) {
    return wait_log_count(needle, 1, timeout);
  }
  // Waits until `needle` appears `count` times in the log.
  bool wait_log_count(const std::string& needle, std::size_t count, std::chrono::milliseconds timeout = 10s);

  const std::filesystem::path& dir() const { return dir_.path(); }
  const std::filesystem::path& config_path() const { return config_path_; }
  const std::filesystem::path& log_path() const { return log_path_; }
  const std::string& db_path() const { return db_path_; }
  const std::string& topic_prefix() const { return prefix_; }
  const std::string& client_id() const { return client_id_; }
  // Rewrites the config file (takes effect on the next start or SIGHUP).
  void write_config(const std::string& toml_text);

private:
  Daemon(const Broker& broker, std::string binary);
  void adopt(const std::string& toml_text);

  const Broker& broker_;
  TempDir dir_;
  std::string binary_;
  std::filesystem::path config_path_;
  std::filesystem::path log_path_;
  std::string db_path_;
  std::string prefix_;
  std::string client_id_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<TestClient> watcher_;
};

// Checks `condition` every 50 ms until it holds or `timeout` has passed;
// returns whether it held. For state that another process writes (its
// database) and that offers nothing to wait on.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

// Runs the steritrack CLI with these arguments.
CommandResult run_cli_args(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 60s);

template <class... Args>
CommandResult run_cli(const Args&... args) {
  return run_cli_args(std::vector<std::string>{std::string(args)...});
}

}  // namespace steritrack::testkit
