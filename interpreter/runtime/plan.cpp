#include "interpreter/runtime/plan.h"

#include <algorithm>
#include <map>

#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {

ExecutionPlan::ExecutionPlan(const graph::ModelGraph& g, std::vector<at::Tensor> params, const LayerContext& ctx)
    : graph_(g), params_(std::move(params)) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const graph::Node& node = g.nodes[i];
    const LayerFactory* factory = find_layer(node.primitive);
    if (!factory) {
      throw RuntimeError("primitive '" + node.primitive + "' is declared in the library but has no implementation",
                         node.range);
    }
    Step step{static_cast<int>(i), (*factory)(node, ctx)};
    for (int p : node.params) {
      const std::string& path = g.params[static_cast<size_t>(p)].path;
      step.layer->params[path.substr(node.prefix.size())] = params_[static_cast<size_t>(p)];
    }
    steps_.push_back(std::move(step));
  }
}

graph::SignalRef ExecutionPlan::record_signal(const std::string& path) const {
  int node = graph_.find_node(path);
  int port = 0;
  if (node < 0) {
    auto dot = path.rfind('.');
    if (dot != std::string::npos) {
      node = graph_.find_node(path.substr(0, dot));
      if (node >= 0) {
        const auto& outs = graph_.nodes[static_cast<size_t>(node)].outputs;
        port = -1;
        for (size_t k = 0; k < outs.size(); ++k) {
          if (outs[k] == path.substr(dot + 1)) port = static_cast<int>(k);
        }
        if (port < 0) node = -1;
      }
    }
  }
  if (node < 0) {
    std::vector<std::string> names;
    for (const auto& n : graph_.nodes) names.push_back(n.path);
    throw RuntimeError("--record: model '" + graph_.model + "' has no layer '" + path + "' (its layers: " +
                       join_names(names) + ")");
  }
  return {graph::SignalRef::Kind::Node, node, port};
}

std::vector<at::Tensor> ExecutionPlan::run_chunk(const std::vector<at::Tensor>& inputs,
                                                 const std::vector<std::string>& record,
                                                 std::vector<at::Tensor>* recorded) {
  std::vector<std::vector<at::Tensor>> outputs(graph_.nodes.size());
  auto value = [&](const graph::SignalRef& r) -> const at::Tensor& {
    if (r.kind == graph::SignalRef::Kind::Input) return inputs[static_cast<size_t>(r.index)];
    return outputs[static_cast<size_t>(r.index)][static_cast<size_t>(r.port)];
  };
  for (auto& step : steps_) {
    const graph::Node& node = graph_.nodes[static_cast<size_t>(step.node)];
    std::vector<at::Tensor> in;
    for (const auto& port : node.inputs) {
      at::Tensor sum = value(port.sources[0]);
      for (size_t k = 1; k < port.sources.size(); ++k) sum = sum + value(port.sources[k]);
      in.push_back(sum);
    }
    try {
      outputs[static_cast<size_t>(step.node)] = step.layer->forward(in);
    } catch (const RuntimeError&) {
      throw;
    } catch (const c10::Error& e) {
      throw RuntimeError("layer '" + node.path + "' (" + node.primitive + ") failed: " + e.what_without_backtrace(),
                         node.range);
    } catch (const std::exception& e) {
      throw RuntimeError("layer '" + node.path + "' (" + node.primitive + ") failed: " + e.what(), node.range);
    }
  }
  std::vector<at::Tensor> result;
  for (const auto& o : graph_.outputs) result.push_back(value(o.source));
  if (recorded) {
    recorded->clear();
    for (const auto& path : record) recorded->push_back(value(record_signal(path)));
  }
  return result;
}

void ExecutionPlan::reset_state() {
  for (auto& s : steps_) s.layer->reset_state();
}

void ExecutionPlan::set_states(const std::vector<std::pair<std::string, at::Tensor>>& values) {
  std::map<std::string, std::pair<Layer*, std::string>> by_flat;
  std::map<std::string, int> node_of;
  for (auto& step : steps_) {
    const graph::Node& node = graph_.nodes[static_cast<size_t>(step.node)];
    for (const auto& s : node.states) {
      std::string flat = node.prefix + s;
      std::replace(flat.begin(), flat.end(), '.', '_');
      by_flat[flat] = {step.layer.get(), s};
      node_of[flat] = step.node;
    }
  }
  std::vector<std::string> unknown;
  for (const auto& [name, value] : values) {
    auto it = by_flat.find(name);
    if (it == by_flat.end()) {
      unknown.push_back(name);
      continue;
    }
    try {
      it->second.first->set_state(it->second.second, value);
    } catch (const RuntimeError& e) {
      const graph::Node& node = graph_.nodes[static_cast<size_t>(node_of.at(name))];
      throw RuntimeError("--state " + name + ": " + e.what() + " (layer '" + node.path + "', " + node.primitive +
                             "; only spiking layers' states can be set)",
                         node.range);
    }
  }
  if (!unknown.empty()) {
    std::vector<std::string> known;
    for (const auto& k : by_flat) known.push_back(k.first);
    throw RuntimeError("model '" + graph_.model + "' has no state " + join_names(unknown) +
                       (known.empty() ? " (it has no state)" : " (its states: " + join_names(known) + ")"));
  }
}

void ExecutionPlan::push_state() {
  std::vector<std::vector<at::Tensor>> snapshot;
  for (auto& s : steps_) snapshot.push_back(s.layer->save_state());
  saved_.push_back(std::move(snapshot));
}

void ExecutionPlan::pop_state() {
  if (saved_.empty()) throw std::logic_error("pop_state without push_state");
  auto snapshot = std::move(saved_.back());
  saved_.pop_back();
  for (size_t i = 0; i < steps_.size(); ++i) steps_[i].layer->restore_state(snapshot[i]);
}

std::vector<at::Tensor> ExecutionPlan::layer_state(int node) const {
  for (const auto& s : steps_) {
    if (s.node == node) return s.layer->save_state();
  }
  return {};
}

}  // namespace cvm::interp
