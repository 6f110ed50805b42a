// PosixOs: the real Os on POSIX/Linux calls (see aio/posix_os.h).
#include "aio/posix_os.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include "aio/errors.h"
#include "aio/thread_pool_executor.h"

namespace aio {

namespace {

// SIG_IGN for SIGPIPE unless someone chose a disposition already (see aio/posix_os.h).
void ignore_sigpipe_once() {
  static const bool done = [] {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) == 0 &&
        current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      ::sigaction(SIGPIPE, &ignore, nullptr);
    }
    return true;
  }();
  (void)done;
}

}  // namespace

PosixOs::PosixOs() {
  ignore_sigpipe_once();
}

std::pair<int, int> PosixOs::pipe() {
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) throw OSError(errno);
  return {fds[0], fds[1]};
}

std::pair<int, int> PosixOs::socketpair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    throw OSError(errno);
  }
  return {fds[0], fds[1]};
}

IoResult PosixOs::read(int fd, std::span<std::byte> buf) {
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n >= 0) return IoResult{static_cast<std::size_t>(n), 0};
    if (errno != EINTR) return IoResult{0, errno};
  }
}

IoResult PosixOs::write(int fd, std::span<const std::byte> data) {
  for (;;) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n >= 0) return IoResult{static_cast<std::size_t>(n), 0};
    if (errno != EINTR) return IoResult{0, errno};
  }
}

void PosixOs::close(int fd) {
  if (::close(fd) != 0 && errno != EINTR) throw OSError(errno);
}

std::size_t PosixOs::open_fd_count() const {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) throw OSError(errno, "/proc/self/fd");
  const int own_fd = ::dirfd(dir);
  std::size_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;  // "." and ".."
    if (std::atoi(entry->d_name) == own_fd) continue;
    ++count;
  }
  ::closedir(dir);
  return count;
}

std::optional<std::string> PosixOs::getenv(const std::string& name) const {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::shared_ptr<Executor> PosixOs::new_thread_pool(const std::string& thread_name_prefix) {
  return std::make_shared<ThreadPoolExecutor>(ThreadPoolExecutor::default_max_workers(),
                                              thread_name_prefix);
}

}  // namespace aio
