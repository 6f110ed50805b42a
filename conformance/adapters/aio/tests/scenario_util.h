#pragma once
// Helpers for the adapter tests: a scenario from an inline program, and trace queries.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loopcheck/aio_adapter.h"

namespace loopcheck::aio_adapter::testing {

using json = nlohmann::json;

// A valid reference-level scenario around `program` (JSON text), needing `needs`.
inline json scenario(const std::string& program, std::vector<std::string> needs = {},
                     const std::string& id = "test/inline") {
  return {{"id", id},
          {"title", "inline test scenario"},
          {"rules", {"ORD-01"}},
          {"level", "reference"},
          {"needs", needs},
          {"program", json::parse(program)},
          {"expect", {{"trace", json::array()}}}};
}

inline AdapterOptions options(Backend backend, std::uint64_t seed = 1) {
  AdapterOptions o;
  o.backend = backend;
  o.seed = seed;
  return o;
}

// "kind:name" (record, value), "kind:type" (error, caught), or the kind alone, per event.
inline std::vector<std::string> summary(const json& result) {
  std::vector<std::string> out;
  for (const json& e : result.at("trace")) {
    std::string kind = e.at("kind");
    if (e.contains("name")) out.push_back(kind + ":" + e["name"].get<std::string>());
    else if (e.contains("type")) out.push_back(kind + ":" + e["type"].get<std::string>());
    else out.push_back(kind);
  }
  return out;
}

// The first event of `kind` with `name` (or null).
inline json find_event(const json& result, const std::string& kind, const std::string& name) {
  for (const json& e : result.at("trace"))
    if (e.at("kind") == kind && e.value("name", "") == name) return e;
  return nullptr;
}

}  // namespace loopcheck::aio_adapter::testing
