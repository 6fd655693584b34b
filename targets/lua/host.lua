-- The Lua Host: the one door from the portable core to the world on Lua 5.1 and LuaJIT.
-- Hand-written Lua; needs luasocket (3.x) and luaposix (33.4 on Debian, 36.x on OpenWrt:
-- only APIs present in both are used). Bundled by TSTL through host.d.ts.
--
-- Everything asynchronous is driven by one event loop (runLoop): a timer queue plus
-- socket.select over luasocket sockets and process pipes. Host functions return at once
-- and complete through callbacks cb(err, value); errors are values {code=, message=}.
--
-- Calling convention: core/host.ts marks every interface @noSelf, so core calls
-- host.now() without self. Every Host function still accepts a self argument
-- (host:now()) too, because TSTL omits self only for interface members whose interface
-- carries @noSelf, and code compiled against another declaration would pass one. Callbacks into the core are called
-- without self: cb(err, value), handler(data) - TSTL compiles those function types (type
-- aliases and parameters declared in core/host.ts) without self. The exception is
-- ExecOptions.onLine, a property of an interface: outside @noSelfInFile files TSTL compiles
-- it as function(self, line), inside them as function(line). The host calls it as
-- onLine(line, line), which both forms read correctly.

-- System libraries are loaded through a local alias: TSTL's bundler follows literal
-- require("...") calls in .lua files and would try to bundle luasocket/luaposix.
local load = require
local socket = load("socket")
local unistd = load("posix.unistd")
local pwait = load("posix.sys.wait")
local ptime = load("posix.time")
local fcntl = load("posix.fcntl")
local pstat = load("posix.sys.stat")
local dirent = load("posix.dirent")
local psignal = load("posix.signal")
local utsname = load("posix.sys.utsname")
local perrno = load("posix.errno")
local pstdlib = load("posix.stdlib")

local M = {}

---------------------------------------------------------------------------- helpers

local function herr(code, message)
  return { code = code, message = message }
end

-- errno number -> code name, for the codes the core may switch on
local ERRNO_NAMES = {}
for _, name in ipairs({ "ENOENT", "EACCES", "EEXIST", "ENOTDIR", "EISDIR", "ENOTEMPTY", "ENOSPC", "EROFS",
  "EPERM", "EBUSY", "EXDEV", "ENAMETOOLONG", "ELOOP", "EINVAL", "EMFILE" }) do
  local n = perrno[name]
  if n ~= nil then ERRNO_NAMES[n] = name end
end

local function errnoCode(errnum)
  return (errnum ~= nil and ERRNO_NAMES[errnum]) or "EIO"
end

-- luasocket error strings -> codes
local function sockCode(msg)
  if msg == nil then return "EIO" end
  if msg == "timeout" then return "ETIMEDOUT" end
  if msg == "connection refused" then return "ECONNREFUSED" end
  if msg == "closed" or msg == "connection reset by peer" then return "ECONNRESET" end
  if msg:find("not known", 1, true) or msg:find("no address", 1, true) or msg:find("not provided", 1, true) then
    return "ENOTFOUND"
  end
  if msg:find("unreachable", 1, true) then return "EHOSTUNREACH" end
  return "EIO"
end

-- A method that works as obj.f(a, ...), obj:f(a, ...) and, for a method TSTL sees as taking
-- self but called through a detached reference (`const exec = host.exec; exec(...)`),
-- f(nil, a, ...). No Host function takes nil as its first argument followed by others.
local function method(owner, f)
  return function(a, ...)
    if rawequal(a, owner) or (a == nil and select("#", ...) > 0) then return f(...) end
    return f(a, ...)
  end
end

local function monoMs()
  local ts = ptime.clock_gettime(ptime.CLOCK_MONOTONIC)
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000
end

local function nowMs()
  local ts = ptime.clock_gettime(ptime.CLOCK_REALTIME)
  if ts ~= nil then return ts.tv_sec * 1000 + math.floor(ts.tv_nsec / 1000000) end
  return math.floor(socket.gettime() * 1000)
end

local function logErr(msg)
  io.stderr:write("[error] " .. tostring(msg) .. "\n")
  io.stderr:flush()
end

-- Run a core callback; a Lua error inside it is logged, never allowed to kill the loop.
local function call(f, ...)
  if f == nil then return end
  local args, n = { ... }, select("#", ...)
  local ok, e = xpcall(function() return f(unpack(args, 1, n)) end, debug.traceback)
  if not ok then logErr("callback failed: " .. tostring(e)) end
end

---------------------------------------------------------------------------- event loop

local timers = {}      -- id -> { at=, seq=, cb= }
local timerCount = 0
local nextTimerId = 1
local timerSeq = 0
local deferred = {}    -- callbacks to run on the next turn of the loop
local readers = {}     -- object (with getfd) -> function()  (readable)
local writers = {}     -- object -> function()  (writable)
local procs = {}       -- pid -> proc record (see exec)
local procCount = 0

local function addTimer(ms, cb)
  local id = nextTimerId
  nextTimerId = nextTimerId + 1
  timerSeq = timerSeq + 1
  if type(ms) ~= "number" or ms ~= ms or ms < 0 then ms = 0 end
  timers[id] = { at = monoMs() + ms, seq = timerSeq, cb = cb }
  timerCount = timerCount + 1
  return id
end

local function removeTimer(id)
  if id ~= nil and timers[id] ~= nil then
    timers[id] = nil
    timerCount = timerCount - 1
  end
