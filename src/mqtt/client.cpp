#include "mqtt/client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
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

// Whether something accepts TCP connections at the URL's host and port
// (numeric IPv4 hosts; others are not probed). Tells a failed TLS handshake
// from a broker that is down: Paho's own TLS error callback cannot be used,
// as it is called with a pointer to a copy of the options that Paho has
// already destroyed.
bool accepts_tcp(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const std::string rest = url.substr(scheme_end + 3);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  int port = 0;
  const std::string port_text = rest.substr(colon + 1);
  if (std::from_chars(port_text.data(), port_text.data() + port_text.size(), port).ec != std::errc{} || port <= 0 ||
      port > 65535)
    return false;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, rest.substr(0, colon).c_str(), &addr.sin_addr) != 1) return false;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval timeout{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

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
                                     const mqtt::Options& config) {
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

// Paho leaves Nagle's algorithm on, and the daemon writes a PUBACK and then
// the scan's feedback back to back: with Nagle the feedback waits for the
// broker's delayed ACK of the PUBACK, 40 ms on Linux. Paho does not expose
// its socket, so this sets TCP_NODELAY on every TCP socket of the process;
// in steritrackd those are the MQTT connections only.
void disable_nagle_on_tcp_sockets() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const std::string name = entry.path().filename().string();
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc{}) continue;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    int type = 0;
    socklen_t len = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) continue;
    sockaddr_storage address{};
    len = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len) != 0) continue;
    if (address.ss_family != AF_INET && address.ss_family != AF_INET6) continue;
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
}

std::string join(const std::vector<std::pair<std::string, int>>& filters) {
  std::string out;
  for (const auto& f : filters) out += (out.empty() ? "" : ",") + f.first;
  return out;
}

}  // namespace

// One received message's acknowledgement: Paho's message callback waits on
// the latch, and Paho sends the PUBACK when that callback returns.
struct AckLatch {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;

  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    opened.notify_all();
  }
};

struct Ack::State {
  explicit State(std::shared_ptr<AckLatch> l) : latch(std::move(l)) {}
  ~State() { latch->release(); }  // the last copy of the Ack went away
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  std::shared_ptr<AckLatch> latch;
};

void Ack::operator()() const {
  if (state_) state_->latch->release();
}

// Paho runs message callbacks holding its global lock, so every Paho call
// made while a message waits for its Ack blocks. Only the two threads here
// call Paho: the connection thread (connect, subscribe, stop) and the sender
// (publish). Callers only queue work for them.
struct Client::Impl final : paho::iaction_listener {
  struct Outgoing {
    std::string topic;
    std::string payload;
    int qos;
    bool retain;
    PublishDone done;
  };
  struct PendingPublish {
    std::string topic;
    PublishDone done;
  };

  Impl(const mqtt::Options& config, Poster poster);

  void post(std::function<void()> work);
  void close();
  void deliver(const paho::const_message_ptr& m);
  void on_lost(const std::string& cause);
  void run();
  bool connect_once(std::string& failure);
  void subscribe_all();
  bool wait_token(const paho::token_ptr& tok, std::chrono::milliseconds timeout);
  void shutdown();
  void abandon(const std::string& reason);
  void finish(bool clean);
  void watch_stop();
  void send_loop();
  void send(Outgoing out);
  std::unique_ptr<PendingPublish> take(void* context);
  void on_success(const paho::token& tok) override;
  void on_failure(const paho::token& tok) override;

  mqtt::Options config_;
  Poster post_;
  std::string status_topic_;
  paho::connect_options connect_options_;
  seconds connect_timeout_;

  std::shared_ptr<const MessageHandler> on_message_;
  std::shared_ptr<const ConnectedHandler> on_connected_;
  std::shared_ptr<const ConnectionLostHandler> on_connection_lost_;

  mutable std::mutex mutex_;        // guards everything down to the threads
  std::condition_variable wake_;    // the connection thread
  std::condition_variable outbox_changed_;
  std::condition_variable finished_changed_;
  std::vector<std::pair<std::string, int>> filters_;
  bool started_ = false;
  bool stop_requested_ = false;
  bool connected_ = false;
  bool lost_ = false;
  bool resubscribe_ = false;
  std::function<void(bool)> stop_done_;
  std::chrono::milliseconds stop_timeout_{0};
  std::deque<Outgoing> outbox_;
  bool sending_ = false;       // the sender is inside a Paho publish call
  bool outbox_closed_ = false;
  std::shared_ptr<AckLatch> waiting_ack_;  // the message Paho's thread holds back, if any
  bool finishing_ = false;
  bool finished_ = false;
  bool abandoned_ = false;

