// The commands of `cvm repl`: name, usage and help text, in the order `:help` lists them.
// The one list that `:help`, command completion and `cvm repl --help` read. Header only and
// free of LibTorch, so the `cvm` command can print it without loading the engine.
#pragma once

namespace cvm::repl {

struct CommandInfo {
  const char* name;     // ":load"; views and settings without ':' ("p", "PATH = VALUE")
  const char* usage;    // ":load FILE [MODEL]"
  const char* summary;  // one line for the listing
  const char* details;  // `:help NAME`: what it does, with an example
};

inline constexpr CommandInfo kCommands[] = {
    {":help", ":help [COMMAND]", "list the commands, or describe one",
     "`:help` lists every command; `:help :run` (or `:help run`) describes one."},
    {":load", ":load FILE [MODEL]", "load a .cvm file (and choose one of its models)",
     "Compiles FILE and builds its model: the file's only model, or MODEL. A file with several\n"
     "models and no MODEL is loaded without a model: choose one with :use.\n"
     "  :load examples/ln.cvm\n  :load retina.cvm Retina"},
    {":reload", ":reload", "re-read the file; keep the values set in this session",
     "Reads the file again and rebuilds the model (its state starts afresh). Every value set in\n"
     "this session with PATH = VALUE is set again when the parameter still exists and accepts\n"
     "it; the others are dropped. Prints the values kept, the values the file changed and\n"
     "the values dropped."},
    {":models", ":models", "list the models of the file (* marks the current one)",
     "Lists the file's models; '*' marks the current one; a model that needs arguments\n"
     "cannot run on its own and says so."},
    {":use", ":use MODEL", "switch to another model of the file",
     "Builds MODEL of the current file. Values set in this session are not carried over."},
    {"p", "p | p.PATH | p._all | p._search.TEXT", "the parameter tree, a subtree, every flat name, a search",
     "p                the parameter tree with values and units\n"
     "p.PATH           a subtree, or one parameter described (as a bare PATH)\n"
     "p._all           every parameter by its flat name (convis's _all: dots become '_')\n"
     "p._all.NAME      one parameter by flat name, described\n"
     "p._search.TEXT   the parameters whose path contains TEXT"},
    {"m", "m | m.PATH", "the layer tree (primitive, ports, connections)",
     "m lists the model's inputs, layers (primitive type, input ports and their sources,\n"
     "output ports and channels) and outputs; m.PATH describes a layer or a group of them."},
    {"s", "s | s.PATH", "the state variables of each layer",
     "s lists the state each layer carries from chunk to chunk (and from one :run to the\n"
     "next); s.PATH the state of one layer."},
    {":describe", ":describe PATH", "describe a parameter, layer or state (as a bare PATH)",
     "A parameter: value, unit, type, shape, bounds, prior, doc, where its value comes from.\n"
     "A layer: its primitive, arguments, ports and parameters.\n"
     "  :describe lowpass.tau     (the same as typing lowpass.tau)"},
    {"PATH = VALUE", "PATH = VALUE", "set a parameter, checked like the language (units, bounds)",
     "Sets a parameter as --set does: the value is checked against the parameter's type, units\n"
     "and bounds; tensors built from the parameter are rebuilt. The state is kept.\n"
     "  lowpass.tau = 30 ms\n  p.gain = 3\n  conv.weight = gaussian(sigma = 0.5 deg)"},
    {":run", ":run STIMULUS | F.h5:/dataset | F.npy [chunk N]", "run the model and summarise each output",
     "Runs the model on a stimulus call or a data file (NAME=F.h5:/dataset for each input of a\n"
     "model with several), N frames at a time (default 500), and prints each output's shape,\n"
     "min, mean and max. The state carries over from the previous run, as in convis; :reset\n"
     "starts afresh. The outputs are kept for :save and :plot. Ctrl-C stops the run at the\n"
     "next chunk.\n"
     "  :run moving_grating(t = 200, x = 20, y = 20) chunk 50\n  :run input.h5:/stimulus"},
    {":save", ":save OUT.h5", "write the last run's outputs (as cvm run does)",
     "Writes /outputs/NAME [batch, channel, time, x, y] for each output of the last :run, with\n"
     "the attributes cvm run writes."},
    {":push", ":push", "save the model's state on a stack", "Saves the state of every layer; :pop brings it back."},
    {":pop", ":pop", "restore the state saved by the last :push", "Restores the state saved by the last :push."},
    {":reset", ":reset", "reset the state (as before the first frame)", "Resets every layer's state."},
    {":fit", ":fit [NAME]", "run a fit block (not in the REPL yet: use cvm fit)", "Fits do not run in the REPL yet; run them with `cvm fit FILE` (docs/fitting.md)."},
    {":export", ":export P.h5 | P.npz", "write the parameter values (as cvm params --export)",
     "Writes every parameter that is not tied to another: .npz (convis's load_parameters\n"
     "reads it) or .h5 (/params/NAME with unit and doc)."},
    {":impulse", ":impulse [T,X,Y] [at N] [chunk N] [plot OUT.png|OUT.svg]", "the impulse response and its peak",
     "Runs the model from a fresh state on zeros, then on an impulse (1 at frame N of the\n"
     "centre pixel) of size T,X,Y (default 500,10,10, at 0), and prints the peak of each\n"
     "output's response; the model's state is the same afterwards. `plot` draws it.\n"
     "  :impulse 200,10,10 at 10 plot impulse.png"},
    {":plot", ":plot OUT.png | OUT.svg", "draw the last run's outputs against time",
     "Draws each output of the last :run: the mean over pixels and a few pixels against time."},
    {":quit", ":quit", "leave (Ctrl-D too)", "Leaves the session."},
};

}  // namespace cvm::repl
