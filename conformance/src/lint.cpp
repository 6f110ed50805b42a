// The doc-quote lint (run_corpus.py --lint): a documented scenario's doc.text must occur in
// its doc.source, a seed file (../shared/seeds beside the repository) or the catalogue
// (conformance/spec), with whitespace and markup folded.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "loopcheck/scenario.h"

namespace loopcheck {
namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
}

}  // namespace

std::string fold_doc_text(std::string text) {
  replace_all(text, "\xc2\xb6", "");          // pilcrow
  replace_all(text, "\xc2\xa0", " ");         // no-break space (Python's \\s)
  replace_all(text, "\xe2\x80\x99", "'");     // right single quote
  replace_all(text, "\xe2\x80\x98", "'");     // left single quote
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '*' || c == '`') continue;
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string lint_doc(const Scenario& sc, const std::string& root, std::map<std::string, std::string>& cache) {
  if (!sc.doc.is_object() || !sc.doc.contains("source") || !sc.doc["source"].is_string()) return {};
  const std::string source = sc.doc["source"].get<std::string>();
  std::string path;
  for (const std::string& dir : {root + "/../shared/seeds/", root + "/conformance/spec/"})
    if (std::filesystem::exists(dir + source)) {
      path = dir + source;
      break;
    }
  if (path.empty()) return sc.file + ": doc.source '" + source + "' not found";
  if (!cache.count(path)) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    cache[path] = fold_doc_text(ss.str());
  }
  const std::string text = sc.doc.value("text", "");
  if (cache[path].find(fold_doc_text(text)) == std::string::npos)
    return sc.file + ": " + sc.id + ": doc.text does not occur in " + source;
  return {};
}

}  // namespace loopcheck
