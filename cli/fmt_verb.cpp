// Placeholder: replaced by the verb.
#include <iostream>

#include "cli/verbs.h"
#include "interpreter/engine_api.h"

namespace cvm {

int cmd_fmt(const VerbArgs&) {
  std::cerr << "cvm fmt: not built yet\n";
  return kExitInternal;
}

}  // namespace cvm
