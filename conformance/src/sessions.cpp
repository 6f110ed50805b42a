// ProcessSession (the JSON-lines protocol to a child process) and DirectSession (an
// in-process Adapter called directly).
#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

#include "loopcheck/adapter.h"
#include "loopcheck/process.h"

namespace loopcheck {
namespace {

class ProcessSession : public Session {
 public:
  explicit ProcessSession(ProcessOptions o) : opt_(std::move(o)) {
    if (!opt_.stderr_path.empty())
      err_fd_ = ::open(opt_.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  }
  ~ProcessSession() override {
    if (proc_) proc_->kill();
    if (err_fd_ >= 0) ::close(err_fd_);
  }

  Json start() override {
    kill();
    std::string error;
    long offset = stderr_offset();
    proc_ = Subprocess::spawn(opt_.argv, err_fd_, &error);
    if (!proc_) throw std::runtime_error("adapter did not start: " + error);
    Json req = {{"op", "start"}, {"protocol", Json::array({kProtocolVersion})},
                {"harness", {{"name", "loopcheck"}, {"version", LOOPCHECK_VERSION}}}};
    Outcome o = exchange(req.dump(), opt_.start_deadline, offset);
    std::string problem = o.kind == Outcome::kAnswer ? check_ready(o.result) : o.detail;
    if (!problem.empty()) {
      kill();
      throw std::runtime_error("adapter did not start (" + command() + "): " + problem);
    }
    return o.result;
  }

  Outcome run(const Json& scenario, const Json& seq, const RunOptions& options) override {
    if (!proc_) return Outcome{Outcome::kCrash, Json(), "the adapter is not running"};
    Json req = {{"op", "run"}, {"seq", seq}, {"scenario", scenario},
                {"deadline", options.deadline}, {"seed", options.seed}};
    if (options.chaos) req["chaos"] = true;
    if (options.trace_world) req["trace_world"] = true;
    Outcome o = exchange(req.dump(), options.deadline, stderr_offset());
    if (o.kind == Outcome::kAnswer) {
      if (auto problem = check_result(o.result, seq); !problem.empty()) {
        kill();
        return Outcome{Outcome::kBadAnswer, o.result, problem + " (the adapter was restarted)"};
      }
    }
    return o;
  }

  void stop() override {
    if (!proc_) return;
    if (proc_->write_line(R"({"op": "stop"})", opt_.stop_deadline)) {
      std::string line;
      proc_->read_line(line, opt_.stop_deadline);
    }
    proc_->close_stdin();
    if (!proc_->wait_exit(opt_.stop_deadline)) proc_->kill();
    proc_.reset();
  }

  void kill() override {
    if (proc_) proc_->kill();
    proc_.reset();
  }

  bool started() const override { return proc_ != nullptr; }

 private:
  std::string command() const {
    std::string s;
    for (const auto& a : opt_.argv) s += (s.empty() ? "" : " ") + a;
    return s;
  }

  long stderr_offset() const { return err_fd_ >= 0 ? static_cast<long>(::lseek(err_fd_, 0, SEEK_END)) : 0; }

  std::string stderr_tail(long from) const {
    if (opt_.stderr_path.empty()) return {};
    int fd = ::open(opt_.stderr_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    long end = static_cast<long>(::lseek(fd, 0, SEEK_END));
    long start = std::max(from, end - 2000);
    std::string out(static_cast<size_t>(std::max(0L, end - start)), '\0');
    ssize_t n = ::pread(fd, out.data(), out.size(), start);
    ::close(fd);
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out.empty() ? std::string() : "; stderr ends with:\n" + out;
  }

  Outcome exchange(const std::string& request, double deadline, long err_offset) {
    if (!proc_->write_line(request, std::min(deadline, 10.0))) return crashed(err_offset, "could not send the request");
    std::string line;
    switch (proc_->read_line(line, deadline)) {
      case Subprocess::Read::kLine: break;
      case Subprocess::Read::kEof: return crashed(err_offset, "no answer");
      case Subprocess::Read::kTimeout:
        kill();
        return Outcome{Outcome::kTimeout, Json(), "no answer within " + fmt(deadline) + " s (the adapter was killed and restarted)"};
      case Subprocess::Read::kTooLong:
        kill();
        return Outcome{Outcome::kBadAnswer, Json(), "answer line too long"};
    }
    if (json_nested_deeper_than(line)) {
      kill();
      return Outcome{Outcome::kBadAnswer, Json(),
                     "answer nested deeper than " + std::to_string(kMaxJsonDepth) + " levels (the adapter was restarted)"};
    }
    try {
      return Outcome{Outcome::kAnswer, Json::parse(line), {}};
    } catch (const std::exception& e) {
      kill();
      return Outcome{Outcome::kBadAnswer, Json(),
                     "answer is not JSON: " + line.substr(0, 200) + " (the adapter was restarted)"};
    }
  }

  Outcome crashed(long err_offset, const std::string& what) {
    if (!proc_->wait_exit(1.0)) proc_->kill();
    std::string detail = what + ": the adapter " + proc_->exit_description() + stderr_tail(err_offset);
    proc_.reset();
    return Outcome{Outcome::kCrash, Json(), detail};
  }

  static std::string fmt(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
  }

  ProcessOptions opt_;
  std::unique_ptr<Subprocess> proc_;
  int err_fd_ = -1;
};

class DirectSession : public Session {
 public:
  explicit DirectSession(std::shared_ptr<Adapter> a) : adapter_(std::move(a)) {}

  Json start() override {
    Json ready;
    try {
      ready = adapter_->describe();
    } catch (const std::exception& e) {
      throw std::runtime_error(std::string("adapter did not start: ") + e.what());
    }
    if (!ready.contains("op")) ready["op"] = "ready";
    if (!ready.contains("protocol")) ready["protocol"] = kProtocolVersion;
    if (auto p = check_ready(ready); !p.empty()) throw std::runtime_error("adapter did not start: " + p);
    started_ = true;
    return ready;
  }

  Outcome run(const Json& scenario, const Json& seq, const RunOptions& options) override {
    Json result;
    try {
      result = adapter_->run(scenario, options);
    } catch (const std::exception& e) {
      std::string id = scenario.is_object() && scenario.contains("id") && scenario["id"].is_string()
                           ? scenario["id"].get<std::string>() : "scenario";
      result = {{"status", "adapter_error"}, {"trace", Json::array()}, {"final", nullptr},
                {"error", {{"message", id + ": " + e.what()}}}};
    }
    if (!result.is_object()) return Outcome{Outcome::kBadAnswer, result, "run() did not return an object"};
    Json answer = {{"op", "result"}, {"seq", seq}};
    for (const auto& [k, v] : result.items())
      if (k != "op" && k != "seq") answer[k] = v;
    if (auto p = check_result(answer, seq); !p.empty()) return Outcome{Outcome::kBadAnswer, answer, p};
    return Outcome{Outcome::kAnswer, answer, {}};
  }

  void stop() override { started_ = false; }
  void kill() override { started_ = false; }
  bool started() const override { return started_; }

 private:
  std::shared_ptr<Adapter> adapter_;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<Session> make_process_session(ProcessOptions options) {
  return std::make_unique<ProcessSession>(std::move(options));
}

std::unique_ptr<Session> make_direct_session(std::shared_ptr<Adapter> adapter) {
  return std::make_unique<DirectSession>(std::move(adapter));
}

}  // namespace loopcheck
