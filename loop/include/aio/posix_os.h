#pragma once
// PosixOs: the real Os, plain POSIX/Linux calls behind the contract of aio/os.h. Part of the
// real backend, the only kind of code allowed to call the kernel; it holds no loop logic and
// no kernel headers. Stateless: every member is safe to call from any thread.
//
// SIGPIPE: constructing a PosixOs sets SIGPIPE to SIG_IGN, once per process and only if its
// disposition is still SIG_DFL (CPython does the same at interpreter start-up). Writes to a
// pipe or socket whose reader is gone then return EPIPE instead of killing the process. A
// program that installed its own SIGPIPE handler keeps it; one that sets SIG_DFL back after
// constructing a PosixOs gets the default (fatal) behaviour back.

#include "aio/os.h"

namespace aio {

class PosixOs final : public Os {
 public:
  PosixOs();

  // pipe2(O_NONBLOCK | O_CLOEXEC).
  std::pair<int, int> pipe() override;
  // socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC).
  std::pair<int, int> socketpair() override;
  // read(2), retried on EINTR; never throws.
  IoResult read(int fd, std::span<std::byte> buf) override;
  // write(2), retried on EINTR; never throws (EAGAIN, EPIPE, EBADF... come back in err).
  IoResult write(int fd, std::span<const std::byte> data) override;
  // close(2). Throws OSError (EBADF for an fd that is not open). Never retried: on Linux the
  // fd is released even when close reports EINTR, which is therefore treated as success.
  void close(int fd) override;
  // Entries of /proc/self/fd, not counting the directory fd used to read it.
  std::size_t open_fd_count() const override;
  // std::getenv.
  std::optional<std::string> getenv(const std::string& name) const override;
  // A ThreadPoolExecutor with min(32, cpus + 4) workers, started as work arrives.
  std::shared_ptr<Executor> new_thread_pool(const std::string& thread_name_prefix) override;
};

}  // namespace aio
