#pragma once
// Virtual time, as the Python driver runs CPython's loop (conformance/adapters/python/vtime.py):
// the clock moves only when the loop would wait, in select(timeout) with nothing ready, by
// exactly `timeout`; and in the `block` step (a callback "takes" that long). The model has
// no fds and no threads, so vtime's VirtualTimeSelector.select reduces to its last steps.
// Must not: read a real clock.

#include <optional>

#include "errors.h"

namespace loopcheck::refmodel {

struct VirtualClock {
  double now = 0.0;
  // VirtualClock.advance (and block): forward only.
  void advance(double seconds) {
    if (seconds > 0) now += seconds;
  }
};

// VirtualTimeSelector.select(timeout) with no fd and no thread: nothing is ever ready.
inline void select(VirtualClock& clock, std::optional<double> timeout) {
  if (timeout && *timeout <= 0) return;  // timeout == 0: return nothing
  if (!timeout)
    throw Stalled{
        "the loop would block forever: nothing is scheduled, no fd is ready and no thread is "
        "running"};
  clock.advance(*timeout);
}

}  // namespace loopcheck::refmodel
