// Elementary functions that compute four floats at once (GCC vector extensions: SSE2 on
// x86-64), for per-pixel loops that would otherwise call std::exp once per element, such as
// Bipolar's exp(-dt g) for every pixel of every frame. g++ -O2 does not vectorise a scalar
// exp with range checks by itself (it turns the checks into branches), so the lanes are
// explicit. The same function on one float runs the same operations, so the remainder of a
// loop gives bitwise what a lane would.
//
// exp_float is Cephes's expf: n = round(x log2 e), r = x - n ln 2 (ln 2 in two parts, so r
// is exact to float precision), e^r by a polynomial, times 2^n built from the exponent bits
// in two halves (each a normal float, so the product overflows to inf or underflows
// gradually into subnormals as std::exp does). No branches: comparisons are lane selects.
// Within 1 ulp of std::exp over the float range (tests/interpreter/test_retina_bipolar.cpp
// sweeps it); exp(+inf) = inf, exp(-inf) = 0, exp(NaN) = NaN.
#pragma once

#include <cstdint>
#include <cstring>

namespace cvm::kernels {

/// Four floats / int32s, operated on lane by lane.
typedef float Float4 __attribute__((vector_size(16)));
typedef int32_t Int4 __attribute__((vector_size(16)));

inline Float4 load4(const float* p) {
  Float4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, Float4 v) { std::memcpy(p, &v, sizeof v); }

namespace vec_detail {

template <class F>
F splat(float v);
template <>
inline float splat<float>(float v) {
  return v;
}
template <>
inline Float4 splat<Float4>(float v) {
  return Float4{v, v, v, v};
}
inline int32_t to_int(float x) { return static_cast<int32_t>(x); }
inline Int4 to_int(Float4 x) { return __builtin_convertvector(x, Int4); }
inline float from_bits(int32_t b) { return __builtin_bit_cast(float, b); }
inline Float4 from_bits(Int4 b) { return __builtin_bit_cast(Float4, b); }

/// e^x of every lane; F is float or Float4.
template <class F>
F exp_lanes(F x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2High = 0.693359375f;  // few mantissa bits: n * kLn2High is exact
  constexpr float kLn2Low = -2.12194440e-4f;
  constexpr float kRoundToInt = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  // Below -104 the result rounds to 0, above 89 to inf. NaN passes both clamps (the
  // comparisons are false) and stays NaN through the arithmetic; only the conversion to
  // an integer must not see it.
  const F low = splat<F>(-104.0f), high = splat<F>(89.0f);
  F xc = x < low ? low : x;
  xc = xc > high ? high : xc;
  const F n = (xc * kLog2e + kRoundToInt) - kRoundToInt;
  F r = xc - n * kLn2High;
  r = r - n * kLn2Low;
  F p = splat<F>(1.9875691500e-4f);
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const F er = (p * (r * r) + r) + 1.0f;
  // 2^n = 2^half * 2^(n - half); n is in [-150, 129], so both factors are normal floats.
  const auto ni = to_int(n == n ? n : splat<F>(0.0f));
  const auto half = ni >> 1;
  return (er * from_bits((half + 127) << 23)) * from_bits((ni - half + 127) << 23);
}

}  // namespace vec_detail

inline float exp_float(float x) { return vec_detail::exp_lanes(x); }
inline Float4 exp_float(Float4 x) { return vec_detail::exp_lanes(x); }

}  // namespace cvm::kernels
