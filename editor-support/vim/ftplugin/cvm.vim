" Vim filetype plugin for cvm model files: comments and indentation (two spaces, as the
" cvm sources; braces indent).
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal commentstring=//\ %s
setlocal comments=s1:/*,mb:*,ex:*/,:///,://
setlocal formatoptions-=t formatoptions+=croql
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal autoindent smartindent
setlocal suffixesadd=.cvm

let b:undo_ftplugin = "setlocal commentstring< comments< formatoptions< expandtab< shiftwidth<"
      \ . " softtabstop< autoindent< smartindent< suffixesadd<"