  // After stop nothing is posted; close() waits for posts in progress.
  std::mutex post_mutex_;
  std::condition_variable posts_done_;
  int posting_ = 0;
  bool closed_ = false;

  std::mutex pending_mutex_;
  std::unordered_map<void*, std::unique_ptr<PendingPublish>> pending_;

  std::thread connection_thread_;
  std::thread sender_thread_;
  std::thread stop_watch_;  // enforces the stop deadline even if a Paho call blocks
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

Client::Impl::Impl(const mqtt::Options& config, Poster poster)
    : config_(config),
      post_(std::move(poster)),
      status_topic_(config.topic_prefix + "/status"),
      connect_timeout_(std::min(config.keepalive_s, 10)),
      // No client-side persistence (nullptr): the broker's session keeps
      // what the daemon has not acknowledged, and outbound state that
      // matters is republished on connect.
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
    connect_options_.set_ssl(std::move(ssl));
  } else if (config.ca_file || config.cert_file) {
    spdlog::warn("mqtt.tls_ignored url={} reason=\"ca_file/cert_file are only used with ssl:// or mqtts:// URLs\"",
                 config.url);
  }

  cli_.set_message_callback([this](paho::const_message_ptr m) { deliver(m); });
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

// On Paho's receive thread. Returning from here makes Paho send the PUBACK,
// so it returns only once the daemon has acknowledged the message.
void Client::Impl::deliver(const paho::const_message_ptr& m) {
  if (!on_message_) return;
  auto latch = std::make_shared<AckLatch>();
  {
    std::unique_lock lock(mutex_);
    // An abandoned connection must acknowledge nothing more: keep Paho's
    // thread here until the process exits.
    wake_.wait(lock, [&] { return !abandoned_; });
    waiting_ack_ = latch;
  }
  Message msg{m->get_topic(), m->get_payload_str(), m->get_qos(), m->is_retained(), m->is_duplicate()};
  // The posted work holds the only Ack: if it is dropped unrun, the latch opens.
  post([handler = on_message_, msg = std::move(msg), ack = Ack(std::make_shared<Ack::State>(latch))]() mutable {
    (*handler)(std::move(msg), std::move(ack));
  });
  {
    std::unique_lock lock(latch->mutex);
    latch->opened.wait(lock, [&] { return latch->open; });
  }
  {
    std::unique_lock lock(mutex_);
    if (waiting_ack_ == latch) waiting_ack_.reset();
    wake_.wait(lock, [&] { return !abandoned_; });
  }
  wake_.notify_all();
}

void Client::Impl::on_lost(const std::string& cause) {
  spdlog::warn("mqtt.connection_lost url={} cause=\"{}\"", config_.url, cause.empty() ? "connection closed" : cause);
  {
    std::lock_guard lock(mutex_);
    lost_ = true;
    connected_ = false;
  }
  wake_.notify_all();
  if (on_connection_lost_) post([handler = on_connection_lost_, cause] { (*handler)(cause); });
}

// The connection thread: connect, then wait for a loss, a new subscription
// or stop; on failure wait and double the wait up to reconnect_max_s.
void Client::Impl::run() {
  const seconds min_wait{config_.reconnect_min_s};
  const seconds max_wait{config_.reconnect_max_s};
  seconds wait = min_wait;
  std::unique_lock lock(mutex_);
  while (!stop_requested_) {
    lost_ = false;
    resubscribe_ = false;
    lock.unlock();
    std::string failure;
    const bool ok = connect_once(failure);
    lock.lock();
    if (ok) {
      wait = min_wait;
      while (true) {
        wake_.wait(lock, [&] { return stop_requested_ || lost_ || resubscribe_; });
        if (stop_requested_ || lost_) break;
        resubscribe_ = false;
        lock.unlock();
        subscribe_all();
        lock.lock();
      }
      if (stop_requested_) break;
    } else if (!stop_requested_) {
      spdlog::warn("mqtt.connect_failed url={} client_id={} reason=\"{}\" retry_in_s={}", config_.url,
                   config_.client_id, failure, wait.count());
    }
    // After a loss too: two daemons sharing a client id take the session
    // from each other, and must not do so in a tight loop.
    wake_.wait_for(lock, wait, [&] { return stop_requested_; });
    if (!ok) wait = std::min(wait * 2, max_wait);
  }
  lock.unlock();
  shutdown();
}

