#pragma once
// How the daemon (and the simulator, the benchmarks) connect to the broker:
// the [mqtt] table of the config, validated by app/config.
#include <optional>
#include <string>

namespace steritrack::mqtt {

struct Options {
  std::string url = "tcp://127.0.0.1:1883";
  std::string client_id = "steritrackd";
  std::string topic_prefix = "steritrack";
  std::optional<std::string> username;
  std::optional<std::string> password_file;  // the password itself never sits in the config
  std::optional<std::string> ca_file;
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  int keepalive_s = 30;
  int reconnect_min_s = 1;
  int reconnect_max_s = 30;

  bool operator==(const Options&) const = default;
};

}  // namespace steritrack::mqtt
