#pragma once
// The one database writer: a thread fed by a queue. It runs queued jobs in
// one transaction (group commit), each inside its own savepoint so a failing
// job rolls back alone, and completes every job only after the COMMIT that
// made it durable. Completions run on the writer thread: callers post them
// back to their own event loop.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite.hpp"

namespace steritrack::store {

class Writer {
public:
  using Job = std::function<void(Connection&)>;
  // nullptr when the job's effect is committed; the job's (or the commit's)
  // exception otherwise.
  using Done = std::function<void(std::exception_ptr)>;
  // Called on the writer thread when another process (the CLI) committed.
  using ExternalChange = std::function<void()>;

  struct Options {
    std::size_t max_batch = 256;
    // How often an idle writer checks PRAGMA data_version for other writers.
    std::chrono::milliseconds external_poll{250};
  };

  Writer(const std::string& path, Options options, ExternalChange on_external_change = {});
  ~Writer();  // drains and commits what is queued, then stops
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void submit(Job job, Done done);
  // Stops taking jobs, commits everything queued, joins the thread.
  void stop();
  std::size_t queued() const;

private:
  struct Item {
    Job job;
    Done done;
  };
  void run();
  void run_batch(std::deque<Item>& batch);

  Options options_;
  ExternalChange on_external_change_;
  Connection db_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace steritrack::store
