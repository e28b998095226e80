#include "interpreter/fit/transforms.h"

#include <cmath>
#include <limits>

namespace cvm::interp::fit {
namespace {

bool prior_is_positive(const graph::Parameter& p) {
  if (!p.prior) return false;
  const std::string& name = p.prior->text;
  return name == "lognormal" || name == "gamma" || name == "halfnormal";
}

}  // namespace

Transform Transform::for_param(const graph::Parameter& p) {
  Transform t;
  const graph::Value* uniform_lo = p.prior && p.prior->text == "uniform" ? p.prior->arg("lower") : nullptr;
  const graph::Value* uniform_hi = p.prior && p.prior->text == "uniform" ? p.prior->arg("upper") : nullptr;
  if (p.lower && p.upper) {
    t.kind_ = Kind::Logit;
    t.lower_ = *p.lower;
    t.upper_ = *p.upper;
  } else if (uniform_lo && uniform_hi) {  // a uniform prior bounds the value by itself
    t.kind_ = Kind::Logit;
    t.lower_ = uniform_lo->number;
    t.upper_ = uniform_hi->number;
  } else if (prior_is_positive(p)) {
    t.kind_ = Kind::Log;
  }
  return t;
}

std::string Transform::name() const {
  switch (kind_) {
    case Kind::Identity: return "identity";
    case Kind::Logit: return "logit";
    case Kind::Log: return "log";
  }
  return "identity";
}

at::Tensor Transform::to_value(const at::Tensor& u) const {
  switch (kind_) {
    case Kind::Identity: return u;
    case Kind::Logit: return at::sigmoid(u) * (upper_ - lower_) + lower_;
    case Kind::Log: return at::exp(u);
  }
  return u;
}

at::Tensor Transform::to_unconstrained(const at::Tensor& x, bool* moved) const {
  at::Tensor inside = clamp_inside(x);
  if (moved) *moved = !at::equal(inside, x);
  switch (kind_) {
    case Kind::Identity: return x.clone();
    case Kind::Logit: return at::logit((inside - lower_) / (upper_ - lower_));
    case Kind::Log: return at::log(inside);
  }
  return x.clone();
}

at::Tensor Transform::clamp_inside(const at::Tensor& x) const {
  switch (kind_) {
    case Kind::Identity: return x;
    case Kind::Logit: {
      const double margin = 1e-6 * (upper_ - lower_);
      return at::where(x <= lower_, at::full_like(x, lower_ + margin),
                       at::where(x >= upper_, at::full_like(x, upper_ - margin), x));
    }
    case Kind::Log: return at::where(x <= 0, at::full_like(x, std::numeric_limits<float>::min()), x);
  }
  return x;
}

}  // namespace cvm::interp::fit
