#pragma once
// A child process for tests and benchmarks: the real daemon, the CLI,
// mosquitto, openssl. Output goes to files (no pipes to drain, nothing to
// deadlock on); the child gets no file descriptors of ours besides 0-2, and
// is killed if the thread that started it dies.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace steritrack::testkit {

using namespace std::chrono_literals;

class Process {
public:
  struct Options {
    std::filesystem::path stdout_path = "/dev/null";
    std::filesystem::path stderr_path = "/dev/null";
    bool append = true;                     // keep earlier output (restarts log to the same file)
    std::vector<std::string> extra_env;     // "KEY=VALUE", added to our environment
  };

  // Starts argv[0] (a path, or a name looked up in PATH); throws if it cannot be executed.
  Process(const std::vector<std::string>& argv, const Options& options);
  ~Process();  // SIGKILL and reap if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // The exit code once it has exited (128 + signal number if a signal ended
  // it), or nullopt if it is still running after `timeout`.
  std::optional<int> wait_for(std::chrono::milliseconds timeout);
  std::optional<int> exit_code() const { return exit_code_; }

private:
  bool reap(bool block);

  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> exit_code_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a command to completion with its output captured; throws if it does
// not finish within `timeout` (after killing it).
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout = 60s,
                          const std::vector<std::string>& extra_env = {});

}  // namespace steritrack::testkit
