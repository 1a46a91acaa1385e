#include "scan/isolated_worker.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>

namespace steritrack::scan {
namespace {

using Deadline = std::chrono::steady_clock::time_point;

// Frames on the socket: an 8-byte length, then the bytes.
enum class Io { ok, closed, timed_out, failed };

// Waits for the socket until the deadline (none: block).
Io wait_for(int fd, short events, const Deadline* deadline) {
  while (true) {
    int timeout = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Io::timed_out;
      timeout = static_cast<int>(left.count());
    }
    pollfd p{fd, events, 0};
    const int ready = poll(&p, 1, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Io::failed;
    if (ready == 0) return Io::timed_out;
    return Io::ok;
  }
}

Io write_all(int fd, const char* data, std::size_t size, const Deadline* deadline) {
  while (size > 0) {
    if (const Io w = wait_for(fd, POLLOUT, deadline); w != Io::ok) return w;
    // MSG_NOSIGNAL: a dead peer is an error here, not a SIGPIPE.
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return errno == EPIPE || errno == ECONNRESET ? Io::closed : Io::failed;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Io::ok;
}

Io read_all(int fd, char* data, std::size_t size, const Deadline* deadline) {
  while (size > 0) {
    if (const Io w = wait_for(fd, POLLIN, deadline); w != Io::ok) return w;
    const ssize_t n = read(fd, data, size);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return errno == ECONNRESET ? Io::closed : Io::failed;
    if (n == 0) return Io::closed;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return Io::ok;
}

Io write_frame(int fd, std::string_view bytes, const Deadline* deadline) {
  const std::uint64_t size = bytes.size();
  if (const Io w = write_all(fd, reinterpret_cast<const char*>(&size), sizeof size, deadline); w != Io::ok) return w;
  return write_all(fd, bytes.data(), bytes.size(), deadline);
}

// A frame larger than this is a broken peer, not an answer.
constexpr std::uint64_t kMaxFrame = 1ULL << 30;

Io read_frame(int fd, std::string& bytes, const Deadline* deadline) {
  std::uint64_t size = 0;
  if (const Io r = read_all(fd, reinterpret_cast<char*>(&size), sizeof size, deadline); r != Io::ok) return r;
  if (size > kMaxFrame) return Io::failed;
  bytes.resize(size);
  return read_all(fd, bytes.data(), bytes.size(), deadline);
}

// The child: a clean slate (default signal handlers, no descriptors but the
// socket and stdio), then requests until the parent closes the socket —
// which its death does too. Not PR_SET_PDEATHSIG: that signal comes when the
// *thread* that forked the child ends, and calls may come from any thread.
[[noreturn]] void serve(int fd, const IsolatedWorker::Handler& handler) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE, SIGABRT})
    std::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // The parent's sockets and database must not stay open in here.
  if (fd != 3) {
    dup2(fd, 3);
    fd = 3;
  }
  close_range(4, ~0U, 0);
  std::string request;
  while (read_frame(fd, request, nullptr) == Io::ok) {
    std::string answer;
    try {
      answer = handler(request);
    } catch (...) {
      _exit(3);
    }
    if (write_frame(fd, answer, nullptr) != Io::ok) _exit(4);
  }
  _exit(0);
}

}  // namespace

IsolatedWorker::IsolatedWorker(Handler handler) : handler_(std::move(handler)) {}

IsolatedWorker::~IsolatedWorker() {
  const std::lock_guard lock(mutex_);
  stop();
}

pid_t IsolatedWorker::child() const {
  const std::lock_guard lock(mutex_);
  return pid_;
}

bool IsolatedWorker::start(std::string& why) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    why = std::string("socketpair: ") + std::strerror(errno);
    return false;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    why = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    serve(fds[1], handler_);
  }
  close(fds[1]);
  pid_ = pid;
  fd_ = fds[0];
  return true;
}

void IsolatedWorker::stop() {
  if (fd_ >= 0) close(fd_);  // a healthy child exits on EOF
  fd_ = -1;
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    // A process that ignores SIGCHLD cannot wait for its children: ECHILD.
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

Result<std::string> IsolatedWorker::call(std::string_view request, std::chrono::milliseconds deadline) {
  const std::lock_guard lock(mutex_);
  const Deadline until = std::chrono::steady_clock::now() + deadline;
  for (int round = 0;; ++round) {
    std::string why;
    if (pid_ < 0 && !start(why)) return fail("cannot start the worker process: " + why);
    Io io = write_frame(fd_, request, &until);
    // A child that died between calls (out of memory, killed) has closed its
    // end before the request: replace it once.
    if (io == Io::closed && round == 0) {
      stop();
      continue;
    }
    std::string answer;
    if (io == Io::ok) io = read_frame(fd_, answer, &until);
    if (io == Io::ok) return answer;
    if (io == Io::timed_out) {
      stop();
      return fail("no answer within " + std::to_string(deadline.count()) + " ms (the worker was stopped)");
    }
    // The child ended on this request (or talks nonsense): learn how before
    // replacing it. Killing a process that already ended keeps its status.
    kill(pid_, SIGKILL);
    int status = 0;
    pid_t waited = 0;
    do {
      waited = waitpid(pid_, &status, 0);
    } while (waited < 0 && errno == EINTR);
    close(fd_);
    fd_ = -1;
    const pid_t pid = pid_;
    pid_ = -1;
    if (waited == pid && WIFSIGNALED(status))
      return fail("the worker process crashed (signal " + std::to_string(WTERMSIG(status)) + ")");
    return fail("the worker process failed");
  }
}

}  // namespace steritrack::scan
