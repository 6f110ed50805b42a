#include "loopcheck/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

extern char** environ;

namespace loopcheck {

double monotonic_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

namespace {

int poll_ms(double deadline) {
  double left = deadline - monotonic_seconds();
  if (left <= 0) return 0;
  return static_cast<int>(left * 1000.0) + 1;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

std::unique_ptr<Subprocess> Subprocess::spawn(const std::vector<std::string>& argv, int stderr_fd,
                                              std::string* error) {
  // Writing to a child that died must be an error (EPIPE), never the harness's death.
  static const bool sigpipe_ignored = [] {
    struct sigaction old {};
    if (sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL) std::signal(SIGPIPE, SIG_IGN);
    return true;
  }();
  (void)sigpipe_ignored;
  if (argv.empty()) {
    if (error) *error = "empty command";
    return nullptr;
  }
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    if (error) *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    if (error) *error = std::string("pipe: ") + std::strerror(errno);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return nullptr;
  }
  int null_fd = -1;
  if (stderr_fd < 0) stderr_fd = null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // the harness ignores SIGPIPE; the child must not inherit that
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (null_fd >= 0) ::close(null_fd);
  if (rc != 0) {
    if (error) *error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    return nullptr;
  }
  std::unique_ptr<Subprocess> p(new Subprocess());
  p->pid_ = pid;
  p->in_ = in_pipe[1];
  p->out_ = out_pipe[0];
  set_nonblocking(p->in_);
  set_nonblocking(p->out_);
  return p;
}

Subprocess::~Subprocess() {
  if (!reaped_) kill();
  if (in_ >= 0) ::close(in_);
  if (out_ >= 0) ::close(out_);
}

bool Subprocess::write_line(const std::string& line, double timeout_seconds) {
  if (in_ < 0) return false;
  const std::string data = line + "\n";
  const double deadline = monotonic_seconds() + timeout_seconds;
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(in_, data.data() + done, data.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return false;  // EPIPE: the child is gone
    pollfd pfd{in_, POLLOUT, 0};
    int ms = poll_ms(deadline);
    if (ms == 0 || ::poll(&pfd, 1, ms) == 0) return false;
  }
  return true;
}

Subprocess::Read Subprocess::read_line(std::string& line, double timeout_seconds, size_t max_line_bytes) {
  const double deadline = monotonic_seconds() + timeout_seconds;
  for (;;) {
    auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return Read::kLine;
    }
    if (buffer_.size() > max_line_bytes) return Read::kTooLong;
    if (out_ < 0) return Read::kEof;
    char chunk[65536];
    ssize_t n = ::read(out_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return Read::kEof;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Read::kEof;
    pollfd pfd{out_, POLLIN, 0};
    int ms = poll_ms(deadline);
    if (ms == 0) return Read::kTimeout;
    int r = ::poll(&pfd, 1, ms);
    if (r == 0 && monotonic_seconds() >= deadline) return Read::kTimeout;
  }
}

void Subprocess::close_stdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

bool Subprocess::wait_exit(double timeout_seconds) {
  if (reaped_) return true;
  const double deadline = monotonic_seconds() + timeout_seconds;
  for (;;) {
    pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      reaped_ = true;
      return true;
    }
    if (monotonic_seconds() >= deadline) return false;
    ::usleep(2000);
  }
}

void Subprocess::kill() {
  if (reaped_) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

std::string Subprocess::exit_description() const {
  if (!reaped_) return "running";
  if (WIFEXITED(status_)) return "exited with status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) {
    int sig = WTERMSIG(status_);
    const char* name = strsignal(sig);
    return "killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : "");
  }
  return "ended (status " + std::to_string(status_) + ")";
}

}  // namespace loopcheck