// Waits for a token on the connection thread, giving up early on stop.
bool Client::Impl::wait_token(const paho::token_ptr& tok, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!tok->wait_for(std::chrono::milliseconds{100})) {
    std::lock_guard lock(mutex_);
    if (stop_requested_ || std::chrono::steady_clock::now() >= deadline) return false;
  }
  return true;
}

bool Client::Impl::connect_once(std::string& failure) {
  bool session_present = false;
  try {
    auto tok = cli_.connect(connect_options_);
    if (!wait_token(tok, connect_timeout_ + seconds{5})) {
      failure = "no answer from " + config_.url + " within " + std::to_string(connect_timeout_.count() + 5) + " s";
      return false;
    }
    session_present = tok->get_connect_response().is_session_present();
  } catch (const paho::exception& e) {
    const int rc = e.get_return_code();
    const bool handshake = is_tls_url(config_.url) && (rc < 1 || rc > 5) && accepts_tcp(config_.url);
    failure = describe_connect_failure(
        rc, e.get_message(), handshake ? "the broker answers but the handshake did not complete" : "", config_);
    return false;
  }
  {
    std::lock_guard lock(mutex_);
    connected_ = !lost_;
  }
  spdlog::info("mqtt.connected url={} client_id={} session_present={}", config_.url, config_.client_id,
               session_present);
  disable_nagle_on_tcp_sockets();
  subscribe_all();
  {
    std::lock_guard lock(mutex_);
    outbox_.push_back({status_topic_, "online", 1, true, {}});
  }
  outbox_changed_.notify_all();
  if (on_connected_) post([handler = on_connected_, session_present] { (*handler)(session_present); });
  return true;
}

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
    if (!wait_token(tok, connect_timeout_ + seconds{5})) {
      std::lock_guard lock(mutex_);
      if (stop_requested_) return;
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

// The stop sequence, on the connection thread. The daemon keeps handling
// (and acknowledging) messages meanwhile, so Paho's lock comes free.
void Client::Impl::shutdown() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + stop_timeout_;
  if (!wake_.wait_until(lock, deadline, [&] { return waiting_ack_ == nullptr; })) {
    lock.unlock();
    abandon("a message was still waiting for its acknowledgement");
    return;
  }
  const bool was_connected = connected_;
  if (was_connected) outbox_.push_back({status_topic_, "offline", 1, true, {}});
  outbox_changed_.notify_all();
  // What is queued goes out before the DISCONNECT.
  outbox_changed_.wait_until(lock, deadline, [&] { return outbox_.empty() && !sending_; });
  outbox_closed_ = true;
  outbox_changed_.notify_all();
  lock.unlock();
  if (was_connected) {
    for (const auto& tok : cli_.get_pending_delivery_tokens()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      try {
        tok->wait_for(left);
      } catch (const paho::exception&) {
        // Reported by on_failure as mqtt.publish_failed.
      }
    }
    try {
      // Timeout 0: we waited for the acks ourselves; Paho's own wait in
      // disconnect() only looks once a second.
      cli_.disconnect(0)->wait_for(seconds{2});
    } catch (const paho::exception& e) {
      spdlog::warn("mqtt.disconnect_failed error=\"{}\"", e.get_message());
    }
  }
  spdlog::info("mqtt.stopped client_id={} unsent={}", config_.client_id, cli_.get_pending_delivery_tokens().size());
  finish(true);
}

// Gives up on the connection without acknowledging anything more: the
// process exits, the broker sees the connection drop, publishes the will
// and delivers the unacknowledged message again on the next start.
void Client::Impl::abandon(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (finishing_) return;
    abandoned_ = true;
    outbox_closed_ = true;
  }
  spdlog::error("mqtt.stop_abandoned client_id={} reason=\"{}; not acknowledged, it comes again after restart\"",
                config_.client_id, reason);
  wake_.notify_all();
  outbox_changed_.notify_all();
  finish(false);
}

void Client::Impl::finish(bool clean) {
  std::function<void(bool)> done;
  {
    std::lock_guard lock(mutex_);
    if (finishing_) return;  // the other of shutdown() and watch_stop() came first
    finishing_ = true;
    done = std::move(stop_done_);
  }
  if (done) post([done = std::move(done), clean] { done(clean); });
  close();
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  finished_changed_.notify_all();
}

