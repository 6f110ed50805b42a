#pragma once
// The definitions of aio::EventLoop's member templates: scheduling callbacks (call_soon,
// call_soon_threadsafe, call_later, call_at) and watching fds (add_reader, add_writer).
// Included at the end of aio/event_loop.h; not meant to be included on its own.

#include "aio/event_loop.h"

namespace aio {


template <class F, class... Args>
detail::HandleState* EventLoop::new_handle(detail::HandleKind kind, bool shared, Location where,
                                           F&& cb, Args&&... args) {
  // ORD-13: the callback runs in a copy of the current context (free while it is empty).
  if (detail::VarsPtr vars = detail::captured_vars()) [[unlikely]]
    return detail::make_handle(
        kind, shared, get_debug(), where,
        detail::RunInVars<std::decay_t<F>>{detail::ContextData{std::move(vars)}, std::forward<F>(cb)},
        std::forward<Args>(args)...);
  return detail::make_handle(kind, shared, get_debug(), where, std::forward<F>(cb),
                             std::forward<Args>(args)...);
}

template <class F, class... Args>
Handle EventLoop::call_soon_at(Location where, F&& cb, Args&&... args) {
  check_closed();
  if (get_debug()) check_thread();
  detail::HandleState* h = new_handle(detail::HandleKind::handle, false, where,
                                      std::forward<F>(cb), std::forward<Args>(args)...);
  h->refs = 2;  // the ready queue and the returned Handle
  push_ready(h);
  return Handle::adopt(h);
}

template <class F, class... Args>
void EventLoop::call_soon_internal(F&& cb, Args&&... args) {
  check_closed();
  if (get_debug()) check_thread();
  push_ready(detail::make_handle(detail::HandleKind::handle, false, get_debug(), Location{},
                                 std::forward<F>(cb), std::forward<Args>(args)...));
}

template <class F, class... Args>
Handle EventLoop::call_soon_threadsafe_at(Location where, F&& cb, Args&&... args) {
  check_closed();
  detail::HandleState* h = new_handle(detail::HandleKind::handle, true, where,
                                      std::forward<F>(cb), std::forward<Args>(args)...);
  h->refs = 2;
  enqueue_threadsafe(h);
  return Handle::adopt(h);
}

template <class F, class... Args>
TimerHandle EventLoop::call_later_at(Location where, std::optional<double> delay, F&& cb,
                                     Args&&... args) {
  if (!delay) throw TypeError("delay must not be None");
  return call_at_at(where, time() + *delay, std::forward<F>(cb), std::forward<Args>(args)...);
}

template <class F, class... Args>
TimerHandle EventLoop::call_at_at(Location where, std::optional<double> when, F&& cb,
                                  Args&&... args) {
  if (!when) throw TypeError("when cannot be None");
  check_closed();
  if (get_debug()) check_thread();
  detail::HandleState* h = new_handle(detail::HandleKind::timer, false, where,
                                      std::forward<F>(cb), std::forward<Args>(args)...);
  h->refs = 2;  // the heap and the returned TimerHandle
  schedule_timer(h, *when);
  return TimerHandle::adopt(h);
}

template <class F, class... Args>
void EventLoop::add_reader(int fd, F&& cb, Args&&... args) {
  check_closed();
  ensure_fd_no_transport(fd);
  add_fd_callback(fd, EVENT_READ,
                  new_handle(detail::HandleKind::handle, false, Location{}, std::forward<F>(cb),
                             std::forward<Args>(args)...));
}

template <class F, class... Args>
void EventLoop::add_writer(int fd, F&& cb, Args&&... args) {
  check_closed();
  ensure_fd_no_transport(fd);
  add_fd_callback(fd, EVENT_WRITE,
                  new_handle(detail::HandleKind::handle, false, Location{}, std::forward<F>(cb),
                             std::forward<Args>(args)...));
}

}  // namespace aio
