// bench_mqtt: mosquitto's own QoS 1 pipe (the ceiling), the same pipe with
// steritrack's mqtt::Client as the publisher, and mqtt::Client receiving with
// its acknowledge-when-handled delivery, on a private broker.
//   bench_mqtt [--messages N] [--payload BYTES] [--runs R]
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <thread>
#include <mutex>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "bench/broker_pipe.hpp"
#include "mqtt/client.hpp"
#include "support/broker.hpp"

using namespace steritrack;
using bench::median;

namespace {

bench::PipeResult measure_client_pipe(const std::string& url, std::size_t messages, std::size_t payload) {
  mqtt::Options config;
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

// Receiving through mqtt::Client: each message is handed to a loop thread
// (the daemon's Asio loop in real life) and acknowledged there at once, so
// this is the cost of holding every PUBACK until the daemon says so, before
// any database work.
bench::PipeResult measure_client_receive(const std::string& url, std::size_t messages, std::size_t payload) {
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::function<void()>> queue;
  bool up = false, quit = false;
  std::size_t received = 0;
  std::thread loop([&] {
    std::unique_lock lock(mutex);
    while (true) {
      cv.wait(lock, [&] { return quit || !queue.empty(); });
      if (queue.empty()) return;
      auto work = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      work();
      lock.lock();
    }
  });
  mqtt::Options config;
  config.url = url;
  config.client_id = "bench-receiver";
  config.topic_prefix = "bench";
  using clock = std::chrono::steady_clock;
  clock::time_point first{}, last{};
  {
    mqtt::Client client(config, [&](std::function<void()> work) {
      std::lock_guard lock(mutex);
      queue.push_back(std::move(work));
      cv.notify_all();
    });
    client.on_connected([&](bool) {
      std::lock_guard lock(mutex);
      up = true;
      cv.notify_all();
    });
    client.on_message([&](mqtt::Message, mqtt::Ack ack) {
      ack();
      std::lock_guard lock(mutex);
      if (received++ == 0) first = clock::now();
      if (received == messages) last = clock::now();
      cv.notify_all();
    });
    client.subscribe({"bench/receive"});
    client.start();
    {
      std::unique_lock lock(mutex);
      cv.wait(lock, [&] { return up; });
    }
    bench::publish_pipelined(url, "bench/receive", messages, payload);
    {
      std::unique_lock lock(mutex);
      cv.wait_for(lock, std::chrono::minutes{1}, [&] { return received >= messages; });
    }
    client.stop();
  }
  {
    std::lock_guard lock(mutex);
    quit = true;
    cv.notify_all();
  }
  loop.join();
  return {received, std::chrono::duration<double>(last - first).count()};
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
  std::printf("%-4s %14s %14s %6s %14s %6s\n", "run", "ceiling msg/s", "publish", "ratio", "receive+ack", "ratio");
  std::vector<double> ceiling, out, in;
  for (int r = 1; r <= runs; ++r) {
    ceiling.push_back(bench::measure_broker_pipe(broker.url(), messages, payload).rate());
    out.push_back(measure_client_pipe(broker.url(), messages, payload).rate());
    in.push_back(measure_client_receive(broker.url(), messages, payload).rate());
    std::printf("%-4d %14.0f %14.0f %6.2f %14.0f %6.2f\n", r, ceiling.back(), out.back(), out.back() / ceiling.back(),
                in.back(), in.back() / ceiling.back());
  }
  const double c = median(ceiling), o = median(out), i = median(in);
  std::printf("%-4s %14.0f %14.0f %6.2f %14.0f %6.2f\n", "med", c, o, o / c, i, i / c);
  return 0;
}
