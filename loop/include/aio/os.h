#pragma once
// The Os seam: every kernel service the loop and its transports ask for, other than time and
// readiness. The loop core calls the kernel only through here. Real: PosixOs. Simulated:
// aio::sim::SimOs, whose pipes and socket pairs live in memory. Sockets, DNS, processes and
// signals join this interface as the transports that need them arrive.

#include <cerrno>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

namespace aio {

class Executor;

// Outcome of a read or write: `n` bytes moved, or `err` set to an errno value (EAGAIN when the
// call would block, EPIPE when the peer is gone, EBADF for an unknown fd).
struct IoResult {
  std::size_t n = 0;
  int err = 0;
  bool ok() const { return err == 0; }
  bool would_block() const { return err == EAGAIN || err == EWOULDBLOCK; }
};

class Os {
 public:
  virtual ~Os() = default;
  // A unidirectional pipe as {read end, write end}, both non-blocking and close-on-exec.
  // Throws OSError.
  virtual std::pair<int, int> pipe() = 0;
  // A connected pair of stream sockets (AF_UNIX), both non-blocking and close-on-exec.
  // Throws OSError.
  virtual std::pair<int, int> socketpair() = 0;
  // Reads up to buf.size() bytes. n == 0 with err == 0 means end of file.
  virtual IoResult read(int fd, std::span<std::byte> buf) = 0;
  // Writes up to data.size() bytes (possibly fewer).
  virtual IoResult write(int fd, std::span<const std::byte> data) = 0;
  // Closes fd. Throws OSError (EBADF) for an fd that is not open.
  virtual void close(int fd) = 0;
  // Number of fds this Os has open that the loop or the program created through it
  // (for the clean-close checks in tests; the real Os counts the whole process).
  virtual std::size_t open_fd_count() const = 0;
  // An environment variable, or nullopt when unset (the simulator has its own environment).
  virtual std::optional<std::string> getenv(const std::string& name) const = 0;
  // A new pool of worker threads for run_in_executor, as
  // ThreadPoolExecutor(thread_name_prefix=prefix): the loop's default executor (THR-04). The
  // simulator's does its work at seeded virtual times, without threads.
  virtual std::shared_ptr<Executor> new_thread_pool(const std::string& thread_name_prefix) = 0;
};

}  // namespace aio
