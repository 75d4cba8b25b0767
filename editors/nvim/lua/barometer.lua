-- barometer in Neovim, from 0.7 (Debian 12's) to the current release: rules and
-- event files get the filetype `barometer` (not Snort's `hog`, which Neovim 0.7
-- gives *.rules), and `barometer lsp` is started for them with Neovim's own
-- client, no plugin needed. In init.lua:
--
--   vim.opt.runtimepath:append("/path/to/barometer/editors/nvim")
--   require("barometer").setup()
--
-- setup({ cmd = { "/path/to/.venv/bin/barometer", "lsp" } }) names the server
-- where `barometer` is not on the PATH. Anything that keeps it from working is
-- said with vim.notify at ERROR level, never silently.
local M = {}

local function fail(message)
  vim.notify("barometer: " .. message, vim.log.levels.ERROR)
end

-- The folder a buffer's scheme lives in: the nearest one above the file holding
-- `rules/` or `.git`, else the file's own folder.
local function root_of(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local here = dir
  while true do
    if vim.fn.isdirectory(here .. "/rules") == 1 or vim.fn.isdirectory(here .. "/.git") == 1 then
      return here
    end
    local up = vim.fn.fnamemodify(here, ":h")
    if up == here then
      return dir
    end
    here = up
  end
end

-- udev's rules files end in .rules too: those stay udev's.
local function ours(path)
  return not (path:find("/udev/") or path:find("/rules%.d/"))
end

local clients = {} -- before 0.9: one server per root folder

local function attach(buf, opts)
  local path = vim.api.nvim_buf_get_name(buf)
  local root = root_of(path ~= "" and path or vim.fn.getcwd())
  local config = {
    name = "barometer",
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    on_exit = function(code)
      if code ~= 0 then
        vim.schedule(function()
          fail("`" .. table.concat(opts.cmd, " ") .. "` stopped with status " .. code)
        end)
      end
    end,
  }
  if vim.fn.has("nvim-0.9") == 1 then
    -- vim.lsp.start reuses the client of the same name and root, and attaches
    -- (start_client is deprecated from 0.11 on)
    if vim.lsp.start(config, { bufnr = buf }) == nil then
      fail("could not start `" .. table.concat(opts.cmd, " ") .. "`")
    end
    return
  end
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    if id == nil then
      fail("could not start `" .. table.concat(opts.cmd, " ") .. "`")
      return
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(buf, id)
end

function M.setup(opts)
  opts = vim.tbl_extend("force", { cmd = { "barometer", "lsp" } }, opts or {})
  if vim.fn.has("nvim-0.7") ~= 1 then
    fail("Neovim 0.7 or later is needed (this is " .. tostring(vim.version and
      vim.version().major .. "." .. vim.version().minor or "older") .. ")")
    return false
  end
  if vim.fn.executable(opts.cmd[1]) ~= 1 then
    fail("`" .. opts.cmd[1] .. "` is not an executable on the PATH: install barometer, or "
      .. "give setup({ cmd = { \"/path/to/barometer\", \"lsp\" } })")
    return false
  end
  if vim.filetype and vim.filetype.add then -- Neovim's own detection, from 0.8 on
    local function detect(path)
      return ours(path) and "barometer" or nil
    end
    vim.filetype.add({ extension = { rules = detect, events = detect } })
  end
  local group = vim.api.nvim_create_augroup("barometer", { clear = true })
  -- After the filetype detection of every version (0.7's filetype.vim says `hog`
  -- for *.rules; 0.8 and later's filetype.lua too): set, not setfiletype.
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = { "*.rules", "*.events" },
    callback = function(args)
      if ours(vim.api.nvim_buf_get_name(args.buf)) then
        vim.bo[args.buf].filetype = "barometer"
      end
    end,
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "barometer",
    callback = function(args)
      vim.bo[args.buf].commentstring = "# %s"
      attach(args.buf, opts)
    end,
  })
  return true
end

return M
