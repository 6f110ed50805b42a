// Steps on file descriptors (pipe, socketpair, readers and writers, read, write) and threads.
#include <cstddef>
#include <string>
#include <vector>

#include "model.h"
#include "run.h"

namespace loopcheck::aio_adapter {

bool Run::step_io(const std::string& op, const json& st) {
  aio::EventLoop& loop = *loop_;
  if (op == "pipe" || op == "socketpair") {
    auto [first, second] = op == "pipe" ? seams_.os->pipe() : seams_.os->socketpair();
    Obj obj;
    obj.kind = op == "pipe" ? kPipe : kSocketpair;
    obj.fds[0] = first;
    obj.fds[1] = second;
    put(st.at("id"), std::move(obj));
  } else if (op == "add_reader") {
    loop.add_reader(fd(st.at("fd")), StepsCallback{this, &st.at("do")});
  } else if (op == "add_writer") {
    loop.add_writer(fd(st.at("fd")), StepsCallback{this, &st.at("do")});
  } else if (op == "remove_reader") {
    result(st, loop.remove_reader(fd(st.at("fd"))));
  } else if (op == "remove_writer") {
    result(st, loop.remove_writer(fd(st.at("fd"))));
  } else if (op == "write") {
    const std::string& data = st.at("data").get_ref<const std::string&>();
    aio::IoResult r = seams_.os->write(fd(st.at("fd")), std::as_bytes(std::span(data.data(), data.size())));
    if (!r.ok()) raise_os_error(r.err);
  } else if (op == "read") {
    std::vector<std::byte> buf(st.value("size", std::size_t{65536}));
    aio::IoResult r = seams_.os->read(fd(st.at("fd")), buf);
    if (!r.ok()) raise_os_error(r.err);
    result(st, std::string(reinterpret_cast<const char*>(buf.data()), r.n));
  } else if (op == "thread") {
    start_thread(st);
  } else if (op == "join_thread") {
    Obj obj = get(st.at("thread"));
    host_.join_thread(*obj.thread);
  } else {
    return false;
  }
  return true;
}

void Run::start_thread(const json& st) {
  const json* body = &st.at("do");
  Obj obj;
  obj.kind = kThread;
  obj.thread = host_.make_thread(st.at("id"), st.value("delay", 0.0), [this, body] {
    try {
      top_steps(*body);
    } catch (const Abort& abort) {
      fail(abort);
    } catch (const std::exception& e) {
      fail(Abort{"stalled", e.what()});  // the simulator's Deadlock
    }
  });
  std::shared_ptr<ScenarioThread> thread = obj.thread;
  put(st.at("id"), std::move(obj));
  host_.launch(std::move(thread));
}

}  // namespace loopcheck::aio_adapter
