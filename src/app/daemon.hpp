#pragma once
// steritrackd: one Asio io_context for all I/O, one database writer thread,
// Paho's threads only copy messages into the loop.
#include <memory>

#include "app/config.hpp"

namespace steritrack::app {

// Loads the programs and device profiles the config names, as start-up
// does; throws ConfigError naming the file and key (--check-config).
void check_devices(const Config& config);

class Daemon {
public:
  Daemon(Config config, std::string config_path);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until SIGTERM/SIGINT; returns the process exit code.
  int run();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace steritrack::app
