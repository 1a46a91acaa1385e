#include "integration/fixture.hpp"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <mqtt/async_client.h>

#include "app/config.hpp"
#include "mqtt/topic.hpp"
#include "support/paths.hpp"

namespace steritrack::testkit {
namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string unique_client_id(const std::string& prefix) {
  static std::atomic<int> counter{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// ---------------------------------------------------------------- TestClient

struct TestClient::Impl {
  Impl(const std::string& url, Options options)
      : client_id(options.client_id.empty() ? unique_client_id("test") : options.client_id),
        cli(url, client_id, make_create_options(), nullptr) {
    connect_options.set_clean_session(options.clean_session);
    connect_options.set_mqtt_version(MQTTVERSION_3_1_1);
    connect_options.set_keep_alive_interval(30);
    connect_options.set_connect_timeout(10);
    connect_options.set_automatic_reconnect(1, 2);
    if (!options.username.empty()) connect_options.set_user_name(options.username);
    if (!options.password.empty()) connect_options.set_password(options.password);
    if (url.rfind("ssl://", 0) == 0 || url.rfind("mqtts://", 0) == 0) {
      ::mqtt::ssl_options ssl;
      if (!options.ca_file.empty()) ssl.set_trust_store(options.ca_file.string());
      if (!options.cert_file.empty()) ssl.set_key_store(options.cert_file.string());
      if (!options.key_file.empty()) ssl.set_private_key(options.key_file.string());
      connect_options.set_ssl(std::move(ssl));
    }
    cli.set_message_callback([this](::mqtt::const_message_ptr m) {
      std::lock_guard lock(mutex);
      received.push_back({m->get_topic(), m->get_payload_str(), m->get_qos(), m->is_retained(), m->is_duplicate()});
      taken.push_back(false);
      arrived.notify_all();
    });
    // After an automatic reconnect (broker restart) a clean session has
    // lost its subscriptions. Async subscribe: never wait on Paho's thread.
    cli.set_connected_handler([this](const std::string&) {
      std::lock_guard lock(mutex);
      for (const auto& [filter, qos] : filters) cli.subscribe(filter, qos);
    });
    if (!cli.connect(connect_options)->wait_for(15s)) throw std::runtime_error("TestClient: no CONNACK from " + url);
  }

  static ::mqtt::create_options make_create_options() {
    ::mqtt::create_options o;
    o.set_max_buffered_messages(1000000);
    return o;
  }

  std::string client_id;
  ::mqtt::connect_options connect_options;
  mutable std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Message> received;
  std::vector<bool> taken;
  std::size_t skip_before = 0;
  std::vector<std::pair<std::string, int>> filters;
  std::vector<::mqtt::delivery_token_ptr> in_flight;
  ::mqtt::async_client cli;  // last: destroyed first
};

TestClient::Options TestClient::persistent_session(std::string client_id) {
  Options o;
  o.client_id = std::move(client_id);
  o.clean_session = false;
  return o;
}

TestClient::Options TestClient::login(std::string username, std::string password) {
  Options o;
  o.username = std::move(username);
  o.password = std::move(password);
  return o;
}

TestClient::TestClient(const std::string& url) : TestClient(url, Options{}) {}

TestClient::TestClient(const std::string& url, Options options)
    : impl_(std::make_unique<Impl>(url, std::move(options))) {}

TestClient::~TestClient() {
  try {
    disconnect();
  } catch (const std::exception&) {
    // The broker may be gone already; the connection closes with the client.
  }
}

void TestClient::subscribe(const std::string& filter, int qos) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->filters.emplace_back(filter, qos);
  }
  if (!impl_->cli.subscribe(filter, qos)->wait_for(15s))
    throw std::runtime_error("TestClient: no SUBACK for " + filter);
}

void TestClient::publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
  if (!impl_->cli.publish(::mqtt::make_message(topic, payload, qos, retain))->wait_for(15s))
    throw std::runtime_error("TestClient: publish to " + topic + " not completed within 15 s");
}

