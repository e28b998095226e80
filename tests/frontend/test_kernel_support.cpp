// Natural support sizes of convis's derived kernels (frontend/semantic/kernel_support.h):
// the design note's table at 10 px/deg and 1000 steps/s, the edge cases (sigma 0, even
// sizes, the min/max lengths, n > 0). Agreement with the kernels the interpreter builds is
// checked in tests/interpreter/test_initialisers.cpp.
#include <catch2/catch.hpp>

#include "frontend/semantic/kernel_support.h"

using namespace cvm;

TEST_CASE("gaussian support at 10 pixels per degree", "[kernel_support]") {
  CHECK(gaussian_support(0.05, 10) == 3);
  CHECK(gaussian_support(0.1, 10) == 7);
  CHECK(gaussian_support(0.15, 10) == 11);
  CHECK(gaussian_support(0.2, 10) == 13);
  CHECK(gaussian_support(0.2, 20) == gaussian_support(0.4, 10));
  CHECK(gaussian_support(0, 10) == 1);
  CHECK(gaussian_support(0.01, 10) == 1);  // below one pixel: a single tap
  CHECK(gaussian_support(0.01, 10, true) == 2);
  CHECK(gaussian_support(0.2, 10, true) == 14);
}

TEST_CASE("exponential and highpass support at 1000 steps per second", "[kernel_support]") {
  CHECK(highpass_exponential_support(0.02, 0.7, 1000) == 73);
  CHECK(exponential_support(0.02, 1000, 0, 0.7) == 72);
  CHECK(exponential_support(0.001, 1000) == 10);      // at least min_steps
  CHECK(exponential_support(1.0, 1000, 0, 100) == 1000);  // at most max_length
  CHECK(exponential_support(10.0, 1000) == 10);       // a below epsilon: min_steps
  CHECK(exponential_support(0.01, 1000) == 47);       // int(-10 ln(0.001 * 10)) + 1
  CHECK(exponential_support(0.004, 1000) == 23);
  CHECK(exponential_support(0.004, 1000, 0, 1.0, true) == 24);   // grown to even
  CHECK(exponential_support(0.004, 1000, 0, 1.0, false) == 23);
  CHECK(highpass_exponential_support(0.1, 0.8, 1000) == 209);
  CHECK(exponential_support(0, 1000) == 1);
  CHECK(exponential_support(0.01, 1000, 2) == 134);   // n (int(-10 ln(0.001)) - n)
}
