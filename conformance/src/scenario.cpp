#include "loopcheck/scenario.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "loopcheck/model.h"
#include "loopcheck/yaml_loader.h"

namespace fs = std::filesystem;

namespace loopcheck {

double Scenario::deadline() const { return model::timeout_seconds(timeout).value_or(10.0); }

namespace {

std::string id_from_path(const std::string& file) {
  fs::path p(file);
  return p.parent_path().filename().string() + "/" + p.stem().string();
}

std::vector<std::string> strings(const Json& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const auto& x : v)
      if (x.is_string()) out.push_back(x.get<std::string>());
  return out;
}

std::string str_or(const Json& obj, const char* key, std::string dflt = {}) {
  return obj.is_object() && obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : dflt;
}

void fill_metadata(Scenario& sc) {
  const Json& r = sc.raw;
  if (!r.is_object()) return;
  if (r.contains("id") && r["id"].is_string()) sc.id = r["id"].get<std::string>();
  sc.title = str_or(r, "title");
  sc.level = str_or(r, "level");
  sc.timeout = str_or(r, "timeout", "short");
  if (!model::timeout_seconds(sc.timeout)) sc.timeout = "short";
  sc.since = str_or(r, "since");
  sc.until = str_or(r, "until");
  sc.rules = strings(r.value("rules", Json()));
  sc.needs = strings(r.value("needs", Json()));
  sc.tags = strings(r.value("tags", Json()));
  sc.doc = r.contains("doc") && r["doc"].is_object() ? r["doc"] : Json();
}

}  // namespace

Scenario load_scenario(const std::string& path, const std::string& display) {
  Scenario sc;
  sc.file = display;
  sc.id = id_from_path(display);
  LoadedYaml loaded;
  try {
    loaded = load_yaml_file(path);
  } catch (const LoadError& e) {
    std::string msg = e.what();
    if (msg.rfind(path, 0) == 0) msg = display + msg.substr(path.size());
    sc.error = msg;
    return sc;
  }
  sc.raw = loaded.data;
  fill_metadata(sc);
  try {
    sc.valid = validate_scenario(sc.raw);
  } catch (const ScenarioError& e) {
    Mark m = loaded.positions.at(e.path());
    std::string sid = "?";
    if (sc.raw.is_object() && sc.raw.contains("id"))
      sid = sc.raw["id"].is_string() ? sc.raw["id"].get<std::string>() : py_repr(sc.raw["id"]);
    sc.error = display + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": " + sid + ": " + e.message();
  }
  return sc;
}

std::vector<std::string> find_scenario_files(const std::string& path) {
  std::vector<std::string> out;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return {path};
  if (!fs::is_directory(path, ec)) return {path};  // reported as unreadable by the loader
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string relative_to(const std::string& path, const std::string& root) {
  std::error_code ec;
  auto abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  auto base = fs::weakly_canonical(fs::absolute(root, ec), ec);
  auto rel = abs.lexically_relative(base);
  if (rel.empty() || rel.native().rfind("..", 0) == 0) return path;
  return rel.string();
}

Corpus load_corpus(const std::vector<std::string>& paths, const std::string& root) {
  Corpus c;
  std::vector<std::string> files;
  for (const auto& p : paths)
    for (auto& f : find_scenario_files(p)) files.push_back(f);
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  std::map<std::string, std::string> seen;  // id -> file
  for (const auto& f : files) {
    Scenario sc = load_scenario(f, relative_to(f, root));
    if (auto it = seen.find(sc.id); it != seen.end()) {
      c.problems.push_back(sc.file + ": scenario id '" + sc.id + "' is also the id of " + it->second);
      sc.id += "#" + sc.file;  // keep both in the run, under distinct names
    }
    seen[sc.id] = sc.file;
    if (sc.ok() && sc.id != id_from_path(sc.file) && sc.file.find("scenarios/") != std::string::npos)
      c.problems.push_back(sc.file + ": id '" + sc.id + "' does not match the file's place (" +
                           id_from_path(sc.file) + ")");
    c.scenarios.push_back(std::move(sc));
  }
  std::sort(c.scenarios.begin(), c.scenarios.end(),
            [](const Scenario& a, const Scenario& b) { return a.id < b.id; });
  return c;
}

int compare_versions(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& s) {
    std::vector<long> v;
    size_t start = 0;
    while (start <= s.size()) {
      auto dot = s.find('.', start);
      try {
        v.push_back(std::stol(s.substr(start, dot - start)));
      } catch (...) {
        v.push_back(0);
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return v;
  };
  auto x = parts(a), y = parts(b);
  // As Python compares tuples: (3, 11) < (3, 11, 0).
  return x < y ? -1 : y < x ? 1 : 0;
}

std::string skip_reason(const Scenario& sc, const std::vector<std::string>& caps,
                        const std::string& asyncio_version) {
  std::vector<std::string> missing;
  for (const auto& n : sc.needs)
    if (std::find(caps.begin(), caps.end(), n) == caps.end()) missing.push_back(n);
  if (!missing.empty()) return "needs " + model::join(missing, ", ");
  if (!asyncio_version.empty()) {
    if (!sc.since.empty() && compare_versions(asyncio_version, sc.since) < 0)
      return "holds since Python " + sc.since + "; this adapter aims at " + asyncio_version;
    if (!sc.until.empty() && compare_versions(asyncio_version, sc.until) >= 0)
      return "holds until Python " + sc.until + " (exclusive); this adapter aims at " + asyncio_version;
  }
  return {};
}

bool filter_match(const std::string& glob, const std::string& text) {
  return fnmatch(glob.c_str(), text.c_str(), 0) == 0;
}

}  // namespace loopcheck
