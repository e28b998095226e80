#include "interpreter/fit/optimizers.h"

#include <torch/optim.h>

#include <stdexcept>

#include "interpreter/fit/archive_bytes.h"

namespace cvm::interp::fit {
namespace {

// The settings of one optimizer, read by name with a type check.
class Settings {
 public:
  explicit Settings(const OptimizerSettings& s) : s_(s) {}
  template <typename Setter>
  void number(const char* name, Setter set) const {
    if (const graph::Value* v = find(name)) {
      if (v->kind != graph::ValueKind::Number) throw bad(name, "a number");
      set(v->number);
    }
  }
  template <typename Setter>
  void boolean(const char* name, Setter set) const {
    if (const graph::Value* v = find(name)) {
      if (v->kind != graph::ValueKind::Bool) throw bad(name, "true or false");
      set(v->boolean);
    }
  }
  template <typename Setter>
  void pair(const char* name, Setter set) const {
    if (const graph::Value* v = find(name)) {
      if (v->kind != graph::ValueKind::List || v->items.size() != 2 ||
          v->items[0].kind != graph::ValueKind::Number || v->items[1].kind != graph::ValueKind::Number) {
        throw bad(name, "a list of two numbers");
      }
      set(v->items[0].number, v->items[1].number);
    }
  }
  template <typename Setter>
  void text(const char* name, Setter set) const {
    if (const graph::Value* v = find(name)) {
      if (v->kind != graph::ValueKind::String) throw bad(name, "a string");
      set(v->text);
    }
  }

 private:
  const graph::Value* find(const char* name) const {
    for (const auto& [key, value] : s_) {
      if (key == name) return &value;
    }
    return nullptr;
  }
  static std::invalid_argument bad(const char* name, const char* what) {
    return std::invalid_argument(std::string("optimizer setting '") + name + "' must be " + what);
  }
  const OptimizerSettings& s_;
};

}  // namespace

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, const OptimizerSettings& settings,
                                                        const std::vector<at::Tensor>& leaves) {
  Settings s(settings);
  using namespace torch::optim;
  if (name == "SGD") {
    SGDOptions o(0.001);  // torch requires lr; the checker makes sure a fit gives it
    s.number("lr", [&](double v) { o.lr(v); });
    s.number("momentum", [&](double v) { o.momentum(v); });
    s.number("dampening", [&](double v) { o.dampening(v); });
    s.number("weight_decay", [&](double v) { o.weight_decay(v); });
    s.boolean("nesterov", [&](bool v) { o.nesterov(v); });
    return std::make_unique<SGD>(leaves, o);
  }
  if (name == "Adam" || name == "AdamW") {
    auto apply = [&](auto& o) {
      s.number("lr", [&](double v) { o.lr(v); });
      s.pair("betas", [&](double a, double b) { o.betas(std::make_tuple(a, b)); });
      s.number("eps", [&](double v) { o.eps(v); });
      s.number("weight_decay", [&](double v) { o.weight_decay(v); });
      s.boolean("amsgrad", [&](bool v) { o.amsgrad(v); });
    };
    if (name == "Adam") {
      AdamOptions o;
      apply(o);
      return std::make_unique<Adam>(leaves, o);
    }
    AdamWOptions o;
    apply(o);
    return std::make_unique<AdamW>(leaves, o);
  }
  if (name == "Adagrad") {
    AdagradOptions o;
    s.number("lr", [&](double v) { o.lr(v); });
    s.number("lr_decay", [&](double v) { o.lr_decay(v); });
    s.number("weight_decay", [&](double v) { o.weight_decay(v); });
    s.number("initial_accumulator_value", [&](double v) { o.initial_accumulator_value(v); });
    s.number("eps", [&](double v) { o.eps(v); });
    return std::make_unique<Adagrad>(leaves, o);
  }
  if (name == "RMSprop") {
    RMSpropOptions o;
    s.number("lr", [&](double v) { o.lr(v); });
    s.number("alpha", [&](double v) { o.alpha(v); });
    s.number("eps", [&](double v) { o.eps(v); });
    s.number("weight_decay", [&](double v) { o.weight_decay(v); });
    s.number("momentum", [&](double v) { o.momentum(v); });
    s.boolean("centered", [&](bool v) { o.centered(v); });
    return std::make_unique<RMSprop>(leaves, o);
  }
  if (name == "LBFGS") {
    LBFGSOptions o;
    s.number("lr", [&](double v) { o.lr(v); });
    s.number("max_iter", [&](double v) { o.max_iter(static_cast<int64_t>(v)); });
    s.number("max_eval", [&](double v) { o.max_eval(static_cast<int64_t>(v)); });
    s.number("tolerance_grad", [&](double v) { o.tolerance_grad(v); });
    s.number("tolerance_change", [&](double v) { o.tolerance_change(v); });
    s.number("history_size", [&](double v) { o.history_size(static_cast<int64_t>(v)); });
    s.text("line_search_fn", [&](const std::string& v) { o.line_search_fn(v); });
    return std::make_unique<LBFGS>(leaves, o);
  }
  throw std::invalid_argument("unknown optimizer '" + name + "'");
}

bool optimizer_reevaluates(const std::string& name) { return name == "LBFGS"; }

