#include "support/broker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace steritrack::testkit {
namespace {

constexpr const char* kMosquitto = "/usr/sbin/mosquitto";

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto a = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

void run_checked(const std::vector<std::string>& argv) {
  const auto r = run_command(argv);
  if (r.exit_code != 0) throw std::runtime_error(argv[0] + " failed: " + r.err + r.out);
}

// mosquitto started as root drops to the mosquitto user before it reads
// the password file or writes persistence: let that user in.
void open_up(const std::filesystem::path& p, std::filesystem::perms perms) {
  std::filesystem::permissions(p, perms, std::filesystem::perm_options::replace);
}

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  auto a = loopback(0);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    const int e = errno;
    ::close(fd);
    throw std::system_error(e, std::generic_category(), "bind 127.0.0.1:0");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

TestPki make_test_pki(const std::filesystem::path& dir) {
  TestPki pki{dir / "ca.crt", dir / "server.crt", dir / "server.key", dir / "client.crt", dir / "client.key"};
  open_up(dir, std::filesystem::perms(0755));
  const std::string ec = "ec", curve = "ec_paramgen_curve:prime256v1";
  run_checked({"openssl", "req", "-x509", "-newkey", ec, "-pkeyopt", curve, "-nodes", "-days", "2", "-subj",
               "/CN=steritrack test CA", "-keyout", (dir / "ca.key").string(), "-out", pki.ca_cert.string()});
  std::ofstream(dir / "server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  std::ofstream(dir / "client.ext") << "extendedKeyUsage=clientAuth\n";
  for (const std::string who : {"server", "client"}) {
    const auto key = dir / (who + ".key"), csr = dir / (who + ".csr"), crt = dir / (who + ".crt");
    run_checked({"openssl", "req", "-newkey", ec, "-pkeyopt", curve, "-nodes", "-subj",
                 who == "server" ? "/CN=localhost" : "/CN=steritrackd", "-keyout", key.string(), "-out",
                 csr.string()});
    run_checked({"openssl", "x509", "-req", "-in", csr.string(), "-CA", pki.ca_cert.string(), "-CAkey",
                 (dir / "ca.key").string(), "-CAcreateserial", "-days", "2", "-extfile",
                 (dir / (who + ".ext")).string(), "-out", crt.string()});
    open_up(key, std::filesystem::perms(0644));
  }
  return pki;
}

Broker::Broker(BrokerOptions options) : options_(std::move(options)), dir_("steritrack-broker") {
  open_up(dir_.path(), std::filesystem::perms::all);
  std::filesystem::create_directory(dir_ / "persistence");
  open_up(dir_ / "persistence", std::filesystem::perms::all);
  if (!options_.users.empty()) {
    const auto file = dir_ / "passwords";
    bool first = true;
    for (const auto& [user, password] : options_.users) {
      std::vector<std::string> argv{"mosquitto_passwd"};
      if (first) argv.push_back("-c");
      for (const auto& a : {std::string("-b"), file.string(), user, password}) argv.push_back(a);
      run_checked(argv);
      first = false;
    }
    open_up(file, std::filesystem::perms(0644));
  }
  for (int attempt = 0; attempt < 20; ++attempt) {
    port_ = free_port();
    tls_port_ = options_.tls ? free_port() : 0;
    write_config();
    if (launch()) return;
  }
  throw std::runtime_error("mosquitto did not start; its log:\n" + log());
}

Broker::~Broker() {
  if (process_ && process_->running()) {
    process_->signal(SIGKILL);
    process_->wait_for(10s);
  }
}

std::string Broker::url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
std::string Broker::tls_url() const { return "ssl://127.0.0.1:" + std::to_string(tls_port_); }
std::string Broker::log() const { return read_file(dir_ / "mosquitto.log"); }

void Broker::write_config() {
  std::ofstream conf(dir_ / "mosquitto.conf", std::ios::trunc);
  conf << "per_listener_settings false\n"
       << "persistence true\n"
       << "persistence_location " << (dir_ / "persistence").string() << "/\n"
       << "max_queued_messages 0\n"
       << "set_tcp_nodelay true\n"
       << "log_dest stderr\n"
       << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
       << "connection_messages true\n"
       << "log_timestamp_format %H:%M:%S\n";
  if (options_.users.empty()) {
    conf << "allow_anonymous true\n";
  } else {
    conf << "allow_anonymous false\n"
         << "password_file " << (dir_ / "passwords").string() << "\n";
  }
  conf << "listener " << port_ << " 127.0.0.1\n";
  if (options_.tls) {
    conf << "listener " << tls_port_ << " 127.0.0.1\n"
         << "cafile " << options_.tls->ca_file.string() << "\n"
         << "certfile " << options_.tls->cert_file.string() << "\n"
         << "keyfile " << options_.tls->key_file.string() << "\n"
         << "require_certificate " << (options_.tls->require_certificate ? "true" : "false") << "\n";
  }
  conf << options_.extra_config << "\n";
}

bool Broker::launch() {
  Process::Options o;
  o.stderr_path = dir_ / "mosquitto.log";
  o.stdout_path = dir_ / "mosquitto.log";
  process_ = std::make_unique<Process>(std::vector<std::string>{kMosquitto, "-c", (dir_ / "mosquitto.conf").string()}, o);
  // mosquitto opens its listeners right after reading the config: poll
  // until both accept, or it has exited (a port taken meanwhile).
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_->wait_for(10ms)) return false;
    if (accepts(port_) && (!options_.tls || accepts(tls_port_))) return true;
  }
  throw std::runtime_error("mosquitto did not accept connections within 10 s; its log:\n" + log());
}

void Broker::stop() {
  if (!process_ || !process_->running()) return;
  process_->signal(SIGTERM);
  if (!process_->wait_for(20s)) {
    process_->signal(SIGKILL);
    process_->wait_for(10s);
    throw std::runtime_error("mosquitto did not stop on SIGTERM within 20 s");
  }
}

void Broker::kill() {
  if (!process_ || !process_->running()) return;
  process_->signal(SIGKILL);
  process_->wait_for(10s);
}

void Broker::start() {
  if (process_ && process_->running()) return;
  // The same ports: clients reconnect to the URL they were given. A port
  // in TIME_WAIT is fine (mosquitto sets SO_REUSEADDR); one taken by
  // another program shows in the log.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!launch()) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("mosquitto did not restart on port " + std::to_string(port_) + "; its log:\n" + log());
  }
}

bool Broker::running() { return process_ && process_->running(); }

}  // namespace steritrack::testkit