// A Paho call on the connection thread blocks for as long as a message
// waits for its Ack; the deadline holds anyway.
void Client::Impl::watch_stop() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + stop_timeout_ + seconds{2};
  if (finished_changed_.wait_until(lock, deadline, [&] { return finishing_; })) return;
  lock.unlock();
  abandon("the stop did not complete in time");
}

void Client::Impl::send_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    outbox_changed_.wait(lock, [&] { return !outbox_.empty() || outbox_closed_; });
    if (outbox_.empty()) return;
    Outgoing out = std::move(outbox_.front());
    outbox_.pop_front();
    sending_ = true;
    lock.unlock();
    send(std::move(out));
    lock.lock();
    sending_ = false;
    outbox_changed_.notify_all();
  }
}

void Client::Impl::send(Outgoing out) {
  auto pending = std::make_unique<PendingPublish>(PendingPublish{out.topic, std::move(out.done)});
  void* context = pending.get();
  {
    std::lock_guard lock(pending_mutex_);
    pending_.emplace(context, std::move(pending));
  }
  try {
    cli_.publish(paho::make_message(std::move(out.topic), std::move(out.payload), out.qos, out.retain), context, *this);
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

Client::Client(const mqtt::Options& config, Poster post) : impl_(std::make_unique<Impl>(config, std::move(post))) {}

Client::~Client() {
  stop();
  if (impl_->stop_watch_.joinable()) impl_->stop_watch_.join();
  bool abandoned = false;
  {
    std::lock_guard lock(impl_->mutex_);
    abandoned = impl_->abandoned_;
    impl_->outbox_closed_ = true;
  }
  if (abandoned) {
    // Paho's thread is parked in deliver() and our sender may be blocked in
    // Paho: destroying them could only block or acknowledge. The process is
    // on its way out; leave them to it.
    static_cast<void>(impl_.release());
    return;
  }
  impl_->outbox_changed_.notify_all();
  if (impl_->connection_thread_.joinable()) impl_->connection_thread_.join();
  if (impl_->sender_thread_.joinable()) impl_->sender_thread_.join();
}

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
    // Connected: the connection thread subscribes now (all filters again,
    // which is harmless); otherwise the next connect does.
    impl_->resubscribe_ = impl_->connected_;
  }
  impl_->wake_.notify_all();
}

void Client::publish(std::string topic, std::string payload, int qos, bool retain, PublishDone done) {
  {
    std::lock_guard lock(impl_->mutex_);
    if (!impl_->outbox_closed_) {
      impl_->outbox_.push_back({std::move(topic), std::move(payload), qos, retain, std::move(done)});
      impl_->outbox_changed_.notify_all();
      return;
    }
  }
  spdlog::error("mqtt.publish_failed topic={} error=\"client stopped\"", topic);
  if (done) impl_->post([done = std::move(done)] { done(false, "client stopped"); });
}

void Client::start() {
  std::lock_guard lock(impl_->mutex_);
  if (impl_->started_ || impl_->stop_requested_) return;
  impl_->started_ = true;
  impl_->sender_thread_ = std::thread([this] { impl_->send_loop(); });
  impl_->connection_thread_ = std::thread([this] { impl_->run(); });
}

void Client::stop_async(std::function<void(bool clean)> done, std::chrono::milliseconds timeout) {
  bool started = false;
  {
    std::lock_guard lock(impl_->mutex_);
    if (impl_->stop_requested_) return;
    impl_->stop_requested_ = true;
    impl_->stop_done_ = std::move(done);
    impl_->stop_timeout_ = timeout;
    started = impl_->started_;
    if (!started) impl_->outbox_closed_ = true;
  }
  impl_->wake_.notify_all();
  if (started) impl_->stop_watch_ = std::thread([this] { impl_->watch_stop(); });
  else impl_->finish(true);
}

bool Client::stop(std::chrono::milliseconds timeout) {
  stop_async({}, timeout);  // a no-op if a stop is under way: then wait for that one
  std::unique_lock lock(impl_->mutex_);
  impl_->finished_changed_.wait(lock, [&] { return impl_->finished_; });  // bounded by watch_stop
  return !impl_->abandoned_;
}

bool Client::connected() const {
  std::lock_guard lock(impl_->mutex_);
  return impl_->connected_;
}

std::string Client::status_topic() const { return impl_->status_topic_; }

}  // namespace steritrack::mqtt
