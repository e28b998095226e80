" Vim syntax file
" Language:   cvm (models of early vision, *.cvm)
" Grammar:    grammar/Cvm.g4 of the cvm repository
"
" The keywords are the `syn keyword` lines below: tests/e2e/test_editor_support.sh checks
" that their words are exactly the keywords of grammar/Cvm.g4, so keep every keyword of the
" language in a `syn keyword` line (one line per group, no continuation lines) and use
" `syn match` for everything else.
"
" All keywords but `in`, `and`, `or`, `not`, `true` and `false` are soft: they may be names. A name right after
" a declaration keyword (`output output = nl`) is coloured as a name, and the fit keywords
" (`data`, `weight`, ...) are keywords only inside the braces of a `fit` block. Elsewhere a
" soft keyword used as a name is coloured as a keyword.

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match

" Comments: `///` documents the declaration that follows it.
syn match   cvmTodo          contained "\<\(TODO\|FIXME\|XXX\|NOTE\)\>"
syn match   cvmLineComment   "//.*$" contains=cvmTodo,@Spell
syn match   cvmDocComment    "///.*$" contains=cvmTodo,@Spell
syn region  cvmBlockComment  start="/\*" end="\*/" contains=cvmTodo,@Spell
syn cluster cvmComments      contains=cvmLineComment,cvmDocComment,cvmBlockComment

" Strings: one line; any character after a backslash is an escape.
syn match   cvmEscape        contained "\\."
syn region  cvmString        start=+"+ skip=+\\.+ end=+"+ end=+$+ oneline contains=cvmEscape

" Numbers and their units: a unit follows its number on the same line (`20 ms`, `3 s^-1`,
" `2 deg/s`). A keyword after a number is a keyword, not a unit (`= 1 fixed`).
syn match   cvmNumber        "\%([[:alnum:]_.]\)\@1<!\%(\d\+\%(\.\d*\)\=\|\.\d\+\)\%([eE][+-]\=\d\+\)\=" nextgroup=cvmUnit,@cvmKeywords skipwhite
syn match   cvmUnit          contained "\h\w*\%(\s*^\s*-\=\s*\d\+\)\=\%(\s*[*/]\s*\h\w*\%(\s*^\s*-\=\s*\d\+\)\=\)*"

" A lower-case name after `.` is a path component, never a keyword (`conv.weight`); it is
" not coloured.
syn match   cvmMember        "\.\%(\l\|_\)\w*" contains=NONE

" Declarations. The name after the keyword is a name even when it is itself a keyword.
syn keyword cvmInclude       import nextgroup=cvmModule skipwhite
syn match   cvmModule        contained "\h\w*\%(\.\h\w*\)*"
syn keyword cvmStructure     model primitive nextgroup=cvmModelName skipwhite
syn match   cvmModelName     contained "\h\w*" nextgroup=cvmAliasAssign skipwhite
syn match   cvmAliasAssign   contained "=\@<!==\@!" nextgroup=cvmTypeName skipwhite
syn keyword cvmDeclare       input param output state nextgroup=cvmDeclName skipwhite
syn match   cvmDeclName      contained "\h\w*"
syn keyword cvmDeclare       layer nextgroup=cvmLayerName skipwhite
syn match   cvmLayerName     contained "\h\w*" nextgroup=cvmAliasAssign skipwhite
syn match   cvmTypeName      contained "\h\w*\%(\.\h\w*\)*"
syn keyword cvmDeclare       resolution
" `fixed` flags a parameter and starts a fit item: one group for both (a keyword in two
" groups would be taken from the wrong one after a number).
syn keyword cvmModifier      fixed
syn keyword cvmConditional   if
syn keyword cvmOperatorWord  in and or not
syn keyword cvmBoolean       true false

" Fit blocks: fit MODEL [as NAME] { ITEMS }.
syn keyword cvmFit           fit nextgroup=cvmFitModel skipwhite skipempty
syn match   cvmFitModel      contained "\h\w*\%(\.\h\w*\)*" nextgroup=cvmFitAs,cvmFitBody skipwhite skipempty
syn keyword cvmFitAs         contained as nextgroup=cvmFitName skipwhite skipempty
syn match   cvmFitName       contained "\h\w*" nextgroup=cvmFitBody skipwhite skipempty
syn region  cvmFitBody       contained matchgroup=cvmBrace start="{" end="}" fold contains=@cvmComments,cvmString,cvmNumber,cvmMember,cvmFitKeyword,cvmDeclare,cvmModifier,cvmBoolean,cvmCall,cvmInstance,cvmOperator,cvmColon
syn keyword cvmFitKeyword    contained data target weight free optimizer chunk skip epochs seed validate every epoch early_stop patience export
syn keyword cvmFitKeyword    contained loss nextgroup=cvmLossName skipwhite
syn match   cvmLossName      contained "\h\w*"

syn cluster cvmKeywords      contains=cvmInclude,cvmStructure,cvmDeclare,cvmModifier,cvmConditional,cvmOperatorWord,cvmBoolean,cvmFit,cvmFitKeyword

" Types after `:` (the `:` is not coloured), instances and optimizers (capitalised, before
" `(`), built-in functions.
syn match   cvmColon         ":" nextgroup=cvmType skipwhite
syn match   cvmType          contained "\h\w*"
syn match   cvmInstance      "\<\u\w*\ze\s*("
syn match   cvmCall          "\<\l\w*\ze\s*("

syn match   cvmOperator      "->\|[<>=!]=\|[<>~=]\|[-+*^]\|/[/*]\@!"
syn region  cvmBlock         matchgroup=cvmBrace start="{" end="}" transparent fold

hi def link cvmTodo          Todo
hi def link cvmLineComment   Comment
hi def link cvmBlockComment  Comment
hi def link cvmDocComment    SpecialComment
hi def link cvmString        String
hi def link cvmEscape        SpecialChar
hi def link cvmNumber        Number
hi def link cvmUnit          Special
hi def link cvmInclude       Include
hi def link cvmModule        Identifier
hi def link cvmStructure     Structure
hi def link cvmModelName     Function
hi def link cvmDeclare       Keyword
hi def link cvmDeclName      Identifier
hi def link cvmLayerName     Identifier
hi def link cvmTypeName      Type
hi def link cvmAliasAssign   Operator
hi def link cvmModifier      StorageClass
hi def link cvmConditional   Conditional
hi def link cvmOperatorWord  Operator
hi def link cvmBoolean       Boolean
hi def link cvmFit           Keyword
hi def link cvmFitModel      Type
hi def link cvmFitAs         Keyword
hi def link cvmFitName       Identifier
hi def link cvmFitKeyword    Statement
hi def link cvmLossName      Constant
hi def link cvmType          Type
hi def link cvmInstance      Type
hi def link cvmCall          Function
hi def link cvmOperator      Operator
hi def link cvmBrace         Delimiter

let b:current_syntax = "cvm"
let &cpo = s:cpo_save
unlet s:cpo_save
