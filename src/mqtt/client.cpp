#include "mqtt/client.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

namespace steritrack::mqtt {
namespace {

namespace paho = ::mqtt;
using std::chrono::seconds;

// Paho refuses publish() past this many queued messages (default 100), even
// while connected; a burst of feedback must never hit that.
constexpr int kMaxBufferedMessages = 100000;

bool is_tls_url(const std::string& url) { return url.rfind("ssl://", 0) == 0 || url.rfind("mqtts://", 0) == 0; }

std::string read_password(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("mqtt.password_file: cannot read " + path + ": " + std::strerror(errno));
  std::string password{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();
  if (password.empty()) throw std::runtime_error("mqtt.password_file: " + path + " is empty");
  return password;
}

void require_readable(const char* key, const std::optional<std::string>& path) {
  if (path && ::access(path->c_str(), R_OK) != 0)
    throw std::runtime_error(std::string("mqtt.") + key + ": cannot read " + *path + ": " + std::strerror(errno));
}

// Turns Paho's return code into something a person can act on. Positive
// codes are the broker's CONNACK refusal (MQTT 3.1.1 §3.2.2.3).
std::string describe_connect_failure(int rc, const std::string& paho_message, const std::string& tls_error,
                                     const app::MqttConfig& config) {
  switch (rc) {
    case 1: return "the broker refused the MQTT protocol version (3.1.1)";
    case 2: return "the broker rejected client id '" + config.client_id + "' (mqtt.client_id)";
    case 3: return "the broker is unavailable (it refused the connection as a server)";
    case 4: return "bad username or password (mqtt.username, mqtt.password_file)";
    case 5:
      return config.username ? "not authorized: the broker refused user '" + *config.username +
                                   "' with this password (mqtt.username, mqtt.password_file)"
                             : "not authorized: the broker requires a username and password "
                               "(mqtt.username, mqtt.password_file)";
    default: break;
  }
  if (!tls_error.empty()) return "TLS handshake failed: " + tls_error + " (mqtt.ca_file, mqtt.cert_file, mqtt.key_file)";
  std::string reason = "cannot connect to " + config.url + " (broker down, unreachable, or refusing connections";
  if (is_tls_url(config.url)) reason += ", or the TLS handshake failed";
  reason += ")";
  if (!paho_message.empty()) reason += ": " + paho_message;
  return reason;
}

std::string join(const std::vector<std::pair<std::string, int>>& filters) {
  std::string out;
  for (const auto& f : filters) out += (out.empty() ? "" : ",") + f.first;
  return out;
}

}  // namespace

struct Client::Impl final : paho::iaction_listener {
  struct PendingPublish {
    std::string topic;
    PublishDone done;
  };

  Impl(const app::MqttConfig& config, Poster poster);

  void post(std::function<void()> work);
  void close();
  void run();
  bool connect_once(std::string& failure);
  void subscribe_all();
  void send(std::string topic, std::string payload, int qos, bool retain, PublishDone done);
  std::unique_ptr<PendingPublish> take(void* context);
  void on_success(const paho::token& tok) override;
  void on_failure(const paho::token& tok) override;
  void on_lost(const std::string& cause);

  app::MqttConfig config_;
  Poster post_;
  std::string status_topic_;
  paho::connect_options connect_options_;
  seconds connect_timeout_;

  std::shared_ptr<const MessageHandler> on_message_;
  std::shared_ptr<const ConnectedHandler> on_connected_;
  std::shared_ptr<const ConnectionLostHandler> on_connection_lost_;

  mutable std::mutex mutex_;  // guards the state below and wakes the connection thread
  std::condition_variable wake_;
  std::vector<std::pair<std::string, int>> filters_;
  std::string last_tls_error_;
  bool started_ = false;
  bool stopping_ = false;
  bool connected_ = false;
  bool lost_ = false;

  // After stop() nothing is posted; stop() waits for posts in progress.
  std::mutex post_mutex_;
  std::condition_variable posts_done_;
  int posting_ = 0;
  bool closed_ = false;

  std::mutex pending_mutex_;
  std::unordered_map<void*, std::unique_ptr<PendingPublish>> pending_;

