// mqtt_probe --config FILE: mqtt::Client alone in a process, configured from
// the [mqtt] table of a daemon config. Tests kill -9 it to see the broker
// publish its last will, and use it as a stand-in daemon for the fixture's
// own tests. Logs what it receives on <prefix>/probe/# as probe.message, and
// never acknowledges a message on <prefix>/probe/never-ack (as if killed
// before its commit).
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "app/config.hpp"
#include "mqtt/client.hpp"

int main(int argc, char** argv) {
  using namespace steritrack;
  if (argc != 3 || std::string(argv[1]) != "--config") {
    std::cerr << "usage: mqtt_probe --config FILE\n";
    return 2;
  }
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);  // before any thread starts

  spdlog::set_default_logger(spdlog::stderr_logger_mt("probe"));
  try {
    const app::Config config = app::load_config(argv[2]);
    // Handlers only log: running them inline on the calling thread is fine here.
    mqtt::Client client(config.mqtt, [](std::function<void()> work) { work(); });
    std::vector<mqtt::Ack> never_acknowledged;
    client.on_message([&](mqtt::Message m, mqtt::Ack ack) {
      spdlog::info("probe.message topic={} payload={} duplicate={}", m.topic, m.payload, m.duplicate);
      if (m.topic == config.mqtt.topic_prefix + "/probe/never-ack") never_acknowledged.push_back(std::move(ack));
    });
    client.on_connected([](bool session_present) { spdlog::info("probe.connected session_present={}", session_present); });
    client.subscribe({config.mqtt.topic_prefix + "/probe/#"});
    client.start();
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (!client.stop(std::chrono::seconds{1})) return 3;  // abandoned: a message was never acknowledged
  } catch (const std::exception& e) {
    spdlog::error("probe.failed error=\"{}\"", e.what());
    return 1;
  }
  return 0;
}
