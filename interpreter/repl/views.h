// What `cvm repl` shows of a model: the parameter tree (`p`, `p.PATH`), every flat name
// (`p._all`), a search (`p._search.TEXT`), one parameter described (value, unit, type,
// shape, bounds, prior, doc, where its value comes from), the layer tree (`m`) and one
// layer, and the state tree (`s`). Text goes to the given stream; unknown paths are
// CommandErrors that suggest a close name.
#pragma once

#include <ostream>

#include "interpreter/repl/command.h"

namespace cvm::repl {

class Session;

/// Shows the view a Command::Kind::View command asks for.
void show_view(std::ostream& out, const Session& session, const Command& view);

/// "lowpass.tau = 0.03 s (30 ms)": one parameter's path and current value.
std::string param_line(const Session& session, size_t index);

}  // namespace cvm::repl
