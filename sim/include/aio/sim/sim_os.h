#pragma once
// aio::sim::SimOs: the simulated Os seam. Pipes and socket pairs live in memory; fd numbers
// follow POSIX (lowest free number, from 3 up since 0-2 are stdio; reused after close); the
// environment is the world's own map. It also answers the readiness queries SimSelector asks.
// Must not make any system call or touch the real environment, and must not iterate over a
// pointer-keyed or hash-ordered container where the order could be observed.
//
// Semantics, as Linux with O_NONBLOCK (and no SIGPIPE):
//   read:  data -> n > 0; empty and the writer open -> EAGAIN; empty and the writer closed -> n = 0
//          (EOF); a pipe's write end -> EBADF.
//   write: room -> n = min(room, size) (a partial write when there is less room than data);
//          full -> EAGAIN; the reader closed -> EPIPE; a pipe's read end -> EBADF.
//   Each direction holds PIPE_CAPACITY bytes. Closing a socket end closes both of its
//   directions; if it closes with data it never read, the peer's next read after draining
//   fails once with ECONNRESET (as AF_UNIX streams on Linux), then reads EOF. Any fd that is not
//   open -> EBADF (close() throws aio::OSError(EBADF)).
// Simplification: Linux pipes are page-granular (small writes are all-or-nothing up to
// PIPE_BUF); here capacity is counted in bytes and every write may be partial.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "aio/os.h"

namespace aio::sim {

namespace detail {
struct WorldState;
}

// What a selector needs to know about one fd. Readiness follows what CPython's EpollSelector
// reports: readable = data or EOF, or (a pipe's write end) the reader is gone (EPOLLERR);
// writable = room, or the reader is gone (a write would fail with EPIPE), or (a pipe's read
// end) the writer is gone (EPOLLHUP).
struct FdReadiness {
  std::uint64_t open_id = 0;  // identity of the open file behind the fd; never reused
  bool readable = false;
  bool writable = false;
  // SimOs::next_sequence() value taken when readable / writable last went false -> true.
  std::uint64_t readable_since = 0;
  std::uint64_t writable_since = 0;
};

class SimOs final : public Os {
 public:
  static constexpr std::size_t PIPE_CAPACITY = 65536;  // bytes per direction (Linux default)
  static constexpr int FIRST_FD = 3;                   // 0, 1 and 2 are stdio

  SimOs();
  ~SimOs() override;
  SimOs(const SimOs&) = delete;
  SimOs& operator=(const SimOs&) = delete;

  // --- the Os seam ---
  std::pair<int, int> pipe() override;
  std::pair<int, int> socketpair() override;
  IoResult read(int fd, std::span<std::byte> buf) override;
  IoResult write(int fd, std::span<const std::byte> data) override;
  void close(int fd) override;
  std::size_t open_fd_count() const override;
  std::optional<std::string> getenv(const std::string& name) const override;
  // A SimExecutor on this world (label: the prefix): work at seeded virtual times, no threads.
  std::shared_ptr<Executor> new_thread_pool(const std::string& thread_name_prefix) override;

  // --- world side ---
  // The world this Os belongs to (set by World; needed for new_thread_pool).
  void attach_world(std::weak_ptr<detail::WorldState> world) { world_ = std::move(world); }
  void setenv(const std::string& name, const std::string& value);
  void unsetenv(const std::string& name);
  bool is_open(int fd) const;
  // The open fds, ascending (for leak reports).
  std::vector<int> open_fds() const;
  // Bytes waiting to be read on fd (0 for a pipe's write end or an fd that is not open).
  std::size_t pending_bytes(int fd) const;
  // Readiness of an open fd, or nullopt when fd is not open.
  std::optional<FdReadiness> readiness(int fd) const;
  // A world-wide, strictly increasing counter: readiness transitions and selector
  // registrations take their order stamps from it.
  std::uint64_t next_sequence() { return ++sequence_; }

 private:
  struct Channel;
  struct End;

  int allocate_fd(std::unique_ptr<End> end);
  End* find(int fd) const;
  // Recomputes fd's readiness and stamps any false -> true transition. No-op for fd < 0.
  void refresh(int fd);

  std::weak_ptr<detail::WorldState> world_;
  std::vector<std::unique_ptr<End>> fds_;  // index = fd number
  std::map<std::string, std::string> env_;
  std::uint64_t sequence_ = 0;
  std::uint64_t next_open_id_ = 1;
};

}  // namespace aio::sim