void TestClient::publish_async(const std::string& topic, const std::string& payload, int qos, bool retain) {
  auto tok = impl_->cli.publish(::mqtt::make_message(topic, payload, qos, retain));
  std::lock_guard lock(impl_->mutex);
  impl_->in_flight.push_back(std::move(tok));
}

void TestClient::flush(std::chrono::milliseconds timeout) {
  std::vector<::mqtt::delivery_token_ptr> tokens;
  {
    std::lock_guard lock(impl_->mutex);
    tokens.swap(impl_->in_flight);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (auto& tok : tokens) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!tok->wait_for(std::max(left, 0ms))) throw std::runtime_error("TestClient: flush timed out");
  }
}

std::optional<Message> TestClient::wait_for(const std::string& filter,
                                            const std::function<bool(const Message&)>& predicate,
                                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(impl_->mutex);
  std::size_t checked = impl_->skip_before;
  while (true) {
    for (; checked < impl_->received.size(); ++checked) {
      const Message& m = impl_->received[checked];
      if (impl_->taken[checked] || !mqtt::topic_matches(filter, m.topic)) continue;
      if (predicate && !predicate(m)) continue;
      impl_->taken[checked] = true;
      return m;
    }
    if (impl_->arrived.wait_until(lock, deadline) == std::cv_status::timeout && checked == impl_->received.size())
      return std::nullopt;
  }
}

std::optional<Message> TestClient::wait_for_payload(const std::string& topic, const std::string& payload,
                                                    std::chrono::milliseconds timeout) {
  return wait_for(topic, [&](const Message& m) { return m.payload == payload; }, timeout);
}

std::vector<Message> TestClient::messages() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::size_t TestClient::count(const std::string& filter) const {
  std::lock_guard lock(impl_->mutex);
  std::size_t n = 0;
  for (const auto& m : impl_->received) n += mqtt::topic_matches(filter, m.topic) ? 1 : 0;
  return n;
}

void TestClient::skip_received() {
  std::lock_guard lock(impl_->mutex);
  impl_->skip_before = impl_->received.size();
}

void TestClient::disconnect() {
  if (impl_->cli.is_connected()) impl_->cli.disconnect()->wait_for(10s);
}

bool TestClient::connected() const { return impl_->cli.is_connected(); }

// -------------------------------------------------------------------- Daemon

std::string DaemonConfig::toml() const {
  std::ostringstream t;
  t << "[database]\npath = " << quote(database_path) << "\n\n"
    << "[devices]\ndir = " << quote(devices_dir) << "\n\n"
    << "[mqtt]\nurl = " << quote(mqtt_url) << "\nclient_id = " << quote(client_id)
    << "\ntopic_prefix = " << quote(topic_prefix) << "\nreconnect_min_s = " << reconnect_min_s
    << "\nreconnect_max_s = " << reconnect_max_s << "\n"
    << mqtt_extra << "\n";
  for (const auto& s : stations) {
    t << "[[station]]\nid = " << quote(s.id) << "\n";
    if (!s.location.empty()) t << "location = " << quote(s.location) << "\n";
    t << s.extra << "\n";
  }
  for (const auto& s : sterilizers) {
    t << "[[sterilizer]]\nid = " << quote(s.id) << "\nname = " << quote(s.name) << "\ntype = " << quote(s.type)
      << "\nprofile = " << quote(s.profile) << "\n\n";
  }
  t << extra_toml << "\n";
  return t.str();
}

Daemon::Daemon(const Broker& broker, std::string binary)
    : broker_(broker),
      dir_("steritrack-daemon"),
      binary_(std::move(binary)),
      config_path_(dir_ / "steritrack.toml"),
      log_path_(dir_ / "steritrackd.log") {}

Daemon::Daemon(const Broker& broker, DaemonConfig config) : Daemon(broker, config.binary) {
  if (config.database_path.empty()) config.database_path = (dir_ / "steritrack.db").string();
  if (config.mqtt_url.empty()) config.mqtt_url = broker.url();
  if (config.client_id.empty()) config.client_id = unique_client_id("steritrackd");
  adopt(config.toml());
}

