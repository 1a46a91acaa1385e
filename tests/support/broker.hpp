#pragma once
// A private mosquitto for one test or benchmark: its own config, port,
// persistence folder and log, on 127.0.0.1 only. Configured as docs/mqtt.md
// advises operators (max_queued_messages 0, persistence on) so that tests
// see what production sees.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace steritrack::testkit {

// Certificates for TLS tests, made with openssl in a folder of the caller.
struct TestPki {
  std::filesystem::path ca_cert;
  std::filesystem::path server_cert;  // for 127.0.0.1 and localhost
  std::filesystem::path server_key;
  std::filesystem::path client_cert;  // signed by the same CA
  std::filesystem::path client_key;
};
TestPki make_test_pki(const std::filesystem::path& dir);

struct BrokerOptions {
  struct Tls {
    std::filesystem::path ca_file;
    std::filesystem::path cert_file;
    std::filesystem::path key_file;
    bool require_certificate = false;  // clients must present a certificate signed by ca_file
  };
  std::optional<Tls> tls;  // adds a TLS listener on a second port
  // user -> password, hashed with mosquitto_passwd; anonymous clients are
  // refused when set.
  std::vector<std::pair<std::string, std::string>> users;
  std::string extra_config;  // appended to mosquitto.conf verbatim
};

class Broker {
public:
  explicit Broker(BrokerOptions options = {});  // started and accepting connections on return
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }
  std::string url() const;      // tcp://127.0.0.1:PORT
  std::string tls_url() const;  // ssl://127.0.0.1:TLS_PORT
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string log() const;      // mosquitto's own log so far

  void stop();     // SIGTERM and wait: mosquitto saves sessions and retained messages
  void kill();     // SIGKILL: nothing saved
  void start();    // on the same ports, with the same persistence folder
  void restart() { stop(); start(); }
  bool running();

private:
  void write_config();
  bool launch();  // false if the ports were taken meanwhile

  BrokerOptions options_;
  TempDir dir_;
  int port_ = 0;
  int tls_port_ = 0;
  std::unique_ptr<Process> process_;
};

// A loopback TCP port nobody listens on right now.
int free_port();

}  // namespace steritrack::testkit
