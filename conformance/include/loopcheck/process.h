// A child process speaking JSON lines: stdin and stdout are pipes owned by the harness,
// stderr goes to a file, and the child leads its own process group so that killing it
// also kills whatever it started. Every wait has a deadline. The first spawn sets SIGPIPE
// to ignored if it was at its default, so that writing to a dead child is an error (EPIPE)
// and not the death of the harness.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace loopcheck {

class Subprocess {
 public:
  // Starts argv[0] (searched in PATH) with `stderr_fd` as its stderr (-1: /dev/null).
  // Returns null and sets `error` if it cannot be started.
  static std::unique_ptr<Subprocess> spawn(const std::vector<std::string>& argv, int stderr_fd,
                                           std::string* error);
  ~Subprocess();  // kills the group if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Writes `line` and '\n'. False if the child closed its stdin or the deadline passed.
  bool write_line(const std::string& line, double timeout_seconds);

  enum class Read { kLine, kEof, kTimeout, kTooLong };
  // One line without its '\n'. Lines longer than max_line_bytes give kTooLong.
  Read read_line(std::string& line, double timeout_seconds, size_t max_line_bytes = 64u << 20);

  void close_stdin();
  // Waits up to `timeout_seconds` for the child to exit; true if it did (and reaps it).
  bool wait_exit(double timeout_seconds);
  // SIGKILL to the whole process group, then reaps the child.
  void kill();
  bool running() const { return !reaped_; }
  pid_t pid() const { return pid_; }
  // "exited with status 3", "killed by signal 11 (Segmentation fault)", or "running".
  std::string exit_description() const;

 private:
  Subprocess() = default;
  pid_t pid_ = -1;
  int in_ = -1;   // the child's stdin (write end)
  int out_ = -1;  // the child's stdout (read end)
  bool reaped_ = false;
  int status_ = 0;
  std::string buffer_;
};

// Seconds since an arbitrary start, from CLOCK_MONOTONIC.
double monotonic_seconds();

}  // namespace loopcheck
