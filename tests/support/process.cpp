#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "support/temp_dir.hpp"

extern char** environ;

namespace steritrack::testkit {
namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Only async-signal-safe calls between fork and exec: the test process has
// Paho and Asio threads running.
[[noreturn]] void exec_child(const std::vector<char*>& argv, const std::vector<char*>& envp, const char* out_path,
                             const char* err_path, int flags, pid_t parent, int report_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  int err = 0;
  const int in = ::open("/dev/null", O_RDONLY);
  const int out = ::open(out_path, flags, 0644);
  const int errfd = ::open(err_path, flags, 0644);
  if (in < 0 || out < 0 || errfd < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(errfd, 2) < 0) {
    err = errno;
  } else {
    // Sockets of the test's own MQTT clients must not live on in a child
    // (a last-will test closes them and expects the broker to notice).
    ::syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    ::execvpe(argv[0], argv.data(), envp.data());
    err = errno;
  }
  [[maybe_unused]] auto n = ::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

}  // namespace

Process::Process(const std::vector<std::string>& argv, const Options& options) {
  if (argv.empty()) throw std::invalid_argument("Process: empty argv");
  std::vector<std::string> args = argv;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  for (const auto& kv : options.extra_env) env.push_back(kv);
  const auto c_args = c_strings(args);
  const auto c_env = c_strings(env);
  const std::string out_path = options.stdout_path.string();
  const std::string err_path = options.stderr_path.string();
  const int flags = O_WRONLY | O_CREAT | (options.append ? O_APPEND : O_TRUNC);

  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    const int e = errno;
    ::close(report[0]);
    ::close(report[1]);
    throw std::system_error(e, std::generic_category(), "fork");
  }
  if (pid_ == 0) exec_child(c_args, c_env, out_path.c_str(), err_path.c_str(), flags, parent, report[1]);
  ::close(report[1]);
  int child_errno = 0;
  const auto n = ::read(report[0], &child_errno, sizeof child_errno);
  ::close(report[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::system_error(child_errno, std::generic_category(), "cannot start " + argv[0]);
  }
  pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd_ < 0) throw std::system_error(errno, std::generic_category(), "pidfd_open");
}

Process::~Process() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  if (pidfd_ >= 0) ::close(pidfd_);
}

bool Process::reap(bool block) {
  if (exit_code_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool Process::running() { return !reap(false); }

void Process::signal(int sig) {
  if (!exit_code_) ::kill(pid_, sig);
}

std::optional<int> Process::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(false)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{pidfd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));  // readable once the child has exited
  }
  return exit_code_;
}

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                          const std::vector<std::string>& extra_env) {
  TempDir dir("steritrack-cmd");
  Process::Options options;
  options.stdout_path = dir / "out";
  options.stderr_path = dir / "err";
  options.extra_env = extra_env;
  Process p(argv, options);
  const auto code = p.wait_for(timeout);
  if (!code) {
    p.signal(SIGKILL);
    p.wait_for(10s);
    throw std::runtime_error(argv[0] + " did not finish within " + std::to_string(timeout.count()) + " ms");
  }
  return {*code, read_file(dir / "out"), read_file(dir / "err")};
}

}  // namespace steritrack::testkit
