// Reads a scenario file: the JSON-compatible subset of YAML (scenarios/README.md, "Files"),
// into a JSON value, remembering the line and column of every node.
//
// A port of conformance/adapters/python/yaml_loader.py on yaml-cpp's event parser. Plain
// scalars are resolved as PyYAML's SafeLoader does (so both loaders read a file to the same
// value), and the loader rejects, with file:line:column: anchors and aliases, tags, merge
// keys, duplicate keys, non-scalar keys, YAML 1.1 booleans (yes/no/on/off) and
// timestamps, an empty file, more than one document, and text that is not UTF-8.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include "loopcheck/json.h"

namespace loopcheck {

struct Mark {
  int line = 1;    // 1-based
  int column = 1;  // 1-based
};

// Path -> where its node starts. at() falls back to the nearest enclosing node.
class Positions {
 public:
  void set(const Path& path, Mark mark) { marks_[path] = mark; }
  Mark at(Path path) const;

 private:
  std::map<Path, Mark> marks_;
};

// "file:line:column: problem".
class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedYaml {
  Json data;
  Positions positions;
};

LoadedYaml load_yaml_text(const std::string& text, const std::string& filename);
// Reads the file (an unreadable file is a LoadError naming it) and loads it.
LoadedYaml load_yaml_file(const std::string& path);

}  // namespace loopcheck
