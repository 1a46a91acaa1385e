#pragma once
// The MQTT ceiling other benchmarks compare against: how many QoS 1
// messages per second mosquitto itself carries from one pipelined Paho
// publisher to one subscriber, on this machine, right now. Measure it in
// the same run as the figure it bounds and report the ratio.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace steritrack::bench {

struct PipeResult {
  std::size_t messages = 0;
  double seconds = 0;  // first publish to last message received
  double rate() const { return seconds > 0 ? static_cast<double>(messages) / seconds : 0; }
};

// Publishes `messages` payloads of about `payload_bytes` with `publish`
// (pipelined: it must not wait for acks) and times until a separate QoS 1
// subscriber on the broker at `url` has them all. Throws if they do not all
// arrive within a minute.
using PublishFn = std::function<void(const std::string& topic, const std::string& payload)>;
PipeResult measure_pipe(const std::string& url, std::size_t messages, std::size_t payload_bytes,
                        const PublishFn& publish);

// The ceiling: measure_pipe with a bare pipelined Paho publisher, against a
// private broker (testkit::Broker).
PipeResult measure_broker_pipe(const std::string& url, std::size_t messages = 20000, std::size_t payload_bytes = 200);

// Publishes `messages` sample payloads to `topic` with a bare, pipelined
// Paho client, and waits for the broker's last PUBACK.
void publish_pipelined(const std::string& url, const std::string& topic, std::size_t messages,
                       std::size_t payload_bytes);

// The middle value (the upper one of an even count), and the value below
// which a share `p` (0..1) of the values lie; both of a non-empty list.
double median(std::vector<double> values);
double percentile(std::vector<double> values, double p);

// A payload of about `bytes` bytes, shaped like our JSON (a scan with an id).
std::string sample_payload(std::size_t index, std::size_t bytes);

}  // namespace steritrack::bench
