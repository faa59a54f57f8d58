-- Neovim 0.7 headless as a second LSP client (adapted from the shared e2e recipe):
--   LEAK_LSP_SERVER=server/bin/leaklint-lsp.js nvim --headless -i NONE -u test/e2e/nvim-lsp-check.lua FILE.ts
-- Starts `leaklint-lsp --stdio`, waits (up to 30 s) for diagnostics, prints them as
--   DIAG file:line:col message [source/code]
-- asks for the code actions at the first one and prints them as
--   ACTION title
-- and exits 0 when diagnostics arrived, 1 otherwise. (0.7 has no vim.lsp.start().)
local server = os.getenv('LEAK_LSP_SERVER') or error('set LEAK_LSP_SERVER to the server script')

local client_id = vim.lsp.start_client({
  name = 'leaklint',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.getcwd(),
  on_exit = function(code) io.stderr:write('server exited ' .. tostring(code) .. '\n') end,
})
if not client_id then
  io.stderr:write('start_client failed\n')
  vim.cmd('cquit 2')
end

local function attach(buf) vim.lsp.buf_attach_client(buf, client_id) end

vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'typescript', 'javascript', 'typescriptreact', 'javascriptreact' },
  callback = function(args) attach(args.buf) end,
})

vim.api.nvim_create_autocmd('VimEnter', {
  callback = function()
    local buf = vim.api.nvim_get_current_buf()
    if not vim.lsp.buf_is_attached(buf, client_id) then attach(buf) end
    local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
    local diags = vim.diagnostic.get(buf)
    for _, d in ipairs(diags) do
      io.stdout:write(string.format('DIAG %s:%d:%d %s [%s/%s]\n',
        vim.api.nvim_buf_get_name(buf), d.lnum + 1, d.col + 1, d.message, d.source or '?',
        tostring(d.user_data and d.user_data.lsp and d.user_data.lsp.code or '?')))
    end
    if got then
      local first = diags[1]
      -- back to LSP form (message, source, range, code, data)
      local lsp_diag = vim.lsp.diagnostic.get_line_diagnostics(buf, first.lnum, {}, client_id)[1]
      local params = {
        textDocument = vim.lsp.util.make_text_document_params(buf),
        range = { start = { line = first.lnum, character = first.col }, ['end'] = { line = first.end_lnum, character = first.end_col } },
        context = { diagnostics = { lsp_diag } },
      }
      local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
      for _, response in pairs(responses) do
        for _, action in ipairs(response.result or {}) do
          io.stdout:write('ACTION ' .. action.title .. '\n')
        end
      end
    end
    vim.lsp.stop_client(client_id)
    vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
    vim.cmd(got and 'qall!' or 'cquit 1')
  end,
})
