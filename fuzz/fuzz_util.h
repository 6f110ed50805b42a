// Helpers shared by the fuzz targets: how a target reports a broken invariant (abort, so
// libFuzzer and the replay driver both stop on it with the message), and how an input is
// split into its parts. Must not hide a failure: every check here either holds or aborts.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace loopcheck::fuzz {

// A broken invariant: prints it and aborts (libFuzzer saves the input as a crash).
[[noreturn]] inline void fail(const std::string& what, const std::string& detail = {}) {
  std::fprintf(stderr, "\nfuzz invariant broken: %s\n%s\n", what.c_str(), detail.c_str());
  std::fflush(stderr);
  std::abort();
}

inline void require(bool ok, const std::string& what, const std::string& detail = {}) {
  if (!ok) fail(what, detail);
}

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Splits at each line that is exactly `marker` ("\n===\n" style: the marker alone on its
// line). Always returns at least one part.
inline std::vector<std::string> split_parts(const std::string& text, std::string_view marker) {
  std::vector<std::string> parts;
  const std::string sep = "\n" + std::string(marker) + "\n";
  std::size_t start = 0;
  if (text.rfind(std::string(marker) + "\n", 0) == 0) {  // the marker on the first line
    parts.emplace_back();
    start = marker.size() + 1;
  }
  for (;;) {
    const std::size_t at = text.find(sep, start);
    if (at == std::string::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, at - start));
    start = at + sep.size();
  }
}

// The lines of `text`, without their '\n' (at least one, maybe empty).
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  lines.push_back(text.substr(start));
  return lines;
}

// "name:LINE:COL: ..." with LINE and COL positive integers: the position every harness
// message about a file must start with. Returns the line (0 if the prefix is not there).
inline int message_line(const std::string& message, const std::string& name, int* column = nullptr) {
  if (message.rfind(name + ":", 0) != 0) return 0;
  const char* p = message.c_str() + name.size() + 1;
  char* end = nullptr;
  const long line = std::strtol(p, &end, 10);
  if (end == p || *end != ':' || line < 1) return 0;
  p = end + 1;
  const long col = std::strtol(p, &end, 10);
  if (end == p || *end != ':' || col < 1) return 0;
  if (column) *column = static_cast<int>(col);
  return static_cast<int>(line);
}

// One in-memory file per process (memfd), rewritten for each input, for the loaders that
// take a path (load_scenario, load_expectations, read_jsonl, compute_coverage).
class InputFile {
 public:
  InputFile() : fd_(::memfd_create("loopcheck-fuzz", 0)) {
    require(fd_ >= 0, "memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() { ::close(fd_); }

  const std::string& write(const std::string& data) {
    require(::ftruncate(fd_, 0) == 0, "ftruncate failed");
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(done));
      require(n > 0, "pwrite failed");
      done += static_cast<std::size_t>(n);
    }
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace loopcheck::fuzz
