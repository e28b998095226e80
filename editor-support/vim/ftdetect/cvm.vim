" cvm model files
autocmd BufRead,BufNewFile *.cvm setfiletype cvm
