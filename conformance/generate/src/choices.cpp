#include "loopcheck/generate/choices.h"

namespace loopcheck::gen {

std::uint32_t PrngChoices::pick(std::uint32_t n) {
  state_ += 0x9e3779b97f4a7c15ULL;  // splitmix64
  std::uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  const std::uint32_t v = n <= 1 ? 0 : static_cast<std::uint32_t>(((z >> 32) * n) >> 32);
  recorded_.push_back(v);
  return v;
}

std::uint32_t ReplayChoices::pick(std::uint32_t n) {
  std::uint32_t v = 0;
  if (next_ < picks_.size()) v = picks_[next_];
  ++next_;
  if (n <= 1) v = 0;
  else if (v >= n) v %= n;
  answered_.push_back(v);
  return v;
}

std::uint32_t ByteChoices::pick(std::uint32_t n) {
  const std::size_t width = n <= 256 ? 1 : n <= 65536 ? 2 : 4;
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < width && next_ < size_; ++i, ++next_) v |= static_cast<std::uint32_t>(data_[next_]) << (8 * i);
  return n <= 1 ? 0 : v % n;
}

}  // namespace loopcheck::gen
