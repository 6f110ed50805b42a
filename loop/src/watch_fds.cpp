// Watching file descriptors: add_reader, remove_reader, add_writer, remove_writer and the
// queueing of their callbacks (selector_events.py: _add_reader, _remove_reader,
// _process_events). The loop keeps the (reader, writer) pair per fd, as the selector key's data.
#include "aio/event_loop.h"

namespace aio {

void EventLoop::add_fd_callback(int fd, std::uint32_t event, detail::HandleState* h) {
  struct Owned {  // frees the new handle if registering fails
    detail::HandleState* h;
    ~Owned() {
      if (h) detail::release(h);
    }
  } owned{h};
  const std::size_t index = static_cast<std::size_t>(fd);
  const std::uint32_t mask = index < fds_.size() ? fds_[index].mask : 0;
  if (mask == 0)
    selector_->register_fd(fd, event);
  else if ((mask & event) == 0)
    selector_->modify(fd, mask | event);
  if (index >= fds_.size()) fds_.resize(index + 1);
  FdEntry& entry = fds_[index];
  entry.mask = mask | event;
  detail::HandleState*& slot = event == EVENT_READ ? entry.reader : entry.writer;
  detail::HandleState* old = slot;
  slot = owned.h;
  owned.h = nullptr;
  if (old) {  // IO-01: the replaced handle is cancelled, so a queued run of it is skipped
    Handle::adopt(old).cancel();
  }
}

// _ensure_fd_no_transport: the fd check (IO-04), then the transport check (IO-05).
void EventLoop::ensure_fd_no_transport(int fd) const {
  if (fd < 0) throw ValueError("Invalid file descriptor: " + std::to_string(fd));
  auto it = transports_.find(fd);
  if (it == transports_.end()) return;
  std::shared_ptr<const FdOwner> owner = it->second.lock();
  if (owner && !owner->is_closing())
    throw RuntimeError("File descriptor " + std::to_string(fd) + " is used by transport " +
                       owner->repr());
}

void EventLoop::attach_transport(int fd, std::weak_ptr<const FdOwner> owner) {
  transports_[fd] = std::move(owner);
}

void EventLoop::detach_transport(int fd) { transports_.erase(fd); }

bool EventLoop::remove_fd_callback(int fd, std::uint32_t event) {
  if (is_closed()) return false;  // IO-02, CLS-07
  ensure_fd_no_transport(fd);
  const std::size_t index = static_cast<std::size_t>(fd);
  if (index >= fds_.size()) return false;
  FdEntry& entry = fds_[index];
  detail::HandleState*& slot = event == EVENT_READ ? entry.reader : entry.writer;
  if (!slot) return false;
  const std::uint32_t mask = entry.mask & ~event;
  if (mask == 0)
    selector_->unregister(fd);
  else
    selector_->modify(fd, mask);
  entry.mask = mask;
  detail::HandleState* old = slot;
  slot = nullptr;
  Handle::adopt(old).cancel();  // IO-06: a queued run of it is skipped
  return true;
}

bool EventLoop::remove_reader(int fd) { return remove_fd_callback(fd, EVENT_READ); }
bool EventLoop::remove_writer(int fd) { return remove_fd_callback(fd, EVENT_WRITE); }

Handle EventLoop::reader_handle(int fd) const {
  if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size() || !fds_[fd].reader) return Handle{};
  fds_[fd].reader->add_ref();
  return Handle::adopt(fds_[fd].reader);
}

Handle EventLoop::writer_handle(int fd) const {
  if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size() || !fds_[fd].writer) return Handle{};
  fds_[fd].writer->add_ref();
  return Handle::adopt(fds_[fd].writer);
}

// _process_events: per fd the reader before the writer (ORD-17), fds in the selector's order
// (ORD-18). A handle cancelled behind the loop's back is unregistered instead (IO-07).
void EventLoop::process_events() {
  for (const SelectorEvent& event : events_) {
    const std::size_t index = static_cast<std::size_t>(event.fd);
    if (index >= fds_.size()) continue;
    if ((event.events & EVENT_READ) && fds_[index].reader) {
      detail::HandleState* reader = fds_[index].reader;
      if (reader->cancelled.load(std::memory_order_relaxed)) {
        remove_reader(event.fd);
      } else {
        reader->add_ref();
        ready_.push_back(reader);
      }
    }
    if ((event.events & EVENT_WRITE) && index < fds_.size() && fds_[index].writer) {
      detail::HandleState* writer = fds_[index].writer;
      if (writer->cancelled.load(std::memory_order_relaxed)) {
        remove_writer(event.fd);
      } else {
        writer->add_ref();
        ready_.push_back(writer);
      }
    }
  }
}

}  // namespace aio