std::unique_ptr<Daemon> Daemon::from_toml(const Broker& broker, const std::string& toml_text,
                                          const std::string& binary) {
  std::unique_ptr<Daemon> d(new Daemon(broker, binary));
  d->adopt(toml_text);
  return d;
}

void Daemon::adopt(const std::string& toml_text) {
  write_config(toml_text);
  // Tests of config errors give invalid configs on purpose: then the
  // defaults stand and wait_ready reports the daemon's exit.
  try {
    const auto c = app::parse_config(toml_text, config_path_.string());
    db_path_ = c.database_path;
    prefix_ = c.mqtt.topic_prefix;
    client_id_ = c.mqtt.client_id;
  } catch (const app::ConfigError&) {
    prefix_ = "steritrack";
  }
}

void Daemon::write_config(const std::string& toml_text) { dir_.write("steritrack.toml", toml_text); }

Daemon::~Daemon() {
  if (process_ && process_->running()) kill9();
}

void Daemon::start() {
  if (process_ && process_->running()) throw std::logic_error("Daemon::start: already running");
  if (!watcher_) {
    watcher_ = std::make_unique<TestClient>(broker_.url());
    watcher_->subscribe(prefix_ + "/status");
  }
  watcher_->skip_received();
  std::ofstream(log_path_, std::ios::app) << "---- fixture: start " << binary_ << " --config " << config_path_.string()
                                         << "\n";
  Process::Options o;
  o.stdout_path = log_path_;
  o.stderr_path = log_path_;
  process_ = std::make_unique<Process>(std::vector<std::string>{binary_, "--config", config_path_.string()}, o);
}

void Daemon::wait_ready(std::chrono::milliseconds timeout) {
  if (!process_) throw std::logic_error("Daemon::wait_ready before start()");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Live, not retained: a retained `online` may be left from an earlier run.
  const auto live_online = [](const Message& m) { return m.payload == "online" && !m.retained; };
  while (std::chrono::steady_clock::now() < deadline) {
    if (watcher_->wait_for(prefix_ + "/status", live_online, 100ms)) return;
    if (!process_->running())
      throw std::runtime_error("steritrackd exited with code " + std::to_string(*process_->exit_code()) +
                               " before it was ready; its output:\n" + log());
  }
  throw std::runtime_error("steritrackd was not online within " + std::to_string(timeout.count()) +
                           " ms; its output:\n" + log());
}

int Daemon::terminate(std::chrono::milliseconds timeout) {
  if (!process_) throw std::logic_error("Daemon::terminate before start()");
  process_->signal(SIGTERM);
  if (const auto code = process_->wait_for(timeout)) return *code;
  process_->signal(SIGKILL);
  process_->wait_for(10s);
  throw std::runtime_error("steritrackd did not exit within " + std::to_string(timeout.count()) +
                           " ms of SIGTERM; its output:\n" + log());
}

void Daemon::kill9() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait_for(10s);
}

void Daemon::signal(int sig) {
  if (process_) process_->signal(sig);
}

void Daemon::restart(std::chrono::milliseconds timeout) {
  if (running()) terminate();
  start_ready(timeout);
}

bool Daemon::running() { return process_ && process_->running(); }

std::optional<int> Daemon::wait_exit(std::chrono::milliseconds timeout) {
  if (!process_) throw std::logic_error("Daemon::wait_exit before start()");
  return process_->wait_for(timeout);
}

std::string Daemon::log() const { return read_file(log_path_); }

std::size_t Daemon::log_count(const std::string& needle) const {
  const std::string text = log();
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

bool Daemon::wait_log_count(const std::string& needle, std::size_t count, std::chrono::milliseconds timeout) {
  // The log is a file written by another process: look again every 20 ms,
  // and once more when the process exits.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (log_count(needle) >= count) return true;
    if (std::chrono::steady_clock::now() >= deadline || !process_) return false;
    if (process_->wait_for(20ms)) return log_count(needle) >= count;
  }
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// ----------------------------------------------------------------------- CLI

CommandResult run_cli_args(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{test_paths::cli()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout);
}

}  // namespace steritrack::testkit
