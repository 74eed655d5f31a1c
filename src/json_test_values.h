// SPDX-License-Identifier: GPL-2.0-or-later
// Random JSON values for the writer's and the reader's property tests.
#ifndef PMEMRECLAIM_JSON_TEST_VALUES_H_
#define PMEMRECLAIM_JSON_TEST_VALUES_H_

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "size.h"

namespace pmemreclaim {

// Objects, arrays, strings of ASCII (control characters too), u64 numbers, booleans, null; nested up to
// about five levels.
inline nlohmann::json RandomValue(std::mt19937_64& rng, int depth) {
  const int kind = static_cast<int>(rng() % (depth > 3 ? 4 : 6));
  switch (kind) {
    case 0: return rng() % 2 == 0;
    case 1: return nullptr;
    case 2: return rng();
    case 3: {
      std::string s;
      for (u64 n = rng() % 6; n > 0; --n) s += static_cast<char>(rng() % 128);  // control characters too
      return s;
    }
    case 4: {
      nlohmann::json a = nlohmann::json::array();
      for (u64 n = rng() % 4; n > 0; --n) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
    default: {
      nlohmann::json o = nlohmann::json::object();
      for (u64 n = rng() % 4; n > 0; --n) o["k" + std::to_string(rng() % 100)] = RandomValue(rng, depth + 1);
      return o;
    }
  }
}

}  // namespace pmemreclaim

#endif  // PMEMRECLAIM_JSON_TEST_VALUES_H_
