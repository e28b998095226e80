// Units: the table of names, resolution-dependent units, dimension arithmetic.
#include <catch2/catch.hpp>

#include "frontend/units/unit.h"

using namespace cvm;

TEST_CASE("time units convert to seconds", "[units]") {
  Resolution r;
  REQUIRE(lookup_unit("ms", r)->scale == Approx(1e-3));
  REQUIRE(lookup_unit("us", r)->scale == Approx(1e-6));
  REQUIRE(lookup_unit("s", r)->dim == Dimension{1, 0});
}

TEST_CASE("steps and px depend on the resolution", "[units]") {
  Resolution r{2000, 20};
  REQUIRE(lookup_unit("steps", r)->scale == Approx(0.0005));
  REQUIRE(lookup_unit("px", r)->scale == Approx(0.05));
  REQUIRE(lookup_unit("px", r)->dim == Dimension{0, 1});
}

TEST_CASE("Hz is an inverse time and arcmin a sixtieth of a degree", "[units]") {
  Resolution r;
  REQUIRE(lookup_unit("Hz", r)->dim == Dimension{-1, 0});
  REQUIRE(lookup_unit("arcmin", r)->scale == Approx(1.0 / 60));
  REQUIRE_FALSE(lookup_unit("meter", r).has_value());
}

TEST_CASE("dimension names and units print for people", "[units]") {
  REQUIRE(dimension_unit(Dimension{-1, 1}) == "deg/s");
  REQUIRE(dimension_unit(Dimension{-1, 0}) == "Hz");
  REQUIRE(dimension_name(Dimension{1, 0}) == "a time");
  REQUIRE(dimension_name(Dimension{}) == "a plain number");
  REQUIRE(*type_dimension("frequency") == Dimension{-1, 0});
}
