#pragma once
// A child process that answers requests with a handler function, so that a
// crash inside the handler (a failed assertion in a third-party library, as
// ZXing 1.4 has on some frames) costs the child, never the daemon. Started on
// the first call, restarted on the call after a crash. The child is forked
// once, not per request: fork is slow for a large process.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace steritrack::scan {

class IsolatedWorker {
public:
  // Runs in the child; its answer travels back as bytes.
  using Handler = std::function<std::string(std::string_view request)>;

  explicit IsolatedWorker(Handler handler);
  ~IsolatedWorker();  // ends the child
  IsolatedWorker(const IsolatedWorker&) = delete;
  IsolatedWorker& operator=(const IsolatedWorker&) = delete;

  // The handler's answer, or why there is none: the child crashed, or took
  // longer than `deadline` (it is then killed). Thread-safe: calls queue.
  Result<std::string> call(std::string_view request, std::chrono::milliseconds deadline);

  // The child's process id, -1 when none runs (for tests).
  pid_t child() const;

private:
  bool start(std::string& why);
  void stop();

  Handler handler_;
  mutable std::mutex mutex_;
  pid_t pid_ = -1;
  int fd_ = -1;
};

}  // namespace steritrack::scan
