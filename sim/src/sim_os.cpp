// SimOs: in-memory pipes and socket pairs, the fd table, and readiness stamps.
#include "aio/sim/sim_os.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "aio/errors.h"
#include "aio/sim/sim_executor.h"

namespace aio::sim {

// One direction of a pipe or socket pair: a bounded byte queue plus who is still attached.
struct SimOs::Channel {
  std::vector<std::byte> bytes;  // unread data is bytes[head, size)
  std::size_t head = 0;
  bool reader_open = true;
  bool writer_open = true;
  bool reset = false;  // the writer closed with unread data of its own: one ECONNRESET first
  int reader_fd = -1;  // fd of the reading end while it is open, else -1
  int writer_fd = -1;  // fd of the writing end while it is open, else -1

  std::size_t size() const { return bytes.size() - head; }
  std::size_t room() const { return PIPE_CAPACITY - size(); }

  std::size_t take(std::span<std::byte> out) {
    const std::size_t n = std::min(out.size(), size());
    if (n > 0) std::memcpy(out.data(), bytes.data() + head, n);
    head += n;
    if (head == bytes.size()) {
      bytes.clear();
      head = 0;
    }
    return n;
  }

  std::size_t put(std::span<const std::byte> in) {
    const std::size_t n = std::min(in.size(), room());
    if (head > 0) {  // compact before growing; at most PIPE_CAPACITY bytes move
      bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(head));
      head = 0;
    }
    bytes.insert(bytes.end(), in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }

  void discard() {
    bytes.clear();
    bytes.shrink_to_fit();
    head = 0;
  }
};

// One open fd: the channel it reads from and/or the one it writes to.
struct SimOs::End {
  enum class Kind { pipe_read, pipe_write, socket };

  std::uint64_t open_id = 0;
  Kind kind = Kind::socket;
  std::shared_ptr<Channel> in;   // read side (null for a pipe's write end)
  std::shared_ptr<Channel> out;  // write side (null for a pipe's read end)
  bool readable = false;
  bool writable = false;
  std::uint64_t readable_since = 0;
  std::uint64_t writable_since = 0;

  bool compute_readable() const {
    if (in) return in->size() > 0 || !in->writer_open;
    return !out->reader_open;  // pipe write end: EPOLLERR once the reader is gone
  }
  bool compute_writable() const {
    if (out) return out->room() > 0 || !out->reader_open;
    return !in->writer_open;  // pipe read end: EPOLLHUP once the writer is gone
  }
};

SimOs::SimOs() = default;
SimOs::~SimOs() = default;

int SimOs::allocate_fd(std::unique_ptr<End> end) {
  end->open_id = next_open_id_++;
  std::size_t fd = FIRST_FD;
  while (fd < fds_.size() && fds_[fd]) ++fd;
  if (fd >= fds_.size()) fds_.resize(fd + 1);
  fds_[fd] = std::move(end);
  return static_cast<int>(fd);
}

SimOs::End* SimOs::find(int fd) const {
  if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size()) return nullptr;
  return fds_[static_cast<std::size_t>(fd)].get();
}

void SimOs::refresh(int fd) {
  End* end = find(fd);
  if (end == nullptr) return;
  const bool readable = end->compute_readable();
  const bool writable = end->compute_writable();
  if (readable && !end->readable) end->readable_since = next_sequence();
  if (writable && !end->writable) end->writable_since = next_sequence();
  end->readable = readable;
  end->writable = writable;
}

std::pair<int, int> SimOs::pipe() {
  auto channel = std::make_shared<Channel>();
  auto reader = std::make_unique<End>();
  reader->kind = End::Kind::pipe_read;
  reader->in = channel;
  auto writer = std::make_unique<End>();
  writer->kind = End::Kind::pipe_write;
  writer->out = channel;
  const int rfd = allocate_fd(std::move(reader));
  const int wfd = allocate_fd(std::move(writer));
  channel->reader_fd = rfd;
  channel->writer_fd = wfd;
  refresh(rfd);
  refresh(wfd);
  return {rfd, wfd};
}

