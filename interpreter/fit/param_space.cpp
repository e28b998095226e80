#include "interpreter/fit/param_space.h"

#include <cmath>

#include "interpreter/fit/priors.h"
#include "interpreter/kernels/autograd_support.h"
#include "interpreter/runtime/parameters.h"

namespace cvm::interp::fit {

ParamSpace::ParamSpace(const graph::ModelGraph& g, std::string model_dir, std::vector<at::Tensor> start,
                       const std::vector<int>& free, std::set<std::string> given)
    : g_(g), model_dir_(std::move(model_dir)), start_(std::move(start)), free_(free),
      leaf_of_(g.params.size(), -1), given_(std::move(given)) {
  at::NoGradGuard no_grad;
  for (size_t k = 0; k < free_.size(); ++k) {
    const graph::Parameter& p = g_.params[static_cast<size_t>(free_[k])];
    leaf_of_[static_cast<size_t>(free_[k])] = static_cast<int>(k);
    Transform t = Transform::for_param(p);
    bool moved = false;
    at::Tensor u = t.to_unconstrained(start_[static_cast<size_t>(free_[k])].to(at::kFloat), &moved);
    if (moved) moved_inside_.push_back(p.path);
    leaves_.push_back(u.detach().clone().contiguous().set_requires_grad(true));
    transforms_.push_back(t);
  }
}

bool ParamSpace::is_derived(size_t i) const {
  const graph::Parameter& p = g_.params[i];
  return !p.tied_to && leaf_of_[i] < 0 && !p.value.param_refs().empty() && !given_.count(p.flat_name());
}

at::Tensor ParamSpace::derived_with_gradient(size_t i, const std::vector<at::Tensor>& out) const {
  const graph::Parameter& p = g_.params[i];
  if (p.value.kind == graph::ValueKind::ParamRef) return out[static_cast<size_t>(g_.find_param(p.value.text))];
  std::vector<at::Tensor> plain;
  for (const auto& t : out) plain.push_back(kernels::detached(t));
  at::Tensor value = materialise_param(p, g_, model_dir_, plain);
  at::Tensor gradient_part;
  for (const std::string& source : p.value.param_refs()) {
    auto s = static_cast<size_t>(g_.find_param(source));
    if (!kernels::needs_grad({out[s]})) continue;
    double x = plain[s].item<double>();
    double h = 1e-3 * (x != 0 ? std::abs(x) : 1e-3);
    std::vector<at::Tensor> shifted = plain;
    shifted[s] = at::scalar_tensor(x + h, at::kDouble);
    at::Tensor up = materialise_param(p, g_, model_dir_, shifted).to(at::kDouble);
    shifted[s] = at::scalar_tensor(x - h, at::kDouble);
    at::Tensor down = materialise_param(p, g_, model_dir_, shifted).to(at::kDouble);
    at::Tensor slope = ((up - down) / (2 * h)).to(at::kFloat);
    at::Tensor term = slope * (out[s] - out[s].detach()).reshape({});
    gradient_part = gradient_part.defined() ? gradient_part + term : term;
  }
  return gradient_part.defined() ? value + gradient_part : value;
}

at::Tensor ParamSpace::resolve(size_t i, std::vector<at::Tensor>& out, std::vector<bool>& done,
                               bool with_grad) const {
  if (done[i]) return out[i];
  const graph::Parameter& p = g_.params[i];
  at::Tensor v;
  if (leaf_of_[i] >= 0) {
    auto k = static_cast<size_t>(leaf_of_[i]);
    v = transforms_[k].to_value(leaves_[k]);
    if (!with_grad) v = transforms_[k].clamp_inside(v.detach());
  } else if (p.tied_to) {
    v = resolve(static_cast<size_t>(g_.find_param(*p.tied_to)), out, done, with_grad);
  } else if (is_derived(i)) {
    for (const std::string& source : p.value.param_refs()) {
      resolve(static_cast<size_t>(g_.find_param(source)), out, done, with_grad);
    }
    v = with_grad ? derived_with_gradient(i, out) : materialise_param(p, g_, model_dir_, out);
  } else {
    v = start_[i];
  }
  out[i] = v;
  done[i] = true;
  return v;
}

std::vector<at::Tensor> ParamSpace::values() const {
  std::vector<at::Tensor> out(g_.params.size());
  std::vector<bool> done(g_.params.size(), false);
  for (size_t i = 0; i < g_.params.size(); ++i) resolve(i, out, done, true);
  return out;
}

at::Tensor ParamSpace::prior_penalty(const std::vector<at::Tensor>& values) const {
  at::Tensor total = at::zeros({}, at::kFloat);
  for (int i : free_) {
    const graph::Parameter& p = g_.params[static_cast<size_t>(i)];
    if (p.prior) total = total + fit::prior_penalty(*p.prior, values[static_cast<size_t>(i)]);
  }
  return total;
}

std::vector<at::Tensor> ParamSpace::final_values() const {
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> out(g_.params.size());
  std::vector<bool> done(g_.params.size(), false);
  for (size_t i = 0; i < g_.params.size(); ++i) resolve(i, out, done, false);
  for (auto& t : out) t = t.detach().clone();
  // Ties share one tensor, as materialise_params builds them.
  for (size_t i = 0; i < g_.params.size(); ++i) {
    if (g_.params[i].tied_to) out[i] = out[static_cast<size_t>(g_.find_param(*g_.params[i].tied_to))];
  }
  return out;
}

}  // namespace cvm::interp::fit
