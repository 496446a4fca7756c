-- akslint language server for Neovim (0.10+), with the built-in client.
-- Put this file in your config (e.g. ~/.config/nvim/after/plugin/akslint.lua) or copy the call.
-- `akslint` must be on PATH (or give its full path in `cmd`).
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "yaml", "json", "jsonc" },
  callback = function(args)
    vim.lsp.start({
      name = "akslint",
      cmd = { "akslint", "server" },
      -- The nearest akslint.toml or repository root; the server also finds akslint.toml per file.
      root_dir = vim.fs.root(args.buf, { "akslint.toml", ".akslint.toml", ".git" }),
      -- Same meaning as --select / --ignore; leave empty to use akslint.toml.
      init_options = { select = {}, ignore = {} },
    })
  end,
})

-- Neovim 0.11+ alternative: vim.lsp.config / vim.lsp.enable.
-- vim.lsp.config("akslint", {
--   cmd = { "akslint", "server" },
--   filetypes = { "yaml", "json", "jsonc" },
--   root_markers = { "akslint.toml", ".akslint.toml", ".git" },
-- })
-- vim.lsp.enable("akslint")