namespace {

// LibTorch's own serialization of LBFGS fails on the tensors its state leaves undefined;
// its state (one entry, under the first parameter) is written field by field instead.
using torch::optim::LBFGSParamState;

std::string state_key(torch::optim::Optimizer& optimizer) {
  return c10::guts::to_string(optimizer.param_groups().at(0).params().at(0).unsafeGetTensorImpl());
}

void write_tensor(torch::serialize::OutputArchive& a, const std::string& key, const at::Tensor& t) {
  a.write(key + ".defined", at::scalar_tensor(t.defined() ? 1 : 0, at::kLong));
  if (t.defined()) a.write(key, t.detach());
}

at::Tensor read_tensor(torch::serialize::InputArchive& a, const std::string& key) {
  at::Tensor flag, t;
  a.read(key + ".defined", flag);
  if (flag.item<int64_t>()) a.read(key, t);
  return t;
}

void write_deque(torch::serialize::OutputArchive& a, const std::string& key, const std::deque<at::Tensor>& d) {
  a.write(key + ".size", at::scalar_tensor(static_cast<int64_t>(d.size()), at::kLong));
  for (size_t i = 0; i < d.size(); ++i) write_tensor(a, key + "." + std::to_string(i), d[i]);
}

std::deque<at::Tensor> read_deque(torch::serialize::InputArchive& a, const std::string& key) {
  at::Tensor size;
  a.read(key + ".size", size);
  std::deque<at::Tensor> d;
  for (int64_t i = 0; i < size.item<int64_t>(); ++i) d.push_back(read_tensor(a, key + "." + std::to_string(i)));
  return d;
}

void save_lbfgs(torch::optim::Optimizer& optimizer, torch::serialize::OutputArchive& a) {
  auto it = optimizer.state().find(state_key(optimizer));
  a.write("lbfgs.has_state", at::scalar_tensor(it != optimizer.state().end() ? 1 : 0, at::kLong));
  if (it == optimizer.state().end()) return;
  const auto& s = static_cast<const LBFGSParamState&>(*it->second);
  a.write("lbfgs.counts", at::tensor({s.func_evals(), s.n_iter()}, at::kLong));
  a.write("lbfgs.numbers", at::tensor({s.t(), s.prev_loss()}, at::kDouble));
  write_tensor(a, "lbfgs.d", s.d());
  write_tensor(a, "lbfgs.H_diag", s.H_diag());
  write_tensor(a, "lbfgs.prev_flat_grad", s.prev_flat_grad());
  write_deque(a, "lbfgs.old_dirs", s.old_dirs());
  write_deque(a, "lbfgs.old_stps", s.old_stps());
  write_deque(a, "lbfgs.ro", s.ro());
  a.write("lbfgs.has_al", at::scalar_tensor(s.al() ? 1 : 0, at::kLong));
  if (s.al()) write_deque(a, "lbfgs.al", {s.al()->begin(), s.al()->end()});
}

void load_lbfgs(torch::optim::Optimizer& optimizer, torch::serialize::InputArchive& a) {
  at::Tensor flag;
  a.read("lbfgs.has_state", flag);
  optimizer.state().clear();
  if (!flag.item<int64_t>()) return;
  auto s = std::make_unique<LBFGSParamState>();
  at::Tensor counts, numbers;
  a.read("lbfgs.counts", counts);
  a.read("lbfgs.numbers", numbers);
  s->func_evals(counts[0].item<int64_t>());
  s->n_iter(counts[1].item<int64_t>());
  s->t(numbers[0].item<double>());
  s->prev_loss(numbers[1].item<double>());
  s->d(read_tensor(a, "lbfgs.d"));
  s->H_diag(read_tensor(a, "lbfgs.H_diag"));
  s->prev_flat_grad(read_tensor(a, "lbfgs.prev_flat_grad"));
  s->old_dirs(read_deque(a, "lbfgs.old_dirs"));
  s->old_stps(read_deque(a, "lbfgs.old_stps"));
  s->ro(read_deque(a, "lbfgs.ro"));
  a.read("lbfgs.has_al", flag);
  if (flag.item<int64_t>()) {
    std::deque<at::Tensor> al = read_deque(a, "lbfgs.al");
    s->al(std::vector<at::Tensor>(al.begin(), al.end()));
  }
  optimizer.state()[state_key(optimizer)] = std::move(s);
}

bool is_lbfgs(torch::optim::Optimizer& optimizer) {
  return dynamic_cast<torch::optim::LBFGS*>(&optimizer) != nullptr;
}

}  // namespace

std::vector<uint8_t> save_optimizer_state(torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  if (is_lbfgs(optimizer)) {
    save_lbfgs(optimizer, archive);
  } else {
    optimizer.save(archive);
  }
  return archive_bytes(archive);
}

void load_optimizer_state(torch::optim::Optimizer& optimizer, const std::vector<uint8_t>& bytes) {
  torch::serialize::InputArchive archive;
  load_archive(archive, bytes);
  if (is_lbfgs(optimizer)) {
    load_lbfgs(optimizer, archive);
  } else {
    optimizer.load(archive);
  }
}

}  // namespace cvm::interp::fit