std::pair<int, int> SimOs::socketpair() {
  auto a_to_b = std::make_shared<Channel>();
  auto b_to_a = std::make_shared<Channel>();
  auto a = std::make_unique<End>();
  a->in = b_to_a;
  a->out = a_to_b;
  auto b = std::make_unique<End>();
  b->in = a_to_b;
  b->out = b_to_a;
  const int afd = allocate_fd(std::move(a));
  const int bfd = allocate_fd(std::move(b));
  a_to_b->writer_fd = afd;
  a_to_b->reader_fd = bfd;
  b_to_a->writer_fd = bfd;
  b_to_a->reader_fd = afd;
  refresh(afd);
  refresh(bfd);
  return {afd, bfd};
}

IoResult SimOs::read(int fd, std::span<std::byte> buf) {
  End* end = find(fd);
  if (end == nullptr || !end->in) return {0, EBADF};
  if (buf.empty()) return {0, 0};
  Channel& channel = *end->in;
  if (channel.size() == 0) {
    if (channel.writer_open) return {0, EAGAIN};
    if (channel.reset) {  // as sock_error(): reported once, then plain EOF
      channel.reset = false;
      return {0, ECONNRESET};
    }
    return {0, 0};
  }
  const std::size_t n = channel.take(buf);
  refresh(fd);
  refresh(channel.writer_fd);
  return {n, 0};
}

IoResult SimOs::write(int fd, std::span<const std::byte> data) {
  End* end = find(fd);
  if (end == nullptr || !end->out) return {0, EBADF};
  if (data.empty()) return {0, 0};
  Channel& channel = *end->out;
  if (!channel.reader_open) return {0, EPIPE};
  if (channel.room() == 0) return {0, EAGAIN};
  const std::size_t n = channel.put(data);
  refresh(fd);
  refresh(channel.reader_fd);
  return {n, 0};
}

void SimOs::close(int fd) {
  End* end = find(fd);
  if (end == nullptr) throw OSError(EBADF);
  int peer_writer = -1;
  int peer_reader = -1;
  // Linux resets an AF_UNIX stream peer when the closing end leaves data unread.
  const bool reset_peer = end->kind == End::Kind::socket && end->in->size() > 0;
  if (end->in) {
    end->in->reader_open = false;
    end->in->reader_fd = -1;
    end->in->discard();  // nobody can read it any more
    peer_writer = end->in->writer_fd;
  }
  if (end->out) {
    end->out->writer_open = false;
    end->out->reset = reset_peer;
    end->out->writer_fd = -1;
    peer_reader = end->out->reader_fd;
  }
  fds_[static_cast<std::size_t>(fd)].reset();
  while (!fds_.empty() && !fds_.back()) fds_.pop_back();
  refresh(peer_writer);
  refresh(peer_reader);
}

std::size_t SimOs::open_fd_count() const {
  return static_cast<std::size_t>(
      std::count_if(fds_.begin(), fds_.end(), [](const auto& end) { return end != nullptr; }));
}

std::optional<std::string> SimOs::getenv(const std::string& name) const {
  auto it = env_.find(name);
  if (it == env_.end()) return std::nullopt;
  return it->second;
}

void SimOs::setenv(const std::string& name, const std::string& value) {
  env_[name] = value;
}

void SimOs::unsetenv(const std::string& name) {
  env_.erase(name);
}

bool SimOs::is_open(int fd) const {
  return find(fd) != nullptr;
}

std::vector<int> SimOs::open_fds() const {
  std::vector<int> out;
  for (std::size_t fd = 0; fd < fds_.size(); ++fd) {
    if (fds_[fd]) out.push_back(static_cast<int>(fd));
  }
  return out;
}

std::size_t SimOs::pending_bytes(int fd) const {
  const End* end = find(fd);
  return end != nullptr && end->in ? end->in->size() : 0;
}

std::optional<FdReadiness> SimOs::readiness(int fd) const {
  const End* end = find(fd);
  if (end == nullptr) return std::nullopt;
  return FdReadiness{end->open_id, end->readable, end->writable, end->readable_since,
                     end->writable_since};
}

std::shared_ptr<Executor> SimOs::new_thread_pool(const std::string& thread_name_prefix) {
  std::shared_ptr<detail::WorldState> world = world_.lock();
  if (!world) throw RuntimeError("SimOs::new_thread_pool: this SimOs belongs to no World");
  return std::make_shared<SimExecutor>(std::move(world), thread_name_prefix);
}

}  // namespace aio::sim
