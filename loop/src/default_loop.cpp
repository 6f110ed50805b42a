// EventLoop's default constructor: the real backend. Kept out of aio_core so that the core
// (and a simulator build) never links the real kernel backend by accident.
#include "aio/event_loop.h"
#include "aio/real_seams.h"

namespace aio {

EventLoop::EventLoop() : EventLoop(real_seams()) {}

}  // namespace aio
