#pragma once
// A structural copy between nlohmann::json (what run_scenario takes and answers) and
// loopcheck::Json (the ordered flavour the validator takes), value for value. It gives what
// loopcheck::from_plain / to_plain give (a plain object's keys are already sorted), without
// their text round trip, which would cost more than a small run.
// Must not: change a value (numbers keep their kind and their exact value).

#include <nlohmann/json.hpp>

namespace loopcheck::refmodel {

template <class To, class From>
To json_copy(const From& v) {
  using value_t = typename From::value_t;
  switch (v.type()) {
    case value_t::object: {
      To out = To::object();
      for (auto it = v.begin(); it != v.end(); ++it) out[it.key()] = json_copy<To>(it.value());
      return out;
    }
    case value_t::array: {
      To out = To::array();
      for (const auto& item : v) out.push_back(json_copy<To>(item));
      return out;
    }
    case value_t::string:
      return To(v.template get_ref<const typename From::string_t&>());
    case value_t::boolean:
      return To(v.template get<bool>());
    case value_t::number_integer:
      return To(v.template get<typename From::number_integer_t>());
    case value_t::number_unsigned:
      return To(v.template get<typename From::number_unsigned_t>());
    case value_t::number_float:
      return To(v.template get<typename From::number_float_t>());
    default:
      return To();  // null (and binary, which JSON text cannot carry)
  }
}

}  // namespace loopcheck::refmodel
