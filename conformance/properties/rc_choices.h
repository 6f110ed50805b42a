// The generator's choice source inside a rapidcheck property: every pick is
// `*rc::gen::inRange(0, n)`, so rapidcheck records it and shrinks it toward 0, which is the
// simplest choice (choices.h). Only for use inside rc::check.
#pragma once

#include <rapidcheck.h>

#include <vector>

#include "loopcheck/generate/choices.h"

namespace loopcheck::props {

class RapidcheckChoices final : public gen::Choices {
 public:
  std::uint32_t pick(std::uint32_t n) override {
    const std::uint32_t v = n <= 1 ? 0 : *rc::gen::inRange<std::uint32_t>(0, n);
    picks_.push_back(v);
    return v;
  }
  const std::vector<std::uint32_t>& picks() const { return picks_; }

 private:
  std::vector<std::uint32_t> picks_;
};

}  // namespace loopcheck::props
