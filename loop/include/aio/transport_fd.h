#pragma once
// What the loop needs to know about a transport that owns an fd: whether it is closing, and
// its repr. The transports (later work) implement it; the loop uses it to refuse
// add_reader/add_writer/remove_* on an fd a live transport owns (IO-05). No loop logic here.

#include "aio/exception_context.h"

namespace aio {

class FdOwner : public ContextObject {
 public:
  virtual bool is_closing() const = 0;
};

}  // namespace aio