  std::thread thread_;
  // Last member: destroyed first, so no Paho callback outlives what it uses.
  paho::async_client cli_;
};

namespace {

paho::create_options create_options() {
  paho::create_options opts;
  opts.set_max_buffered_messages(kMaxBufferedMessages);
  opts.set_send_while_disconnected(true, true);
  opts.set_delete_oldest_messages(false);
  return opts;
}

}  // namespace

Client::Impl::Impl(const app::MqttConfig& config, Poster poster)
    : config_(config),
      post_(std::move(poster)),
      status_topic_(config.topic_prefix + "/status"),
      connect_timeout_(std::min(config.keepalive_s, 10)),
      // No client-side persistence (nullptr): the broker's session keeps
      // what the daemon has not received, and state that matters outbound
      // is republished on connect.
      cli_(config.url, config.client_id, create_options(), nullptr) {
  require_readable("ca_file", config.ca_file);
  require_readable("cert_file", config.cert_file);
  require_readable("key_file", config.key_file);

  connect_options_.set_mqtt_version(MQTTVERSION_3_1_1);
  connect_options_.set_clean_session(false);
  connect_options_.set_keep_alive_interval(config.keepalive_s);
  connect_options_.set_connect_timeout(static_cast<int>(connect_timeout_.count()));
  connect_options_.set_automatic_reconnect(false);  // ours: it also covers the first connect
  connect_options_.set_will(paho::will_options(status_topic_, std::string("offline"), 1, true));
  if (config.username) connect_options_.set_user_name(*config.username);
  if (config.password_file) connect_options_.set_password(read_password(*config.password_file));

  if (is_tls_url(config.url)) {
    paho::ssl_options ssl;
    if (config.ca_file) ssl.set_trust_store(*config.ca_file);
    if (config.cert_file) ssl.set_key_store(*config.cert_file);
    if (config.key_file) ssl.set_private_key(*config.key_file);
    ssl.set_enable_server_cert_auth(true);
    ssl.set_verify(true);  // the broker's certificate must name the host in mqtt.url
    ssl.set_error_handler([this](const std::string& error) {
      std::lock_guard lock(mutex_);
      last_tls_error_ = error;
    });
    connect_options_.set_ssl(std::move(ssl));
  } else if (config.ca_file || config.cert_file) {
    spdlog::warn("mqtt.tls_ignored url={} reason=\"ca_file/cert_file are only used with ssl:// or mqtts:// URLs\"",
                 config.url);
  }

  cli_.set_message_callback([this](paho::const_message_ptr m) {
    if (!on_message_) return;
    Message msg{m->get_topic(), m->get_payload_str(), m->get_qos(), m->is_retained(), m->is_duplicate()};
    post([handler = on_message_, msg = std::move(msg)]() mutable { (*handler)(std::move(msg)); });
  });
  cli_.set_connection_lost_handler([this](const std::string& cause) { on_lost(cause); });
}

void Client::Impl::post(std::function<void()> work) {
  std::unique_lock lock(post_mutex_);
  if (closed_) return;
  ++posting_;
  lock.unlock();
  post_(std::move(work));  // not under the lock: a Poster may run the work inline
  lock.lock();
  if (--posting_ == 0) posts_done_.notify_all();
}

void Client::Impl::close() {
  std::unique_lock lock(post_mutex_);
  closed_ = true;
  posts_done_.wait(lock, [&] { return posting_ == 0; });
}

void Client::Impl::on_lost(const std::string& cause) {
  spdlog::warn("mqtt.connection_lost url={} cause=\"{}\"", config_.url, cause.empty() ? "connection closed" : cause);
  {
    std::lock_guard lock(mutex_);
    lost_ = true;
  }
  wake_.notify_all();
  if (on_connection_lost_) post([handler = on_connection_lost_, cause] { (*handler)(cause); });
}

// The connection thread: connect, then wait for a loss or stop(); on failure
// wait and double the wait up to reconnect_max_s.
void Client::Impl::run() {
  const seconds min_wait{config_.reconnect_min_s};
  const seconds max_wait{config_.reconnect_max_s};
  seconds wait = min_wait;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lost_ = false;
    lock.unlock();
    std::string failure;
    const bool ok = connect_once(failure);
    lock.lock();
    if (ok) {
      wait = min_wait;
      connected_ = !lost_;
      wake_.wait(lock, [&] { return stopping_ || lost_; });
      connected_ = false;
      if (stopping_) break;
    } else {
      spdlog::warn("mqtt.connect_failed url={} client_id={} reason=\"{}\" retry_in_s={}", config_.url,
                   config_.client_id, failure, wait.count());
    }
    // After a loss too: two daemons sharing a client id take the session
    // from each other, and must not do so in a tight loop.
    wake_.wait_for(lock, wait, [&] { return stopping_; });
    if (!ok) wait = std::min(wait * 2, max_wait);
  }
}

bool Client::Impl::connect_once(std::string& failure) {
  {
    std::lock_guard lock(mutex_);
    last_tls_error_.clear();
  }
  bool session_present = false;
  try {
    auto tok = cli_.connect(connect_options_);
    if (!tok->wait_for(connect_timeout_ + seconds{5})) {
      failure = "no answer from " + config_.url + " within " + std::to_string(connect_timeout_.count() + 5) + " s";
      return false;
    }
    session_present = tok->get_connect_response().is_session_present();
  } catch (const paho::exception& e) {
    std::lock_guard lock(mutex_);
    failure = describe_connect_failure(e.get_return_code(), e.get_message(), last_tls_error_, config_);
    return false;
  }
  spdlog::info("mqtt.connected url={} client_id={} session_present={}", config_.url, config_.client_id,
               session_present);
  subscribe_all();
  send(status_topic_, "online", 1, true, {});
  if (on_connected_) post([handler = on_connected_, session_present] { (*handler)(session_present); });
  return true;
}

// Subscribes every remembered filter. Waiting here is fine: this is our
// connection thread, not Paho's.
void Client::Impl::subscribe_all() {
  std::vector<std::pair<std::string, int>> filters;
  {
    std::lock_guard lock(mutex_);
    filters = filters_;
  }
  if (filters.empty()) return;
  auto topics = std::make_shared<paho::string_collection>();
  std::vector<int> qos;
  for (const auto& [filter, q] : filters) {
    topics->push_back(filter);
    qos.push_back(q);
  }
  try {
    auto tok = cli_.subscribe(topics, qos);
    if (!tok->wait_for(connect_timeout_ + seconds{5})) {
      spdlog::error("mqtt.subscribe_failed filters=\"{}\" reason=\"no SUBACK within {} s\"", join(filters),
                    connect_timeout_.count() + 5);
      return;
    }
    const auto granted = tok->get_subscribe_response().get_reason_codes();
    for (std::size_t i = 0; i < granted.size() && i < filters.size(); ++i) {
      if (granted[i] > paho::ReasonCode::GRANTED_QOS_2)
        spdlog::error("mqtt.subscribe_failed filter=\"{}\" reason=\"refused by the broker (check its ACL)\"",
                      filters[i].first);
    }
    spdlog::info("mqtt.subscribed filters=\"{}\" qos={}", join(filters), filters.front().second);
  } catch (const paho::exception& e) {
    // A connection lost meanwhile is reported by on_lost; the next connect subscribes again.
    spdlog::error("mqtt.subscribe_failed filters=\"{}\" reason=\"{}\"", join(filters), e.get_message());
  }
}

void Client::Impl::send(std::string topic, std::string payload, int qos, bool retain, PublishDone done) {
  auto pending = std::make_unique<PendingPublish>(PendingPublish{topic, std::move(done)});
  void* context = pending.get();
  {
    std::lock_guard lock(pending_mutex_);
    pending_.emplace(context, std::move(pending));
  }
  try {
    cli_.publish(paho::make_message(std::move(topic), std::move(payload), qos, retain), context, *this);
  } catch (const paho::exception& e) {
    auto p = take(context);
    spdlog::error("mqtt.publish_failed topic={} error=\"{}\"", p->topic, e.get_message());
    if (p->done) post([done = std::move(p->done), error = e.get_message()] { done(false, error); });
  }
}

std::unique_ptr<Client::Impl::PendingPublish> Client::Impl::take(void* context) {
  std::lock_guard lock(pending_mutex_);
  auto it = pending_.find(context);
  if (it == pending_.end()) return nullptr;
  auto p = std::move(it->second);
  pending_.erase(it);
  return p;
}

void Client::Impl::on_success(const paho::token& tok) {
  auto p = take(tok.get_user_context());
  if (p && p->done) post([done = std::move(p->done)] { done(true, {}); });
}

void Client::Impl::on_failure(const paho::token& tok) {
  auto p = take(tok.get_user_context());
  if (!p) return;
  const std::string error = paho::exception::error_str(tok.get_return_code());
  spdlog::error("mqtt.publish_failed topic={} error=\"{}\"", p->topic, error);
  if (p->done) post([done = std::move(p->done), error] { done(false, error); });
}

Client::Client(const app::MqttConfig& config, Poster post) : impl_(std::make_unique<Impl>(config, std::move(post))) {}

Client::~Client() { stop(); }

void Client::on_message(MessageHandler handler) {
  impl_->on_message_ = std::make_shared<const MessageHandler>(std::move(handler));
}
void Client::on_connected(ConnectedHandler handler) {
  impl_->on_connected_ = std::make_shared<const ConnectedHandler>(std::move(handler));
}
void Client::on_connection_lost(ConnectionLostHandler handler) {
  impl_->on_connection_lost_ = std::make_shared<const ConnectionLostHandler>(std::move(handler));
}

void Client::subscribe(const std::vector<std::string>& filters, int qos) {
  {
    std::lock_guard lock(impl_->mutex_);
    for (const auto& f : filters) {
      auto it = std::find_if(impl_->filters_.begin(), impl_->filters_.end(), [&](const auto& p) { return p.first == f; });
      if (it == impl_->filters_.end()) impl_->filters_.emplace_back(f, qos);
      else it->second = qos;
    }
  }
  // Not yet connected: the next connect subscribes. Connected (or just
  // connecting): subscribe now; a second SUBSCRIBE of a filter is harmless.
  if (!impl_->cli_.is_connected()) return;
  for (const auto& f : filters) {
    try {
      impl_->cli_.subscribe(f, qos);
    } catch (const ::mqtt::exception& e) {
      spdlog::error("mqtt.subscribe_failed filter=\"{}\" reason=\"{}\"", f, e.get_message());
    }
  }
}

void Client::publish(std::string topic, std::string payload, int qos, bool retain, PublishDone done) {
  {
    std::lock_guard lock(impl_->mutex_);
    if (impl_->stopping_) {
      spdlog::error("mqtt.publish_failed topic={} error=\"client stopped\"", topic);
      if (done) impl_->post([done = std::move(done)] { done(false, "client stopped"); });
      return;
    }
  }
  impl_->send(std::move(topic), std::move(payload), qos, retain, std::move(done));
}

void Client::start() {
  std::lock_guard lock(impl_->mutex_);
  if (impl_->started_) return;
  impl_->started_ = true;
  impl_->thread_ = std::thread([this] { impl_->run(); });
}

void Client::stop(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(impl_->mutex_);
    if (impl_->stopping_) return;
    impl_->stopping_ = true;
  }
  impl_->wake_.notify_all();
  if (impl_->thread_.joinable()) impl_->thread_.join();
  auto& cli = impl_->cli_;
  if (cli.is_connected()) {
    impl_->send(impl_->status_topic_, "offline", 1, true, {});
    // Wait for the acks ourselves: Paho's own wait in disconnect() only
    // notices them on its 1 s polling cycle.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (const auto& tok : cli.get_pending_delivery_tokens()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      try {
        tok->wait_for(left);
      } catch (const ::mqtt::exception&) {
        // Reported by on_failure as mqtt.publish_failed.
      }
    }
    try {
      cli.disconnect(0)->wait_for(std::chrono::seconds{2});
    } catch (const ::mqtt::exception& e) {
      spdlog::warn("mqtt.disconnect_failed error=\"{}\"", e.get_message());
    }
  }
  const auto unsent = cli.get_pending_delivery_tokens().size();
  spdlog::info("mqtt.stopped client_id={} unsent={}", impl_->config_.client_id, unsent);
  impl_->close();
}

bool Client::connected() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->connected_;
}

std::string Client::status_topic() const { return impl_->status_topic_; }

}  // namespace steritrack::mqtt