end

local function defer(f, ...)
  local args, n = { ... }, select("#", ...)
  deferred[#deferred + 1] = function() return f(unpack(args, 1, n)) end
end

local function countKeys(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

-- The earliest due timer, or nil.
local function earliestTimer()
  local bestId, best
  for id, t in pairs(timers) do
    if best == nil or t.at < best.at or (t.at == best.at and t.seq < best.seq) then
      bestId, best = id, t
    end
  end
  return bestId, best
end

local function runDeferred()
  while #deferred > 0 do
    local q = deferred
    deferred = {}
    for i = 1, #q do call(q[i]) end
  end
end

local function runTimers()
  -- fire only timers already due at this instant, in (at, seq) order; timers they add wait
  local now = monoMs()
  local limitSeq = timerSeq
  while true do
    local id, t = nil, nil
    for tid, tt in pairs(timers) do
      if tt.at <= now and tt.seq <= limitSeq and (t == nil or tt.at < t.at or (tt.at == t.at and tt.seq < t.seq)) then
        id, t = tid, tt
      end
    end
    if id == nil then return end
    removeTimer(id)
    call(t.cb)
    runDeferred()
  end
end

local reapProcs -- forward

local function loopOnce()
  runDeferred()
  runTimers()
  reapProcs()
  runDeferred()
  local nReaders, nWriters = countKeys(readers), countKeys(writers)
  if timerCount == 0 and procCount == 0 and nReaders == 0 and nWriters == 0 and #deferred == 0 then
    return false
  end
  local timeout = 3600
  if #deferred > 0 then timeout = 0 end
  local _, t = earliestTimer()
  if t ~= nil then
    local d = (t.at - monoMs()) / 1000
    if d < 0 then d = 0 end
    if d < timeout then timeout = d end
  end
  -- poll waitpid: often right after a process closed its pipes (it is exiting), rarely while
  -- it still holds them (its exit closes them, which wakes select anyway)
  if procCount > 0 then
    local cap = 0.25
    for _, p in pairs(procs) do
      if p.out.obj == nil and p.err.obj == nil then cap = 0.005 end
    end
    if timeout > cap then timeout = cap end
  end
  local rlist, wlist = {}, {}
  for o in pairs(readers) do rlist[#rlist + 1] = o end
  for o in pairs(writers) do wlist[#wlist + 1] = o end
  if #rlist == 0 and #wlist == 0 then
    if timeout > 0 then socket.sleep(timeout) end
    return true
  end
  local r, w = socket.select(rlist, wlist, timeout)
  for _, o in ipairs(r or {}) do
    local f = readers[o]
    if f ~= nil then call(f) end
  end
  for _, o in ipairs(w or {}) do
    local f = writers[o]
    if f ~= nil then call(f) end
  end
  return true
end

function M.runLoop()
  while loopOnce() do end
end

---------------------------------------------------------------------------- fs

local function fsResult(ok, msg, errnum)
  if ok then return nil end
  return herr(errnoCode(errnum), tostring(msg))
end

local fs = {}

fs.read = method(fs, function(path, cb)
  local f, msg, errnum = io.open(path, "rb")
  if f == nil then return call(cb, fsResult(false, msg, errnum), nil) end
  local data = f:read("*a")
  f:close()
  if data == nil then return call(cb, herr("EISDIR", path .. ": cannot read"), nil) end
  call(cb, nil, data)
end)

local function writeFile(mode, path, data, cb)
  local f, msg, errnum = io.open(path, mode)
  if f == nil then return call(cb, fsResult(false, msg, errnum), nil) end
  local ok, wmsg = f:write(data)
  local cok, cmsg = f:close()
  if not ok or not cok then return call(cb, herr("EIO", tostring(wmsg or cmsg)), nil) end
  call(cb, nil, true)
end

fs.write = method(fs, function(path, data, cb) writeFile("wb", path, data, cb) end)
fs.append = method(fs, function(path, data, cb) writeFile("ab", path, data, cb) end)

fs.rename = method(fs, function(from, to, cb)
  local ok, msg, errnum = os.rename(from, to) -- rename(2): atomic within one filesystem
  if not ok then return call(cb, fsResult(false, msg, errnum), nil) end
  call(cb, nil, true)
end)

fs.list = method(fs, function(dir, cb)
  local ok, entries = pcall(dirent.dir, dir)
  if not ok or entries == nil then
    local st, smsg, serr = pstat.stat(dir)
    local e
    if st == nil then e = herr(errnoCode(serr), tostring(smsg))
    else e = herr("ENOTDIR", tostring(entries)) end
    return call(cb, e, nil)
  end
  local names = {}
  local dots = 0
  for _, name in ipairs(entries) do
    if name ~= "." and name ~= ".." then names[#names + 1] = name else dots = dots + 1 end
  end
  if dots == 0 and #names == 0 then
    -- readdir stopped before "." and "..": it failed (seen with 32-bit Lua under qemu-user
    -- on ext4, whose 64-bit directory offsets overflow). Say so rather than report "empty".
    return call(cb, herr("EIO", dir .. ": directory could not be read"), nil)
  end
  table.sort(names)
  call(cb, nil, names)
end)

fs.remove = method(fs, function(path, cb)
  local ok, msg, errnum = os.remove(path) -- remove(3): files and empty directories
  if not ok then return call(cb, fsResult(false, msg, errnum), nil) end
  call(cb, nil, true)
end)

fs.stat = method(fs, function(path, cb)
  local st, msg, errnum = pstat.stat(path)
  if st == nil then return call(cb, herr(errnoCode(errnum), tostring(msg)), nil) end
  call(cb, nil, {
    size = st.st_size,
    isDir = pstat.S_ISDIR(st.st_mode) ~= 0,
    mtime = st.st_mtime * 1000,
  })
end)

-- mkdir -p: creates missing parents; an existing directory is success.
fs.mkdir = method(fs, function(path, cb)
  local prefix = path:sub(1, 1) == "/" and "/" or ""
  local built = prefix
  for part in path:gmatch("[^/]+") do
    built = (built == "" or built == "/") and (built .. part) or (built .. "/" .. part)
    local st = pstat.stat(built)
    if st == nil then
      local ok, msg, errnum = pstat.mkdir(built, 493) -- 0755
      if ok == nil and errnum ~= perrno.EEXIST then
        return call(cb, herr(errnoCode(errnum), tostring(msg)), nil)
      end
    elseif pstat.S_ISDIR(st.st_mode) == 0 then
      return call(cb, herr("ENOTDIR", built .. " is not a directory"), nil)
    end
  end
  call(cb, nil, true)
end)

---------------------------------------------------------------------------- processes

-- A pipe end wrapped so socket.select accepts it (luasocket only asks for getfd()).
local function fdObject(fd)
  return { fd = fd, getfd = function() return fd end, dirty = function() return false end }
end

local function setNonBlocking(fd)
  local fl = fcntl.fcntl(fd, fcntl.F_GETFL)
  if fl ~= nil then fcntl.fcntl(fd, fcntl.F_SETFL, fl + (fl % (2 * fcntl.O_NONBLOCK) >= fcntl.O_NONBLOCK and 0 or fcntl.O_NONBLOCK)) end
end

local function isExecutable(path)
  local st = pstat.stat(path)
  if st == nil or pstat.S_ISDIR(st.st_mode) ~= 0 then return false end
  return unistd.access(path, "x") == 0
end

-- Resolve a program name through PATH (a name with "/" is taken as a path).
local function resolveProgram(name, pathVar)
  if name == nil or name == "" then return nil end
  if name:find("/", 1, true) then
    if isExecutable(name) then return name end
    return nil
  end
  for dir in (pathVar or os.getenv("PATH") or "/usr/sbin:/usr/bin:/sbin:/bin"):gmatch("[^:]+") do
    local p = dir .. "/" .. name
    if isExecutable(p) then return p end
  end
  return nil
end

-- File descriptors the child must not keep (sockets, other pipes).
local function openFds()
  local fds = {}
  local ok, entries = pcall(dirent.dir, "/proc/self/fd")
  if ok and entries then
    for _, e in ipairs(entries) do
      local n = tonumber(e)
      if n ~= nil then fds[#fds + 1] = n end
    end
  end
  if #fds == 0 then -- no /proc, or readdir failed: close a fixed range instead
    for n = 3, 255 do fds[#fds + 1] = n end
  end
  return fds
end

local function finishProc(p)
  if p.done then return end
  p.done = true
  removeTimer(p.timer)
  removeTimer(p.killTimer)
  removeTimer(p.graceTimer)
  for _, s in ipairs({ p.out, p.err }) do
    if s.obj ~= nil then
      readers[s.obj] = nil
      unistd.close(s.obj.fd)
      s.obj = nil
    end
  end
  if p.onLine ~= nil and p.lineBuf ~= "" then
    local l = p.lineBuf
    p.lineBuf = ""
    call(p.onLine, l, l)
  end
  call(p.cb, nil, {
    code = p.code,
    stdout = table.concat(p.out.parts),
    stderr = table.concat(p.err.parts),
    ms = p.endedAt - p.startedAt,
    timedOut = p.timedOut,
    truncated = p.truncated,
  })
end

local function maybeFinish(p)
  if p.done or not p.reaped then return end
  if p.out.obj == nil and p.err.obj == nil then return finishProc(p) end
  -- exited but a pipe is still open (a grandchild holds it): do not wait for ever
  if p.graceTimer == nil then
    p.graceTimer = addTimer(p.timedOut and 50 or 500, function() p.graceTimer = nil; finishProc(p) end)
  end
end

local function feedLines(p, data)
  local buf = p.lineBuf .. data
  local pos = 1
  while true do
    local i = buf:find("\n", pos, true)
    if i == nil then break end
    local line = buf:sub(pos, i - 1)
    local ok, e = pcall(p.onLine, line, line) -- (line, line): see the header; pcall is cheaper than call()
    if not ok then logErr("onLine failed: " .. tostring(e)) end
    pos = i + 1
  end
  p.lineBuf = buf:sub(pos)
end

local function onPipeReadable(p, s, isStdout)
  local data, msg, errnum = unistd.read(s.obj.fd, 65536)
  if data == nil then
    if errnum == perrno.EAGAIN or errnum == perrno.EINTR then return end
    data = ""
  end
  if data == "" then -- EOF
    readers[s.obj] = nil
    unistd.close(s.obj.fd)
    s.obj = nil
    return maybeFinish(p)
  end
  local room = p.maxBytes - s.size
  if #data > room then
    data = data:sub(1, room > 0 and room or 0)
    p.truncated = true
  end
  if #data > 0 then
    s.parts[#s.parts + 1] = data
    s.size = s.size + #data
    if isStdout and p.onLine ~= nil then feedLines(p, data) end
  end
  if p.truncated and s.size >= p.maxBytes then
    -- stop reading this stream: the process sees a closed pipe (SIGPIPE/EPIPE)
    readers[s.obj] = nil
    unistd.close(s.obj.fd)
    s.obj = nil
    maybeFinish(p)
  end
end

local function killProc(p, sig)
  if p.reaped then return end
  -- the child leads its own process group: take its children (sh -c ...) with it
  if psignal.killpg(p.pid, sig) ~= 0 then psignal.kill(p.pid, sig) end
end

reapProcs = function()
  if procCount == 0 then return end
  local list = {}
  for pid, p in pairs(procs) do list[#list + 1] = p end
  for _, p in ipairs(list) do
    local pid = p.pid
    local rpid, how, status = pwait.wait(pid, pwait.WNOHANG)
    if rpid == pid and (how == "exited" or how == "killed") then
      procs[pid] = nil
      procCount = procCount - 1
      p.reaped = true
      p.endedAt = monoMs()
      if how == "exited" and not p.timedOut then p.code = status else p.code = -1 end
      removeTimer(p.killTimer)
      maybeFinish(p)
    elseif rpid == nil then
      -- not our child any more (ECHILD): give up on it
      procs[pid] = nil
      procCount = procCount - 1
      p.reaped = true
      p.endedAt = monoMs()
      p.code = -1
      maybeFinish(p)
    end
  end
end

local function exec(argv, opts, cb)
  opts = opts or {}
  if type(argv) ~= "table" or argv[1] == nil then
    return defer(call, cb, herr("EEXEC", "empty argv"), nil)
  end
  for i = 1, #argv do
    if type(argv[i]) ~= "string" then return defer(call, cb, herr("EEXEC", "argv entries must be strings"), nil) end
  end
  local pathVar = (opts.env and opts.env.PATH) or os.getenv("PATH")
  local prog = resolveProgram(argv[1], pathVar)
  if prog == nil then
    if argv[1]:find("/", 1, true) and pstat.stat(argv[1]) ~= nil then
      return defer(call, cb, herr("EACCES", argv[1] .. ": not an executable file"), nil)
    end
    return defer(call, cb, herr("ENOENT", argv[1] .. ": no such executable"), nil)
  end
  if opts.cwd ~= nil then
    local st = pstat.stat(opts.cwd)
    if st == nil or pstat.S_ISDIR(st.st_mode) == 0 then
      return defer(call, cb, herr("ENOENT", "cwd " .. tostring(opts.cwd) .. " is not a directory"), nil)
    end
  end
  local outR, outW = unistd.pipe()
  local errR, errW = unistd.pipe()
  local stR, stW = unistd.pipe() -- exec status: closed by a successful exec (CLOEXEC)
  if outR == nil or errR == nil or stR == nil then
    for _, fd in ipairs({ outR, outW, errR, errW, stR, stW }) do if type(fd) == "number" then unistd.close(fd) end end
    return defer(call, cb, herr("EEXEC", "pipe failed"), nil)
  end
  fcntl.fcntl(stW, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
  local fds = openFds()
  local startedAt = monoMs()
  io.stdout:flush()
  io.stderr:flush()
  local pid, ferr = unistd.fork()
  if pid == nil then
    for _, fd in ipairs({ outR, outW, errR, errW, stR, stW }) do unistd.close(fd) end
    return defer(call, cb, herr("EEXEC", "fork failed: " .. tostring(ferr)), nil)
  end
  if pid == 0 then
    -- child: never return into Lua code of the parent
    local function fail(code)
      unistd.write(stW, code)
      unistd._exit(127)
    end
    unistd.setpid("p", 0, 0)
    local devnull = fcntl.open("/dev/null", fcntl.O_RDONLY)
    if devnull ~= nil then unistd.dup2(devnull, 0) end
    unistd.dup2(outW, 1)
    unistd.dup2(errW, 2)
    for _, fd in ipairs(fds) do
      if fd > 2 and fd ~= stW then unistd.close(fd) end
    end
    if devnull ~= nil and devnull > 2 then unistd.close(devnull) end
    psignal.signal(psignal.SIGPIPE, psignal.SIG_DFL) -- luasocket ignores it; children must not
    if opts.cwd ~= nil and unistd.chdir(opts.cwd) == nil then fail("ENOENT cwd") end
    if opts.env ~= nil then
      for k, v in pairs(opts.env) do pstdlib.setenv(k, v) end
    end
    local args = {}
    args[0] = argv[1]
    for i = 2, #argv do args[i - 1] = argv[i] end
    local _, _, errnum = unistd.exec(prog, args)
    fail(errnoCode(errnum) .. " exec")
  end
  unistd.close(outW)
  unistd.close(errW)
  unistd.close(stW)
  local status = unistd.read(stR, 256) -- "" once exec succeeded, else "<CODE> what"
  unistd.close(stR)
  if status ~= nil and status ~= "" then
    unistd.close(outR)
    unistd.close(errR)
    pwait.wait(pid)
    local code = status:match("^(%S+)") or "EEXEC"
    return defer(call, cb, herr(code, argv[1] .. ": " .. status), nil)
  end
  setNonBlocking(outR)
  setNonBlocking(errR)
  local p = {
    pid = pid, cb = cb, onLine = opts.onLine, lineBuf = "",
    maxBytes = (type(opts.maxBytes) == "number" and opts.maxBytes >= 0) and opts.maxBytes or 1048576,
    out = { obj = fdObject(outR), parts = {}, size = 0 },
    err = { obj = fdObject(errR), parts = {}, size = 0 },
    startedAt = startedAt, endedAt = startedAt, code = -1,
    timedOut = false, truncated = false, reaped = false, done = false,
  }
  procs[pid] = p
  procCount = procCount + 1
  readers[p.out.obj] = function() if p.out.obj then onPipeReadable(p, p.out, true) end end
  readers[p.err.obj] = function() if p.err.obj then onPipeReadable(p, p.err, false) end end
  if type(opts.timeoutMs) == "number" and opts.timeoutMs > 0 then
    p.timer = addTimer(opts.timeoutMs, function()
      p.timer = nil
      if p.reaped then return end
      p.timedOut = true
      killProc(p, psignal.SIGTERM)
      p.killTimer = addTimer(200, function() p.killTimer = nil; killProc(p, psignal.SIGKILL) end)
    end)
  end
end

---------------------------------------------------------------------------- TCP

local haveTls = false -- luasec is not used yet: https/tls answer EUNSUPPORTED (see report)

local function isIPv6Literal(h)
  return h:find(":", 1, true) ~= nil
end

-- Non-blocking connect; cb(err, sock) from the loop. Returns a cancel function.
local function tcpConnect(host, port, timeoutMs, cb)
  local addr = host
  local sock, e
  if isIPv6Literal(host) then
    if socket.tcp6 == nil then
      defer(call, cb, herr("EUNSUPPORTED", "no IPv6 in this luasocket"), nil)
      return function() end
    end
    sock, e = socket.tcp6()
  else
    if not host:match("^%d+%.%d+%.%d+%.%d+$") then
      -- name lookup (blocking: luasocket has no asynchronous resolver)
      local ip = socket.dns.toip(host)
      if ip == nil then
        local info = socket.dns.getaddrinfo and socket.dns.getaddrinfo(host)
        if info and info[1] then
          addr = info[1].addr
        else
          defer(call, cb, herr("ENOTFOUND", host .. ": name not resolved"), nil)
          return function() end
        end
      else
        addr = ip
      end
    end
    if isIPv6Literal(addr) then sock, e = socket.tcp6() else sock, e = socket.tcp() end
  end
  if sock == nil then
    defer(call, cb, herr("EIO", tostring(e)), nil)
    return function() end
  end
  sock:settimeout(0)
  local finished = false
  local timer
  local function finish(err)
    if finished then return end
    finished = true
    writers[sock] = nil
    removeTimer(timer)
    if err ~= nil then
      sock:close()
      call(cb, err, nil)
    else
      call(cb, nil, sock)
    end
  end
  local ok, cerr = sock:connect(addr, port)
  if ok then
    defer(finish, nil)
  elseif cerr == "timeout" or cerr == "Operation already in progress" then
    writers[sock] = function()
      local ok2, e2 = sock:connect(addr, port)
      if ok2 or e2 == "already connected" then
        finish(nil)
      elseif e2 ~= "timeout" and e2 ~= "Operation already in progress" then
        finish(herr(sockCode(e2), tostring(e2)))
      end
    end
  else
    defer(finish, herr(sockCode(cerr), tostring(cerr)))
  end
  if type(timeoutMs) == "number" and timeoutMs > 0 then
    timer = addTimer(timeoutMs, function()
      timer = nil
      finish(herr("ETIMEDOUT", "connect to " .. host .. " timed out"))
    end)
  end
  return function()
    if not finished then
      finished = true
      writers[sock] = nil
      removeTimer(timer)
      sock:close()
    end
  end
end

-- Read what is available without blocking: data (maybe ""), closed?, error message
local function sockRead(sock)
  local data, err, partial = sock:receive(65536)
  if data ~= nil then return data, false, nil end
  if err == "timeout" then return partial or "", false, nil end
  if err == "closed" then return partial or "", true, nil end
  return partial or "", true, err
end

---------------------------------------------------------------------------- connect

local function connect(hostname, port, opts, cb)
  opts = opts or {}
  if opts.tls and not haveTls then
    return defer(call, cb, herr("EUNSUPPORTED", "TLS needs luasec, which this host does not use"), nil)
  end
  if hostname:sub(1, 1) == "[" then hostname = hostname:sub(2, -2) end
  tcpConnect(hostname, port, opts.timeoutMs, function(err, sock)
    if err ~= nil then return call(cb, err, nil) end
    local stream = {}
    local dataHandler, closeHandler
    local pendingData = {}
    local outq = {} -- { data=, pos=, cb= }
    local closed = false

    local function shutdown(e, notify)
      if closed then return end
      closed = true
      readers[sock] = nil
      writers[sock] = nil
      sock:close()
      for _, w in ipairs(outq) do
        call(w.cb, herr("ECONNRESET", "stream closed before the write completed"), nil)
      end
      outq = {}
      if notify then
        if closeHandler ~= nil then call(closeHandler, e) else stream.pendingClose = { e } end
      end
    end

    local function deliver(data)
      if data == "" then return end
      if dataHandler ~= nil then call(dataHandler, data) else pendingData[#pendingData + 1] = data end
    end

    local function onWritable()
      while #outq > 0 and not closed do
        local w = outq[1]
        local last, werr, lastSent = sock:send(w.data, w.pos)
        if last ~= nil then
          table.remove(outq, 1)
          call(w.cb, nil, true)
        elseif werr == "timeout" then
          w.pos = (lastSent or (w.pos - 1)) + 1
          return
        else
          return shutdown(herr(sockCode(werr), tostring(werr)), true)
        end
      end
      writers[sock] = nil
    end

    readers[sock] = function()
      local data, isClosed, rerr = sockRead(sock)
      deliver(data)
      if isClosed and not closed then
        shutdown(rerr and herr(sockCode(rerr), tostring(rerr)) or nil, true)
      end
    end

    stream.write = method(stream, function(data, wcb)
      if closed then return defer(call, wcb, herr("ECONNRESET", "stream is closed"), nil) end
      outq[#outq + 1] = { data = data, pos = 1, cb = wcb }
      writers[sock] = onWritable
    end)
    stream.onData = method(stream, function(h)
      dataHandler = h
      if #pendingData > 0 then
        local q = pendingData
        pendingData = {}
        defer(function() for _, d in ipairs(q) do call(h, d) end end)
      end
    end)
    stream.onClose = method(stream, function(h)
      closeHandler = h
      if stream.pendingClose ~= nil then
        local e = stream.pendingClose[1]
        stream.pendingClose = nil
        defer(call, h, e)
      end
    end)
    -- a local close() does not call the onClose handler
    stream.close = method(stream, function() shutdown(nil, false) end)
    call(cb, nil, stream)
  end)
end

---------------------------------------------------------------------------- HTTP

-- scheme, host, port, target ("/path?query"), hostHeader
local function parseUrl(url)
  local scheme, rest = url:match("^(%a[%w+.-]*)://(.*)$")
  if scheme == nil then return nil end
  scheme = scheme:lower()
  local authority, target = rest:match("^([^/?#]*)(.*)$")
  target = target:gsub("#.*$", "")
  if target == "" then target = "/" end
  if target:sub(1, 1) == "?" then target = "/" .. target end
  authority = authority:gsub("^.*@", "")
  local host, port
  if authority:sub(1, 1) == "[" then
    host, port = authority:match("^%[([^%]]+)%]:?(%d*)$")
  else
    host, port = authority:match("^([^:]*):?(%d*)$")
  end
  if host == nil or host == "" then return nil end
  local defaultPort = scheme == "https" and 443 or 80
  port = (port ~= nil and port ~= "") and tonumber(port) or defaultPort
  local hostHeader = isIPv6Literal(host) and ("[" .. host .. "]") or host
  if port ~= defaultPort then hostHeader = hostHeader .. ":" .. port end
  return scheme, host, port, target, hostHeader
end

local function resolveUrl(base, loc)
  if loc:match("^%a[%w+.-]*://") then return loc end
  local scheme, rest = base:match("^(%a[%w+.-]*)://(.*)$")
  local authority, path = rest:match("^([^/?#]*)([^?#]*)")
  if loc:sub(1, 2) == "//" then return scheme .. ":" .. loc end
  if loc:sub(1, 1) == "/" then return scheme .. "://" .. authority .. loc end
  if loc:sub(1, 1) == "?" then return scheme .. "://" .. authority .. (path ~= "" and path or "/") .. loc end
  local dir = path:match("^(.*/)") or "/"
  local merged = dir .. loc
  -- remove dot segments
  local out = {}
  local trailing = merged:sub(-1) == "/" or merged:match("/%.%.?$") ~= nil
  local q = ""
  local qpos = merged:find("[?#]")
  if qpos then q = merged:sub(qpos); merged = merged:sub(1, qpos - 1); trailing = merged:sub(-1) == "/" end
  for seg in merged:gmatch("[^/]+") do
    if seg == ".." then out[#out] = nil elseif seg ~= "." then out[#out + 1] = seg end
  end
  local p = "/" .. table.concat(out, "/")
  if trailing and p ~= "/" then p = p .. "/" end
  return scheme .. "://" .. authority .. p .. q
end

local REDIRECTS = { [301] = true, [302] = true, [303] = true, [307] = true, [308] = true }

local function httpGet(url, opts, cb)
  opts = opts or {}
  local maxBytes = type(opts.maxBytes) == "number" and opts.maxBytes or 16777216
  local maxRedirects = type(opts.maxRedirects) == "number" and opts.maxRedirects or 5
  local keepBody = opts.keepBody ~= false
  local tStart = monoMs()
  local done = false
  local redirects = 0
  local cancelConnect, sock, deadline
  local tConnect, tFirst

  local function cleanup()
    removeTimer(deadline)
    if cancelConnect then cancelConnect() end
    if sock then
      readers[sock] = nil
      writers[sock] = nil
      sock:close()
      sock = nil
    end
  end
  local function fail(code, msg)
    if done then return end
    done = true
    cleanup()
    call(cb, herr(code, msg), nil)
  end
  local function succeed(res)
    if done then return end
    done = true
    cleanup()
    call(cb, nil, res)
  end

  if type(opts.timeoutMs) == "number" and opts.timeoutMs > 0 then
    deadline = addTimer(opts.timeoutMs, function()
      deadline = nil
      fail("ETIMEDOUT", url .. ": no complete answer within " .. opts.timeoutMs .. " ms")
    end)
  end

  local request -- forward

  request = function(curUrl)
    local scheme, host, port, target, hostHeader = parseUrl(curUrl)
    if scheme == nil then return fail("EINVAL", "bad URL: " .. curUrl) end
    if scheme == "https" and not haveTls then
      return fail("EUNSUPPORTED", "https needs luasec, which this host does not use")
    end
    if scheme ~= "http" then return fail("EINVAL", "unsupported scheme " .. scheme) end
    local lines = { "GET " .. target .. " HTTP/1.1", "Host: " .. hostHeader, "Connection: close",
      "User-Agent: miniprobe", "Accept: */*" }
    if type(opts.range) == "table" and opts.range[1] ~= nil then
      local last = opts.range[2]
      -- %.0f, not %d: %d goes through a C long, 32 bits on MIPS routers
      lines[#lines + 1] = string.format("Range: bytes=%.0f-%s", opts.range[1], last ~= nil and string.format("%.0f", last) or "")
    end
    if type(opts.headers) == "table" then
      for k, v in pairs(opts.headers) do
        local lk = tostring(k):lower()
        if lk ~= "host" and lk ~= "connection" and not tostring(k):find("[\r\n:]") and not tostring(v):find("[\r\n]") then
          lines[#lines + 1] = tostring(k) .. ": " .. tostring(v)
        end
      end
    end
    local reqData = table.concat(lines, "\r\n") .. "\r\n\r\n"

    cancelConnect = tcpConnect(host, port, nil, function(err, s)
      cancelConnect = nil
      if done then if s then s:close() end return end
      if err ~= nil then return fail(err.code, curUrl .. ": " .. err.message) end
      sock = s
      tConnect = monoMs()
      tFirst = nil
      local sendPos = 1
      writers[sock] = function()
        local last, werr, lastSent = sock:send(reqData, sendPos)
        if last ~= nil then
          writers[sock] = nil
        elseif werr == "timeout" then
          sendPos = (lastSent or (sendPos - 1)) + 1
        else
          fail(sockCode(werr), curUrl .. ": " .. tostring(werr))
        end
      end

      -- response parser state
      local head = ""
      local status, headers
      local mode -- "length" | "chunked" | "close" | "none"
      local remaining = 0
      local chunkState = "size" -- size | data | crlf | trailer
      local pend = ""
      local body, bodyBytes = {}, 0

      local function complete()
        if status ~= nil and REDIRECTS[status] and headers["location"] ~= nil then
          if redirects >= maxRedirects then
            return fail("EREDIRECT", curUrl .. ": more than " .. maxRedirects .. " redirects")
          end
          redirects = redirects + 1
          readers[sock] = nil
          writers[sock] = nil
          sock:close()
          sock = nil
          return request(resolveUrl(curUrl, headers["location"]))
        end
        succeed({
          status = status, headers = headers, url = curUrl, redirects = redirects, bytes = bodyBytes,
          body = keepBody and table.concat(body) or nil,
          t = { start = tStart, connect = tConnect, firstByte = tFirst, ["end"] = monoMs() },
        })
      end

      local function addBody(d)
        if d == "" then return true end
        bodyBytes = bodyBytes + #d
        if bodyBytes > maxBytes then
          fail("ETOOBIG", curUrl .. ": body larger than " .. maxBytes .. " bytes")
          return false
        end
        if keepBody then body[#body + 1] = d end
        return true
      end

      -- feed decoded bytes; returns true when the message is complete
      local function feedBody(d)
        if mode == "length" then
          local take = d:sub(1, remaining)
          remaining = remaining - #take
          if not addBody(take) then return false end
          return remaining == 0
        elseif mode == "close" then
          addBody(d)
          return false
        end
        -- chunked
        pend = pend .. d
        while true do
          if chunkState == "size" then
            local i = pend:find("\r\n", 1, true)
            if i == nil then
              if #pend > 1024 then fail("EHTTP", "bad chunk size line"); return false end
              return false
            end
            local sz = tonumber((pend:sub(1, i - 1):match("^%s*(%x+)")), 16)
            if sz == nil then fail("EHTTP", curUrl .. ": bad chunk size"); return false end
            pend = pend:sub(i + 2)
            if sz == 0 then chunkState = "trailer" else remaining = sz; chunkState = "data" end
          elseif chunkState == "data" then
            if pend == "" then return false end
            local take = pend:sub(1, remaining)
            pend = pend:sub(#take + 1)
            remaining = remaining - #take
            if not addBody(take) then return false end
            if remaining == 0 then chunkState = "crlf" end
          elseif chunkState == "crlf" then
            if #pend < 2 then return false end
            pend = pend:sub(3)
            chunkState = "size"
          else -- trailer: lines until an empty one
            local i = pend:find("\r\n", 1, true)
            if i == nil then return false end
            local line = pend:sub(1, i - 1)
            pend = pend:sub(i + 2)
            if line == "" then return true end
          end
        end
      end

      local function parseHead()
        local i = head:find("\r\n\r\n", 1, true)
        if i == nil then
          if #head > 65536 then fail("EHTTP", curUrl .. ": response header too large") end
          return nil
        end
        local rest = head:sub(i + 4)
        local hdr = head:sub(1, i - 1)
        local first = true
        headers = {}
        for line in (hdr .. "\r\n"):gmatch("(.-)\r\n") do
          if first then
            status = tonumber(line:match("^HTTP/%d%.%d%s+(%d%d%d)"))
            first = false
          else
            local k, v = line:match("^([^:]+):%s*(.-)%s*$")
            if k ~= nil then headers[k:lower()] = v end
          end
        end
        if status == nil then fail("EHTTP", curUrl .. ": not an HTTP response"); return nil end
        if status >= 100 and status < 200 then -- interim response: wait for the real one
          head = rest
          status = nil
          return parseHead()
        end
        local te = headers["transfer-encoding"]
        if status == 204 or status == 304 then
          mode = "none"
        elseif te ~= nil and te:lower():find("chunked", 1, true) then
          mode = "chunked"
        elseif headers["content-length"] ~= nil then
          remaining = tonumber(headers["content-length"])
          if remaining == nil then fail("EHTTP", curUrl .. ": bad Content-Length"); return nil end
          mode = remaining == 0 and "none" or "length"
          if remaining > maxBytes and not REDIRECTS[status] then
            fail("ETOOBIG", curUrl .. ": Content-Length " .. headers["content-length"] .. " exceeds " .. maxBytes)
            return nil
          end
        else
          mode = "close"
        end
        return rest
      end

      readers[sock] = function()
        local data, isClosed, rerr = sockRead(sock)
        if data ~= "" and tFirst == nil then tFirst = monoMs() end
        if status == nil then
          head = head .. data
          local rest = parseHead()
          if done then return end
          if rest == nil then
            if isClosed then fail(rerr and sockCode(rerr) or "EHTTP", curUrl .. ": connection closed before a response") end
            return
          end
          data = rest
          if mode == "none" then return complete() end
        end
        if data ~= "" then
          local fin = feedBody(data)
          if done then return end
          if fin then return complete() end
        end
        if isClosed then
          if mode == "close" then return complete() end
          fail(rerr and sockCode(rerr) or "EIO", curUrl .. ": connection closed before the body was complete")
        end
      end
    end)
  end

  request(url)
end

---------------------------------------------------------------------------- tools

-- Which measurement tools this device has, and whose output to expect from them.
-- Fast (no process is started): PATH lookup, symlink resolution, and a look for a
-- signature string inside the binary. Flags/version are refined elsewhere.
local function discoverTools()
  local tools = {}
  local names = { "ping", "ping6", "traceroute", "traceroute6", "scamper", "tstat", "busybox", "curl" }
  local function realpath(p)
    local r = pstdlib.realpath and pstdlib.realpath(p)
    return r or p
  end
  local function binaryHas(path, needle)
    local f = io.open(path, "rb")
    if f == nil then return false end
    local data = f:read(4194304) or ""
    f:close()
    return data:find(needle, 1, true) ~= nil
  end
  local pathVar = (os.getenv("PATH") or "") .. ":/usr/sbin:/usr/bin:/sbin:/bin"
  for _, name in ipairs(names) do
    local p = resolveProgram(name, pathVar)
    if p ~= nil then
      local real = realpath(p)
      local base = real:match("([^/]+)$") or real
      local flavour
      if base == "busybox" or base:match("^busybox") then flavour = "busybox"
      elseif base == "toybox" then flavour = "toybox"
      elseif name == "ping" or name == "ping6" then
        flavour = binaryHas(real, "iputils") and "iputils" or "unknown"
      elseif name == "traceroute" or name == "traceroute6" then
        if base:match("^traceroute") and binaryHas(real, "Butskoy") then flavour = "traceroute"
        elseif binaryHas(real, "iputils") then flavour = "iputils"
        else flavour = "unknown" end
      else
        flavour = name
      end
      tools[name] = { path = p, flavour = flavour }
    end
  end
  return tools
end
M.discoverTools = discoverTools

---------------------------------------------------------------------------- the Host

function M.createHost(opts)
  opts = opts or {}
  local un = utsname.uname() or {}
  local hostname = un.nodename or "unknown"
  local host = {}
  host.info = {
    runtime = (jit ~= nil) and "luajit" or "lua5.1",
    runtimeVersion = (jit ~= nil and jit.version) or _VERSION,
    platform = (un.sysname or "unknown"):lower(),
    arch = un.machine or "unknown",
    hostname = hostname,
    probeId = opts.probeId or hostname,
  }
  host.tools = discoverTools()
  host.now = method(host, nowMs)
  host.mono = method(host, monoMs)
  host.setTimer = method(host, function(ms, cb) return addTimer(ms, cb) end)
  host.clearTimer = method(host, function(id) removeTimer(id) end)
  host.log = method(host, function(level, msg)
    io.stderr:write("[" .. tostring(level) .. "] " .. tostring(msg) .. "\n")
    io.stderr:flush()
  end)
  host.write = method(host, function(text)
    io.stdout:write(text)
    io.stdout:flush()
  end)
  host.readStdin = method(host, function(cb)
    local data = io.stdin:read("*a")
    if data == nil then return call(cb, herr("EIO", "cannot read standard input"), nil) end
    call(cb, nil, data)
  end)
  host.exec = method(host, exec)
  host.httpGet = method(host, httpGet)
  host.connect = method(host, connect)
  host.fs = fs
  host.exit = method(host, function(code)
    io.stdout:flush()
    os.exit(code)
  end)
  return host
end

function M.args()
  local out = {}
  -- _G: inside a bundled module, Lua 5.1 gives vararg chunks an implicit local `arg`
  local a = _G.arg or {}
  for i = 1, #a do out[i] = a[i] end
  return out
end

return M
