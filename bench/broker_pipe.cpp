#include "bench/broker_pipe.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <mqtt/async_client.h>

namespace steritrack::bench {
namespace {

std::string unique_id(const char* what) {
  static std::atomic<int> n{0};
  return std::string("bench-") + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

::mqtt::create_options create_options(std::size_t messages) {
  ::mqtt::create_options create;
  create.set_max_buffered_messages(static_cast<int>(messages) + 1000);
  return create;
}

::mqtt::connect_options connect_options() {
  ::mqtt::connect_options connect;
  connect.set_clean_session(true);
  connect.set_mqtt_version(MQTTVERSION_3_1_1);
  return connect;
}

}  // namespace

double median(std::vector<double> values) { return percentile(std::move(values), 0.5); }

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size()));
  return values[std::min(values.size() - 1, index)];
}

std::string sample_payload(std::size_t index, std::size_t bytes) {
  std::string p = R"({"id":"bench-)" + std::to_string(index) + R"(","code":"]d2010950600013435217281231)" + "10LOT";
  const std::string tail = R"(","ts":"2026-11-27T08:00:00Z"})";
  if (p.size() + tail.size() < bytes) p.append(bytes - p.size() - tail.size(), 'X');
  return p + tail;
}

PipeResult measure_pipe(const std::string& url, std::size_t messages, std::size_t payload_bytes,
                        const PublishFn& publish) {
  using clock = std::chrono::steady_clock;
  const std::string topic = "bench/" + unique_id("pipe");
  std::mutex mutex;
  std::condition_variable all_in;
  std::size_t received = 0;
  clock::time_point last;
  ::mqtt::async_client subscriber(url, unique_id("sub"), create_options(messages), nullptr);
  subscriber.set_message_callback([&](::mqtt::const_message_ptr) {
    std::lock_guard lock(mutex);
    if (++received == messages) {
      last = clock::now();
      all_in.notify_all();
    }
  });
  subscriber.connect(connect_options())->wait();
  subscriber.subscribe(topic, 1)->wait();

  std::vector<std::string> payloads;
  payloads.reserve(messages);
  for (std::size_t i = 0; i < messages; ++i) payloads.push_back(sample_payload(i, payload_bytes));

  const auto first = clock::now();
  for (const auto& p : payloads) publish(topic, p);
  {
    std::unique_lock lock(mutex);
    if (!all_in.wait_for(lock, std::chrono::minutes{1}, [&] { return received >= messages; }))
      throw std::runtime_error("broker pipe: " + std::to_string(received) + " of " + std::to_string(messages) +
                               " messages arrived within a minute");
  }
  subscriber.disconnect()->wait();
  return {messages, std::chrono::duration<double>(last - first).count()};
}

PipeResult measure_broker_pipe(const std::string& url, std::size_t messages, std::size_t payload_bytes) {
  ::mqtt::async_client publisher(url, unique_id("pub"), create_options(messages), nullptr);
  publisher.connect(connect_options())->wait();
  ::mqtt::delivery_token_ptr last;
  const auto result = measure_pipe(url, messages, payload_bytes, [&](const std::string& topic, const std::string& p) {
    last = publisher.publish(topic, p.data(), p.size(), 1, false);
  });
  if (last) last->wait();
  publisher.disconnect()->wait();
  return result;
}

void publish_pipelined(const std::string& url, const std::string& topic, std::size_t messages,
                       std::size_t payload_bytes) {
  ::mqtt::async_client publisher(url, unique_id("pub"), create_options(messages), nullptr);
  publisher.connect(connect_options())->wait();
  ::mqtt::delivery_token_ptr last;
  for (std::size_t i = 0; i < messages; ++i) {
    const std::string p = sample_payload(i, payload_bytes);
    last = publisher.publish(topic, p.data(), p.size(), 1, false);
  }
  if (last) last->wait();
  publisher.disconnect()->wait();
}

}  // namespace steritrack::bench
