// bench_mqtt: mosquitto's own QoS 1 pipe (the ceiling) and the same pipe
// with steritrack's mqtt::Client as the publisher, on a private broker.
//   bench_mqtt [--messages N] [--payload BYTES] [--runs R]
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "bench/broker_pipe.hpp"
#include "mqtt/client.hpp"
#include "support/broker.hpp"

using namespace steritrack;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

bench::PipeResult measure_client_pipe(const std::string& url, std::size_t messages, std::size_t payload) {
  app::MqttConfig config;
  config.url = url;
  config.client_id = "bench-client";
  config.topic_prefix = "bench";
  std::mutex mutex;
  std::condition_variable cv;
  bool up = false;
  // Handlers only flip a flag: running them inline is enough here.
  mqtt::Client client(config, [](std::function<void()> work) { work(); });
  client.on_connected([&](bool) {
    std::lock_guard lock(mutex);
    up = true;
    cv.notify_all();
  });
  client.start();
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return up; });
  }
  const auto result = bench::measure_pipe(url, messages, payload, [&](const std::string& topic, const std::string& p) {
    client.publish(topic, p, 1, false);
  });
  client.stop();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t messages = 20000, payload = 200;
  int runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--messages")) messages = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--payload")) payload = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
  }
  if (messages == 0 || runs <= 0) {
    std::fprintf(stderr, "usage: bench_mqtt [--messages N] [--payload BYTES] [--runs R]\n");
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  testkit::Broker broker;
  std::printf("mosquitto QoS 1 pipe, %zu messages of %zu B, %d runs, broker %s\n", messages, payload, runs,
              broker.url().c_str());
  std::printf("%-4s %16s %16s %8s\n", "run", "ceiling msg/s", "mqtt::Client", "ratio");
  std::vector<double> ceiling, ours;
  for (int r = 1; r <= runs; ++r) {
    ceiling.push_back(bench::measure_broker_pipe(broker.url(), messages, payload).rate());
    ours.push_back(measure_client_pipe(broker.url(), messages, payload).rate());
    std::printf("%-4d %16.0f %16.0f %8.2f\n", r, ceiling.back(), ours.back(), ours.back() / ceiling.back());
  }
  const double c = median(ceiling), o = median(ours);
  std::printf("%-4s %16.0f %16.0f %8.2f\n", "med", c, o, o / c);
  return 0;
}
