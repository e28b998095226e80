#include "interpreter/runtime/layer_registry.h"

namespace cvm::interp {
namespace {
std::map<std::string, LayerFactory>& registry() {
  static std::map<std::string, LayerFactory> r;
  return r;
}

const graph::Value& arg(const graph::Node& node, const std::string& name) {
  const graph::Value* v = node.arg(name);
  if (!v) throw std::logic_error("layer '" + node.path + "' has no argument '" + name + "'");
  return *v;
}
}  // namespace

bool register_layer(const std::string& primitive, LayerFactory factory) {
  registry()[primitive] = std::move(factory);
  return true;
}

const LayerFactory* find_layer(const std::string& primitive) {
  auto it = registry().find(primitive);
  return it == registry().end() ? nullptr : &it->second;
}

double arg_number(const graph::Node& node, const std::string& name) { return arg(node, name).number; }
bool arg_bool(const graph::Node& node, const std::string& name) { return arg(node, name).boolean; }
std::vector<int64_t> arg_ints(const graph::Node& node, const std::string& name) {
  std::vector<int64_t> out;
  for (const auto& v : arg(node, name).items) out.push_back(static_cast<int64_t>(v.number));
  return out;
}

}  // namespace cvm::interp
