// Helpers for the harness tests: paths, the Python reference, temporary directories.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace loopcheck::test {

inline std::string root() { return LOOPCHECK_SOURCE_DIR; }
inline std::string data(const std::string& rel) { return root() + "/conformance/tests/data/" + rel; }

// Debian's python3 with PyYAML (the reference tools need it); empty when absent.
inline std::string reference_python() {
  static const std::string py = [] {
    const char* candidates[] = {"/usr/bin/python3", "python3"};
    for (const char* c : candidates)
      if (std::system((std::string(c) + " -c 'import yaml' >/dev/null 2>&1").c_str()) == 0) return std::string(c);
    return std::string();
  }();
  return py;
}

// Runs a shell command and returns its stdout.
inline std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/loopcheck-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string p = path + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p) << text;
    return p;
  }
};

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace loopcheck::test
