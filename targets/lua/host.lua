-- The Lua Host: the one door from the portable core to the world on Lua 5.1 and LuaJIT.
-- Hand-written Lua; needs luasocket (3.x) and luaposix (33.4 on Debian, 36.x on OpenWrt:
-- only APIs present in both are used); luasec, when present, adds TLS. Bundled by TSTL
-- through host.d.ts.
--
-- Everything asynchronous is driven by one event loop (runLoop): a timer heap plus
-- posix.poll over sockets and process pipes. poll, unlike luasocket's select (which
-- retries on EINTR), returns when a signal arrives, so SIGCHLD (a child exited) and
-- SIGTERM/SIGINT/SIGHUP wake the loop at once. luaposix runs Lua signal handlers from a
-- debug hook, outside the C handler; ours only queue the signal, the loop acts on it.
-- Host functions return at once and complete through callbacks cb(err, value); errors
-- are values {code=, message=} using the vocabulary of core/host.ts.
--
-- Calling convention: core/host.ts marks every interface @noSelf, so core calls
-- host.now() without self. Every Host function still accepts a self argument
-- (host:now()) too, because TSTL omits self only for interface members whose interface
-- carries @noSelf, and code compiled against another declaration would pass one. Callbacks
-- into the core are called without self: cb(err, value), handler(data). Line and data
-- callbacks (onLine, onStdout, onStderr) are called as f(x, x), which reads correctly
-- whether TSTL compiled them as function(x) or function(self, x).
--
-- Numbers stay doubles (lua5.1 on 32-bit MIPS has no 64-bit integers): no %d formats,
-- no bit tricks, nothing that depends on byte order.

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
local ppoll = load("posix.poll")
local utsname = load("posix.sys.utsname")
local perrno = load("posix.errno")
local pstdlib = load("posix.stdlib")
-- luasec is loaded at the first TLS connection, not here: it maps libssl and libcrypto,
-- about 2 MB of RSS on x86-64 (more than the rest of the host), which a probe talking
-- plain mqtt:// and http:// never needs. Its presence is told from the search paths.
local ssl, sslError -- the module once loaded (false: loading failed, sslError says why)
local function moduleOnDisk(name)
  local file = name:gsub("%.", "/")
  for tpl in (package.path .. ";" .. package.cpath):gmatch("[^;]+") do
    local f = io.open((tpl:gsub("%?", file)), "rb")
    if f ~= nil then
      f:close()
      return true
    end
  end
  return false
end
local sslPresent = package.loaded.ssl ~= nil or package.preload.ssl ~= nil or moduleOnDisk("ssl")
-- luasec, loaded on first use; or nil and why TLS is unavailable ("needs luasec, which ...").
local function loadSsl()
  if not sslPresent then return nil, "needs luasec, which this Lua does not have" end
  if ssl == nil then
    local ok, m = pcall(load, "ssl")
    if ok and type(m) == "table" and m.wrap ~= nil then
      ssl = m
    else
      ssl = false
      sslError = "needs luasec, which did not load: " .. (ok and "ssl.wrap missing" or tostring(m))
    end
  end
  return ssl or nil, sslError
end

local M = {}

-- Reads from sockets, pipes and files go in blocks of this size: one system call and one
-- Lua string per block, never per byte.
local BLOCK = 65536
-- A response header block larger than this is a protocol error (as in Node's parser).
local MAX_HEAD = 65536

---------------------------------------------------------------------------- helpers

local function herr(code, message)
  return { code = code, message = message }
end

-- errno number -> code name, for the codes the core may switch on
local ERRNO_NAMES = {}
for _, name in ipairs({ "ENOENT", "EACCES", "EEXIST", "ENOTDIR", "EISDIR", "ENOTEMPTY", "ENOSPC", "EROFS",
  "EPERM", "EBUSY", "EXDEV", "ENAMETOOLONG", "ELOOP", "EINVAL", "EMFILE", "ECONNREFUSED", "ECONNRESET",
  "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE" }) do
  local n = perrno[name]
  if n ~= nil then ERRNO_NAMES[n] = name end
end
local EAGAIN, EINTR, EWOULDBLOCK = perrno.EAGAIN, perrno.EINTR, perrno.EWOULDBLOCK

local function errnoCode(errnum)
  return (errnum ~= nil and ERRNO_NAMES[errnum]) or "EIO"
end

-- luasocket error strings -> codes
local function sockCode(msg)
  if msg == nil then return "EIO" end
  local m = tostring(msg):lower()
  if m == "timeout" then return "ETIMEDOUT" end
  if m:find("refused", 1, true) then return "ECONNREFUSED" end
  if m == "closed" or m:find("reset", 1, true) or m:find("broken pipe", 1, true) then return "ECONNRESET" end
  if m:find("not known", 1, true) or m:find("no address", 1, true) or m:find("not provided", 1, true) then
    return "ENOTFOUND"
  end
  if m:find("network is unreachable", 1, true) then return "ENETUNREACH" end
  if m:find("unreachable", 1, true) or m:find("no route", 1, true) then return "EHOSTUNREACH" end
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

-- The same for hot paths with one argument passed twice (see the header): no closure.
local function call2(f, x)
  local ok, e = pcall(f, x, x)
  if not ok then logErr("callback failed: " .. tostring(e)) end
end

-- A callback that runs at most once; later calls are ignored.
local function once(cb)
  local fired = false
  return function(err, value)
    if fired then return false end
    fired = true
    call(cb, err, value)
    return true
  end, function() return fired end
end

---------------------------------------------------------------------------- event loop

-- Timers: a binary heap of { at=, seq=, id=, cb= } ordered by (at, seq). A cleared timer
-- leaves its entry in the heap (skipped when popped); the heap is rebuilt when those
-- stale entries outnumber the live ones, so clearing long timers does not leak.
local heap, heapN = {}, 0
local timers = {}      -- id -> entry (live timers only)
local timerCount = 0
local nextTimerId = 1
local timerSeq = 0

local function before(a, b)
  return a.at < b.at or (a.at == b.at and a.seq < b.seq)
end

local function heapPush(e)
  heapN = heapN + 1
  local i = heapN
  heap[i] = e
  while i > 1 do
    local parent = math.floor(i / 2)
    if before(heap[i], heap[parent]) then
      heap[i], heap[parent] = heap[parent], heap[i]
      i = parent
    else
      break
    end
  end
end

local function heapPop()
  local top = heap[1]
  heap[1] = heap[heapN]
  heap[heapN] = nil
  heapN = heapN - 1
  local i = 1
  while true do
    local l, r, m = 2 * i, 2 * i + 1, i
    if l <= heapN and before(heap[l], heap[m]) then m = l end
    if r <= heapN and before(heap[r], heap[m]) then m = r end
    if m == i then break end
    heap[i], heap[m] = heap[m], heap[i]
    i = m
  end
  return top
end

-- The earliest live timer (stale entries on top are dropped), or nil.
local function heapTop()
  while heapN > 0 do
    local e = heap[1]
    if timers[e.id] == e then return e end
    heapPop()
  end
  return nil
end

local function compactHeap()
  local live = {}
  for _, e in pairs(timers) do live[#live + 1] = e end
  heap, heapN = {}, 0
  for _, e in ipairs(live) do heapPush(e) end
end

-- Any delay up to 400 days (3.5e10 ms) is exact in a double; the loop never sleeps more
-- than a second at a time, so no system call sees a large number.
local function addTimer(ms, cb)
  local id = nextTimerId
  nextTimerId = nextTimerId + 1
  timerSeq = timerSeq + 1
  if type(ms) ~= "number" or ms ~= ms or ms < 0 then ms = 0 end
  local e = { at = monoMs() + ms, seq = timerSeq, id = id, cb = cb }
  timers[id] = e
  timerCount = timerCount + 1
  heapPush(e)
  return id
end

local function removeTimer(id)
  if id ~= nil and timers[id] ~= nil then
    timers[id] = nil
    timerCount = timerCount - 1
    if heapN > 64 and heapN > 4 * timerCount then compactHeap() end
  end
end

local deferred = {}    -- callbacks to run on the next turn of the loop
local readers = {}     -- pollable object (has getfd, maybe dirty) -> function()
local writers = {}     -- pollable object -> function()
local procs = {}       -- pid -> child record, until reaped
local procCount = 0
local groups = {}      -- pid -> true: process groups this host started that may still live

local function defer(f, ...)
  local args, n = { ... }, select("#", ...)
  deferred[#deferred + 1] = function() return f(unpack(args, 1, n)) end
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
    local e = heapTop()
    if e == nil or e.at > now or e.seq > limitSeq then return end
    heapPop()
    timers[e.id] = nil
    timerCount = timerCount - 1
    call(e.cb)
    runDeferred()
  end
end

---------------------------------------------------------------------------- signals

-- luaposix calls these from a debug hook; they only queue. sigIn is written only here,
-- sigOut only by the loop, so no signal is lost between the two.
local sigQueue, sigIn, sigOut = {}, 0, 0
local signalHandler -- the core's onSignal handler, if any
-- Signal names as core/host.ts gives them: without "SIG".
local SIGNAL_NAMES = { [psignal.SIGTERM] = "TERM", [psignal.SIGINT] = "INT", [psignal.SIGHUP] = "HUP" }
local SIGNAL_EXIT = { TERM = 143, INT = 130, HUP = 129 }
local KILL_SIGNALS = { TERM = psignal.SIGTERM, KILL = psignal.SIGKILL, INT = psignal.SIGINT, HUP = psignal.SIGHUP,
  QUIT = psignal.SIGQUIT, USR1 = psignal.SIGUSR1, USR2 = psignal.SIGUSR2, STOP = psignal.SIGSTOP, CONT = psignal.SIGCONT }
local SIGNUM_NAMES = {}
for name, n in pairs(KILL_SIGNALS) do SIGNUM_NAMES[n] = name end
for _, name in ipairs({ "PIPE", "SEGV", "ABRT", "ALRM", "BUS", "FPE", "ILL", "TRAP" }) do
  local n = psignal["SIG" .. name]
  if n ~= nil then SIGNUM_NAMES[n] = name end
end

local function queueSignal(signum)
  sigIn = sigIn + 1
  sigQueue[sigIn] = signum
end

-- SA_RESTART (the same value on every Linux architecture; luaposix 33 does not export it):
-- a blocking read or write that SIGCHLD interrupts is resumed, not failed. poll is never
-- resumed, which is what wakes the loop. SA_NOCLDSTOP: stopped children do not wake it.
local SA_RESTART, SA_NOCLDSTOP = 268435456, 1

-- LuaJIT: a Lua signal handler runs from a debug hook that LuaJIT does not make safe at
-- every instruction (with signals arriving during busy work, C functions were seen getting
-- one argument too many, ~1 signal in 10). There the signals are blocked and read from a
-- signalfd (through LuaJIT's FFI) that the loop polls like any pipe: no hook at all.
-- Children get the mask cleared before exec (a blocked mask survives exec).
local sigObj          -- fd object of the signalfd (LuaJIT on Linux), else nil
local unblockSignals  -- clears our mask in a forked child, or nil
local chldWakes = jit == nil -- false: no SIGCHLD wake-up, the loop polls for exits (childWaitCap)

local function installSignalFd()
  local okf, ffi = pcall(load, "ffi")
  if not okf or type(ffi) ~= "table" then return false end
  pcall(ffi.cdef, "int sigemptyset(void *set); int sigaddset(void *set, int signum); " ..
    "int sigprocmask(int how, const void *set, void *oldset); int signalfd(int fd, const void *mask, int flags);")
  local ok, set = pcall(ffi.new, "uint8_t[128]") -- glibc and musl sigset_t fit in 128 bytes
  if not ok then return false end
  local mips = ffi.arch:find("^mips") ~= nil
  local SIG_BLOCK, SIG_UNBLOCK = mips and 1 or 0, mips and 2 or 1
  local good = pcall(function()
    ffi.C.sigemptyset(set)
    for _, signum in ipairs({ psignal.SIGTERM, psignal.SIGINT, psignal.SIGHUP, psignal.SIGCHLD }) do
      ffi.C.sigaddset(set, signum)
    end
  end)
  if not good or ffi.C.sigprocmask(SIG_BLOCK, set, nil) ~= 0 then return false end
  local fdOk, fd = pcall(function() return ffi.C.signalfd(-1, set, 0) end)
  if not fdOk or fd < 0 then
    ffi.C.sigprocmask(SIG_UNBLOCK, set, nil)
    return false
  end
  local fl = fcntl.fcntl(fd, fcntl.F_GETFL)
  if fl ~= nil and fl % (2 * fcntl.O_NONBLOCK) < fcntl.O_NONBLOCK then fcntl.fcntl(fd, fcntl.F_SETFL, fl + fcntl.O_NONBLOCK) end
  fcntl.fcntl(fd, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
  unblockSignals = function() ffi.C.sigprocmask(SIG_UNBLOCK, set, nil) end
  sigObj = { fd = fd, getfd = function() return fd end }
  -- struct signalfd_siginfo: 128 bytes, ssi_signo (uint32, native order) first
  sigObj.drain = function()
    for _ = 1, 64 do
      local data = unistd.read(fd, 128 * 16)
      if data == nil or #data < 128 then return end
      local base = ffi.cast("const char *", data)
      for off = 0, #data - 128, 128 do queueSignal(ffi.cast("const uint32_t *", base + off)[0]) end
    end
  end
  chldWakes = true
  return true
end

local signalsInstalled = false
local function installSignals()
  if signalsInstalled then return end
  signalsInstalled = true
  psignal.signal(psignal.SIGPIPE, psignal.SIG_IGN) -- write errors come back as EPIPE
  if jit ~= nil and installSignalFd() then return end
  if chldWakes then psignal.signal(psignal.SIGCHLD, function() end, SA_RESTART + SA_NOCLDSTOP) end
  for signum in pairs(SIGNAL_NAMES) do psignal.signal(signum, queueSignal) end
end

local function killpg(pid, signum)
  if psignal.killpg(pid, signum) ~= 0 then psignal.kill(pid, signum) end
end

-- Every process group this host started gets SIGTERM, then (after up to 100 ms for the
-- direct children to go) SIGKILL: nothing outlives the probe.
local function killAllGroups()
  local any = false
  for pid in pairs(groups) do
    any = true
    killpg(pid, psignal.SIGTERM)
  end
  if not any then return end
  local deadline = monoMs() + 100
  while monoMs() < deadline do
    local alive = false
    for pid in pairs(procs) do
      local rpid = pwait.wait(pid, pwait.WNOHANG)
      if rpid ~= pid and rpid ~= nil then alive = true end
    end
    if not alive then break end
    ppoll.poll({}, 5)
  end
  for pid in pairs(groups) do psignal.killpg(pid, psignal.SIGKILL) end
  groups = {}
end

local function exitNow(code)
  killAllGroups()
  io.stdout:flush()
  io.stderr:flush()
  os.exit(code)
end

local function processSignals()
  while sigOut < sigIn do
    sigOut = sigOut + 1
    local signum = sigQueue[sigOut]
    sigQueue[sigOut] = nil
    local name = SIGNAL_NAMES[signum]
    if name ~= nil then
      if signalHandler ~= nil then call(signalHandler, name) else exitNow(SIGNAL_EXIT[name]) end
    end
  end
end

local reapProcs, childWaitCap -- forward

-- Cap on one poll: a signal that lands between the last Lua instruction and the poll
-- system call is seen at the latest after this; an idle daemon wakes once a second.
local MAX_WAIT_MS = 1000

-- A daemon mostly sleeps. Collecting fully when it is about to sleep keeps the heap at its
-- live size, where the incremental collector would let garbage build up to twice that
-- between cycles; the cost is paid while nothing waits. At most every 2 s, and only once
-- the heap has grown since the last full collection.
local IDLE_GC_MIN_SLEEP_MS, IDLE_GC_EVERY_MS, IDLE_GC_GROWTH_KB = 200, 2000, 32
local lastCollectMs, lastLiveKb = nil, 0

local function idleCollect()
  local now = monoMs()
  if lastCollectMs ~= nil and now - lastCollectMs < IDLE_GC_EVERY_MS then return end
  if collectgarbage("count") < lastLiveKb + IDLE_GC_GROWTH_KB then return end
  collectgarbage("collect")
  lastCollectMs = monoMs()
  lastLiveKb = collectgarbage("count")
end

local function loopOnce()
  processSignals()
  runDeferred()
  runTimers()
  reapProcs()
  runDeferred()
  processSignals()
  local timeout = MAX_WAIT_MS
  if #deferred > 0 then timeout = 0 end
  local t = heapTop()
  if timerCount == 0 and procCount == 0 and next(readers) == nil and next(writers) == nil and #deferred == 0 then
    return false
  end
  if t ~= nil then
    local d = t.at - monoMs()
    if d < timeout then timeout = d end
  end
  if not chldWakes and procCount > 0 then
    local cap = childWaitCap()
    if cap < timeout then timeout = cap end
  end
  local fds, objs = {}, {}
  local any = false
  for o in pairs(readers) do
    -- luasec may hold decrypted bytes the kernel no longer reports: ready now
    if o.dirty ~= nil and o:dirty() then timeout = 0 end
    local fd = o:getfd()
    fds[fd] = { events = { IN = true } }
    objs[fd] = o
    any = true
  end
  for o in pairs(writers) do
    local fd = o:getfd()
    local ent = fds[fd]
    if ent == nil then
      fds[fd] = { events = { OUT = true } }
      objs[fd] = o
    else
      ent.events.OUT = true
    end
    any = true
  end
  if sigObj ~= nil then
    local ent = fds[sigObj.fd]
    if ent == nil then fds[sigObj.fd] = { events = { IN = true } } end
    objs[sigObj.fd] = sigObj
    any = true
  end
  if timeout < 0 then timeout = 0 end
  if timeout >= IDLE_GC_MIN_SLEEP_MS then idleCollect() end
  timeout = math.ceil(timeout)
  if not any then
    if timeout > 0 then ppoll.poll({}, timeout) end -- returns early on a signal
    return true
  end
  local n = ppoll.poll(fds, timeout)
  if n == nil then return true end -- EINTR: a signal; handled on the next turn
  for fd, ent in pairs(fds) do
    local o = objs[fd]
    local rv = ent.revents
    if o == sigObj then
      -- the signals are queued here and acted on at the start of the next turn
      if rv ~= nil then sigObj.drain() end
    else
      local dirty = o.dirty ~= nil and readers[o] ~= nil and o:dirty()
      if dirty or (rv ~= nil and (rv.IN or rv.HUP or rv.ERR or rv.NVAL)) then
        local f = readers[o]
        if f ~= nil then call(f) end
      end
      if rv ~= nil and (rv.OUT or rv.HUP or rv.ERR or rv.NVAL) then
        local f = writers[o]
        if f ~= nil then call(f) end
      end
    end
  end
  return true
end

-- A Lua error outside the callbacks (which call() already guards) is logged as one line:
-- no traceback of the host's own reaches the user.
function M.runLoop()
  installSignals()
  while true do
    local ok, more = pcall(loopOnce)
    if not ok then logErr("event loop: " .. tostring(more))
    elseif not more then break end
  end
end

---------------------------------------------------------------------------- fs

local function fsResult(ok, msg, errnum)
  if ok then return nil end
  return herr(errnoCode(errnum), tostring(msg))
end

local function isDirectory(path)
  local st = pstat.stat(path)
  return st ~= nil and pstat.S_ISDIR(st.st_mode) ~= 0
end

local fs = {}

-- Read in blocks and stop as soon as the limit is passed: `--once /dev/zero` ends after
-- maxBytes + one block, never holding more.
fs.read = method(fs, function(path, cb, maxBytes)
  local limit = type(maxBytes) == "number" and maxBytes >= 0 and maxBytes or nil
  if isDirectory(path) then return call(cb, herr("EISDIR", path .. ": is a directory"), nil) end
  local f, msg, errnum = io.open(path, "rb")
  if f == nil then return call(cb, fsResult(false, msg, errnum), nil) end
  local parts, size = {}, 0
  while true do
    local data, rmsg = f:read(BLOCK)
    if data == nil then
      if rmsg ~= nil then
        f:close()
        return call(cb, herr("EIO", path .. ": " .. tostring(rmsg)), nil)
      end
      break
    end
    size = size + #data
    if limit ~= nil and size > limit then
      f:close()
      return call(cb, herr("ETOOBIG", path .. ": larger than " .. string.format("%.0f", limit) .. " bytes"), nil)
    end
    parts[#parts + 1] = data
  end
  f:close()
  call(cb, nil, table.concat(parts))
end)

fs.readRange = method(fs, function(path, offset, maxBytes, cb)
  if type(offset) ~= "number" or offset < 0 or offset ~= math.floor(offset) then
    return call(cb, herr("EINVAL", "readRange: offset must be a whole number >= 0"), nil)
  end
  if type(maxBytes) ~= "number" or maxBytes < 0 then
    return call(cb, herr("EINVAL", "readRange: maxBytes must be a number >= 0"), nil)
  end
  if isDirectory(path) then return call(cb, herr("EISDIR", path .. ": is a directory"), nil) end
  local f, msg, errnum = io.open(path, "rb")
  if f == nil then return call(cb, fsResult(false, msg, errnum), nil) end
  -- seek takes a C long: 2 GiB on 32-bit devices
  if offset > 0 and f:seek("set", offset) == nil then
    f:close()
    return call(cb, nil, "")
  end
  local parts, size = {}, 0
  while size < maxBytes do
    local want = maxBytes - size
    if want > BLOCK then want = BLOCK end
    local data = f:read(want)
    if data == nil then break end
    parts[#parts + 1] = data
    size = size + #data
  end
  f:close()
  call(cb, nil, table.concat(parts))
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

-- Standard input in blocks, refused as soon as it passes maxBytes (blocking: it is read
-- once, at start, before anything else runs).
local function readStdin(cb, maxBytes)
  local limit = type(maxBytes) == "number" and maxBytes >= 0 and maxBytes or nil
  local parts, size = {}, 0
  while true do
    local data, msg = io.stdin:read(BLOCK)
    if data == nil then
      if msg ~= nil then return call(cb, herr("EIO", "standard input: " .. tostring(msg)), nil) end
      break
    end
    size = size + #data
    if limit ~= nil and size > limit then
      return call(cb, herr("ETOOBIG", "standard input larger than " .. string.format("%.0f", limit) .. " bytes"), nil)
    end
    parts[#parts + 1] = data
  end
  call(cb, nil, table.concat(parts))
end

---------------------------------------------------------------------------- processes

-- A pipe end wrapped for the loop (which only asks for getfd()).
local function fdObject(fd)
  return { fd = fd, getfd = function() return fd end }
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
  if type(name) ~= "string" or name == "" then return nil end
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

-- which(name): an absolute path on PATH, or nil. Nothing is run.
local function which(name)
  if type(name) ~= "string" or name == "" or name:find("/", 1, true) or name == "." or name == ".." then return nil end
  local p = resolveProgram(name, os.getenv("PATH") or "")
  if p == nil then return nil end
  if p:sub(1, 1) ~= "/" then
    local cwd = unistd.getcwd()
    if cwd == nil then return nil end
    p = cwd .. "/" .. p:gsub("^%./", "")
  end
  return p
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

-- Closes every descriptor given; nil entries (a pipe not made) are skipped, not stopped at.
local function closeAll(...)
  for i = 1, select("#", ...) do
    local fd = select(i, ...)
    if type(fd) == "number" then unistd.close(fd) end
  end
end

-- Forks argv[1] as the leader of its own process group, stdin a pipe (withStdin) or
-- /dev/null, stdout and stderr pipes. Returns { pid, inW, outR, errR } or nil, error.
local function startChild(argv, opts, withStdin)
  if type(argv) ~= "table" or argv[1] == nil then return nil, herr("EINVAL", "empty argv") end
  for i = 1, #argv do
    if type(argv[i]) ~= "string" then return nil, herr("EINVAL", "argv entries must be strings") end
  end
  local pathVar = (opts.env and opts.env.PATH) or os.getenv("PATH")
  local prog = resolveProgram(argv[1], pathVar)
  if prog == nil then
    if argv[1]:find("/", 1, true) and pstat.stat(argv[1]) ~= nil then
      return nil, herr("EACCES", argv[1] .. ": not an executable file")
    end
    return nil, herr("ENOENT", argv[1] .. ": no such executable")
  end
  if opts.cwd ~= nil and not isDirectory(opts.cwd) then
    return nil, herr("ENOENT", "cwd " .. tostring(opts.cwd) .. " is not a directory")
  end
  local inR, inW
  if withStdin then inR, inW = unistd.pipe() end
  local outR, outW = unistd.pipe()
  local errR, errW = unistd.pipe()
  local stR, stW = unistd.pipe() -- exec status: closed by a successful exec (CLOEXEC)
  if outR == nil or errR == nil or stR == nil or (withStdin and inR == nil) then
    closeAll(inR, inW, outR, outW, errR, errW, stR, stW)
    return nil, herr("EEXEC", "pipe failed")
  end
  fcntl.fcntl(stW, fcntl.F_SETFD, fcntl.FD_CLOEXEC)
  local fds = openFds()
  io.stdout:flush()
  io.stderr:flush()
  local pid, ferr = unistd.fork()
  if pid == nil then
    closeAll(inR, inW, outR, outW, errR, errW, stR, stW)
    return nil, herr("EEXEC", "fork failed: " .. tostring(ferr))
  end
  if pid == 0 then
    -- child: never return into Lua code of the parent
    local function fail(code)
      unistd.write(stW, code)
      unistd._exit(127)
    end
    unistd.setpid("p", 0, 0)
    if unblockSignals ~= nil then unblockSignals() end
    if withStdin then
      unistd.dup2(inR, 0)
    else
      local devnull = fcntl.open("/dev/null", fcntl.O_RDONLY)
      if devnull ~= nil then
        unistd.dup2(devnull, 0)
        if devnull > 2 then unistd.close(devnull) end
      end
    end
    unistd.dup2(outW, 1)
    unistd.dup2(errW, 2)
    for _, fd in ipairs(fds) do
      if fd > 2 and fd ~= stW then unistd.close(fd) end
    end
    -- caught signals revert to default at exec; ignored ones would stay ignored
    psignal.signal(psignal.SIGPIPE, psignal.SIG_DFL)
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
  closeAll(inR, outW, errW, stW)
  local status
  for _ = 1, 100 do
    local s, _, errnum = unistd.read(stR, 256) -- "" once exec succeeded, else "<CODE> what"
    if s ~= nil or errnum ~= EINTR then status = s; break end
  end
  unistd.close(stR)
  if status ~= nil and status ~= "" then
    closeAll(inW, outR, errR)
    pwait.wait(pid)
    local code = status:match("^(%S+)") or "EEXEC"
    if code == "EIO" then code = "EEXEC" end
    return nil, herr(code, argv[1] .. ": " .. status)
  end
  groups[pid] = true
  setNonBlocking(outR)
  setNonBlocking(errR)
  if inW ~= nil then setNonBlocking(inW) end
  return { pid = pid, inW = inW, outR = outR, errR = errR }
end

-- Splits a byte stream into lines (without "\n"); a line longer than maxLine is cut to
-- maxLine bytes and the rest of it dropped. Returns feed(data) and flush().
local function lineSplitter(onLine, maxLine)
  local buf, cutting = "", false
  local function feed(data)
    local pos = 1
    while true do
      local i = data:find("\n", pos, true)
      if i == nil then break end
      local line
      if cutting then
        line = buf
        cutting = false
      else
        line = (buf == "" and pos == 1 and i == #data) and data:sub(1, i - 1) or (buf .. data:sub(pos, i - 1))
        if #line > maxLine then line = line:sub(1, maxLine) end
      end
      buf = ""
      call2(onLine, line)
      pos = i + 1
    end
    if not cutting and pos <= #data then
      buf = buf .. data:sub(pos)
      if #buf > maxLine then
        buf = buf:sub(1, maxLine)
        cutting = true
      end
    end
  end
  local function flush()
    if buf ~= "" or cutting then
      local l = buf
      buf, cutting = "", false
      call2(onLine, l)
    end
  end
  return feed, flush
end

-- A child under the loop: { pid, out, err, stdin, ... }. Streams: { obj } (obj nil once
-- closed). p.onOut(data) / p.onErr(data) receive output, p.onFinish() runs once when the
-- process has been reaped and its output drained (or abandoned, see maybeFinish).
local function closeStream(s)
  if s ~= nil and s.obj ~= nil then
    readers[s.obj] = nil
    writers[s.obj] = nil
    unistd.close(s.obj.fd)
    s.obj = nil
  end
end

local function failStdinQueue(p, e)
  local st = p.stdin
  if st == nil then return end
  local q = st.queue
  st.queue = {}
  for _, w in ipairs(q) do call(w.cb, e, nil) end
end

local function closeStdinNow(p, e)
  if p.stdin == nil then return end
  closeStream(p.stdin)
  failStdinQueue(p, e or herr("EPIPE", "the process's standard input is closed"))
end

local function finishChild(p)
  if p.done then return end
  p.done = true
  removeTimer(p.timer)
  removeTimer(p.killTimer)
  removeTimer(p.graceTimer)
  closeStream(p.out)
  closeStream(p.err)
  closeStdinNow(p)
  if p.reaped then groups[p.pid] = nil end
  p.onFinish()
end

local function maybeFinish(p)
  if p.done or not p.reaped then return end
  if p.out.obj == nil and p.err.obj == nil then return finishChild(p) end
  -- exited but a pipe is still open (a process that left the group holds it): do not wait for ever
  if p.graceTimer == nil then
    p.graceTimer = addTimer(p.timedOut and 50 or 500, function() p.graceTimer = nil; finishChild(p) end)
  end
end

local function onPipeReadable(p, s, deliver)
  if s.obj == nil then return end
  local data, _, errnum = unistd.read(s.obj.fd, BLOCK)
  if data == nil then
    if errnum == EAGAIN or errnum == EINTR or errnum == EWOULDBLOCK then return end
    data = ""
  end
  if data == "" then -- EOF
    closeStream(s)
    return maybeFinish(p)
  end
  deliver(data)
end

local function pumpStdin(p)
  local st = p.stdin
  while st.obj ~= nil and #st.queue > 0 do
    local w = st.queue[1]
    local chunk = w.data
    if w.pos > 1 or #chunk > BLOCK then chunk = chunk:sub(w.pos, w.pos + BLOCK - 1) end
    if chunk == "" then
      table.remove(st.queue, 1)
      call(w.cb, nil, true)
    else
      local n, msg, errnum = unistd.write(st.obj.fd, chunk)
      if n == nil then
        if errnum == EAGAIN or errnum == EINTR or errnum == EWOULDBLOCK then
          writers[st.obj] = function() pumpStdin(p) end
          return
        end
        -- EPIPE: the process closed its standard input or exited
        return closeStdinNow(p, herr(errnoCode(errnum), "writing to the process: " .. tostring(msg)))
      end
      w.pos = w.pos + n
      if w.pos > #w.data then
        table.remove(st.queue, 1)
        call(w.cb, nil, true)
      end
    end
  end
  if st.obj ~= nil then
    writers[st.obj] = nil
    if st.closing then closeStream(st) end
  end
end

local function reapOne(p)
  if p.reaped then return end
  local rpid, how, status = pwait.wait(p.pid, pwait.WNOHANG)
  if rpid == p.pid and (how == "exited" or how == "killed") then
    p.how, p.status = how, status
  elseif rpid == nil then
    p.how = "lost" -- not our child any more (ECHILD): give up on it
  else
    return
  end
  procs[p.pid] = nil
  procCount = procCount - 1
  p.reaped = true
  p.endedAt = monoMs()
  removeTimer(p.killTimer)
  if p.done then groups[p.pid] = nil; return end
  if p.cancelled then return finishChild(p) end
  maybeFinish(p)
end

-- Without SIGCHLD (LuaJIT): a child that closed its pipes is usually exiting, so look
-- again soon (5 ms) for 200 ms after that; otherwise once a second.
childWaitCap = function()
  local now = monoMs()
  for _, p in pairs(procs) do
    if p.out.obj == nil and p.err.obj == nil then
      if p.pipesClosedAt == nil then p.pipesClosedAt = now end
      if now - p.pipesClosedAt < 200 then return 5 end
    end
  end
  return MAX_WAIT_MS
end

reapProcs = function()
  if procCount == 0 then return end
  -- a snapshot: callbacks run from reapOne may start processes
  local list = {}
  for _, p in pairs(procs) do list[#list + 1] = p end
  for i = 1, #list do reapOne(list[i]) end
end

-- Puts a started child under the loop. deliverOut/deliverErr receive output.
local function watchChild(c, deliverOut, deliverErr, onFinish)
  local startedAt = monoMs()
  local p = {
    pid = c.pid, out = { obj = fdObject(c.outR) }, err = { obj = fdObject(c.errR) },
    startedAt = startedAt, endedAt = startedAt, reaped = false, done = false,
    timedOut = false, cancelled = false, onFinish = onFinish,
  }
  if c.inW ~= nil then p.stdin = { obj = fdObject(c.inW), queue = {}, closing = false } end
  procs[c.pid] = p
  procCount = procCount + 1
  readers[p.out.obj] = function() onPipeReadable(p, p.out, deliverOut) end
  readers[p.err.obj] = function() onPipeReadable(p, p.err, deliverErr) end
  return p
end

local function exitCode(p)
  if p.how == "exited" and not p.timedOut then return p.status, nil end
  if p.how == "killed" then return -1, SIGNUM_NAMES[p.status] or tostring(p.status) end
  return -1, nil
end

-- Kills the group at once and reaps the leader if it goes within 50 ms (SIGKILL is
-- quick), so a cancelled call leaves no process behind, not even a zombie.
local function killNow(p)
  p.cancelled = true
  killpg(p.pid, psignal.SIGKILL)
  closeStdinNow(p)
  local deadline = monoMs() + 50
  while not p.reaped and monoMs() < deadline do
    reapOne(p)
    if not p.reaped then ppoll.poll({}, 1) end
  end
  finishChild(p)
end

local function exec(argv, opts, cb)
  opts = opts or {}
  local finish = once(cb)
  local handle = {}
  local input = opts.stdin
  if input ~= nil and type(input) ~= "string" then
    defer(finish, herr("EINVAL", "exec: stdin must be a string"), nil)
    handle.cancel = function() finish(herr("ECANCELED", "cancelled"), nil) end
    return handle
  end
  local c, e = startChild(argv, opts, input ~= nil)
  if c == nil then
    if e.code == "EINVAL" then e.code = "EEXEC" end
    defer(finish, e, nil)
    handle.cancel = function() finish(herr("ECANCELED", "cancelled"), nil) end
    return handle
  end
  local maxBytes = (type(opts.maxBytes) == "number" and opts.maxBytes >= 0) and opts.maxBytes or 1048576
  local outParts, errParts = {}, {}
  local outSize, errSize = 0, 0
  local truncated = false
  local feedLine, flushLine
  if opts.onLine ~= nil then feedLine, flushLine = lineSplitter(opts.onLine, maxBytes > 0 and maxBytes or 1) end
  local p
  local function keep(s, parts, size, data)
    local room = maxBytes - size
    if #data > room then
      data = data:sub(1, room > 0 and room or 0)
      truncated = true
    end
    if #data > 0 then parts[#parts + 1] = data end
    if truncated and size + #data >= maxBytes then
      -- stop reading this stream: the process sees a closed pipe (SIGPIPE/EPIPE)
      closeStream(s)
      defer(maybeFinish, p)
    end
    return data
  end
  p = watchChild(c, function(data)
    data = keep(p.out, outParts, outSize, data)
    outSize = outSize + #data
    if feedLine ~= nil and #data > 0 then feedLine(data) end
  end, function(data)
    data = keep(p.err, errParts, errSize, data)
    errSize = errSize + #data
  end, function()
    if p.cancelled then return defer(finish, herr("ECANCELED", argv[1] .. ": cancelled"), nil) end
    if flushLine ~= nil then flushLine() end
    local code = exitCode(p)
    finish(nil, {
      code = code,
      stdout = table.concat(outParts),
      stderr = table.concat(errParts),
      ms = p.endedAt - p.startedAt,
      timedOut = p.timedOut,
      truncated = truncated,
    })
  end)
  if input ~= nil then
    p.stdin.closing = true
    p.stdin.queue[1] = { data = input, pos = 1 }
    pumpStdin(p)
  end
  if type(opts.timeoutMs) == "number" and opts.timeoutMs > 0 then
    p.timer = addTimer(opts.timeoutMs, function()
      p.timer = nil
      if p.reaped then return end
      p.timedOut = true
      killpg(p.pid, psignal.SIGTERM)
      p.killTimer = addTimer(200, function() p.killTimer = nil; if not p.reaped then killpg(p.pid, psignal.SIGKILL) end end)
    end)
  end
  handle.cancel = function()
    if p.done or p.cancelled then return end
    killNow(p)
  end
  return handle
end

local function spawn(argv, opts, cb)
  opts = opts or {}
  local c, e = startChild(argv, opts, true)
  if c == nil then
    if e.code == "EINVAL" then e.code = "EEXEC" end
    return defer(call, cb, e, nil)
  end
  local maxLine = (type(opts.maxLineBytes) == "number" and opts.maxLineBytes > 0) and opts.maxLineBytes or 65536
  local feedLine, flushLine
  if opts.onLine ~= nil then feedLine, flushLine = lineSplitter(opts.onLine, maxLine) end
  local onStdout, onStderr, onExit = opts.onStdout, opts.onStderr, opts.onExit
  local p
  p = watchChild(c, function(data)
    if onStdout ~= nil then call2(onStdout, data) end
    if feedLine ~= nil then feedLine(data) end
  end, function(data)
    if onStderr ~= nil then call2(onStderr, data) end
  end, function()
    if flushLine ~= nil then flushLine() end
    local code, sig = exitCode(p)
    call(onExit, code, sig)
  end)
  local proc = { pid = c.pid }
  proc.write = method(proc, function(data, wcb)
    local st = p.stdin
    if type(data) ~= "string" then return defer(call, wcb, herr("EINVAL", "write: data must be a string"), nil) end
    if st.obj == nil or st.closing then
      return defer(call, wcb, herr("EPIPE", "the process's standard input is closed"), nil)
    end
    st.queue[#st.queue + 1] = { data = data, pos = 1, cb = wcb }
    if #st.queue == 1 then pumpStdin(p) end
  end)
  proc.closeStdin = method(proc, function()
    local st = p.stdin
    if st.obj == nil or st.closing then return end
    st.closing = true
    if #st.queue == 0 then closeStream(st) end
  end)
  proc.kill = method(proc, function(sig)
    if p.done and not groups[p.pid] then return end
    local name = type(sig) == "string" and sig:upper():gsub("^SIG", "") or "TERM"
    local signum = KILL_SIGNALS[name]
    if type(sig) == "number" then signum = sig end
    if signum == nil then signum = psignal.SIGTERM end
    killpg(p.pid, signum)
  end)
  defer(call, cb, nil, proc)
end

---------------------------------------------------------------------------- TCP and TLS

local function isIPv4(h)
  return h:match("^%d+%.%d+%.%d+%.%d+$") ~= nil
end

local function isIPv6(h)
  return h:find(":", 1, true) ~= nil
end

-- A zone (%lo, %eth0) only means something on a link-local address; glibc refuses an
-- interface name on any other (::1%lo), so there it is dropped.
local function withZone(h)
  local addr, zone = h:match("^([^%%]+)%%(.*)$")
  if addr == nil then return h end
  if zone ~= "" and addr:lower():match("^fe[89ab]%x:") then return addr .. "%" .. zone end
  return addr
end

-- Addresses to try, in the resolver's order. Name lookup blocks: luasocket has no
-- asynchronous resolver.
local function addressesOf(host)
  if isIPv4(host) then return { { family = "inet", addr = host } } end
  if isIPv6(host) then return { { family = "inet6", addr = withZone(host) } } end
  local info = socket.dns.getaddrinfo(host)
  if type(info) ~= "table" or #info == 0 then return nil end
  local out, seen = {}, {}
  for _, a in ipairs(info) do
    if (a.family == "inet" or a.family == "inet6") and not seen[a.addr] then
      seen[a.addr] = true
      out[#out + 1] = { family = a.family, addr = a.addr }
    end
  end
  if #out == 0 then return nil end
  return out
end

local function inProgress(e)
  return e == "timeout" or e == "Operation already in progress"
end

-- Non-blocking connect trying each address in turn; cb(err, sock) from the loop.
-- Returns a function that abandons the attempt (cb is then never called).
local function tcpConnect(host, port, timeoutMs, cb)
  local finished = false
  local sock, timer, lastErr
  local addrs = addressesOf(host)
  local function finish(err, s)
    if finished then return end
    finished = true
    removeTimer(timer)
    if sock ~= nil then writers[sock] = nil end
    if err ~= nil then
      if sock ~= nil then sock:close() end
      sock = nil
      call(cb, err, nil)
    else
      call(cb, nil, s)
    end
  end
  if addrs == nil then
    defer(finish, herr("ENOTFOUND", host .. ": name not resolved"))
    return function() finished = true end
  end
  local idx = 0
  local tryNext
  tryNext = function()
    if finished then return end
    if sock ~= nil then
      writers[sock] = nil
      sock:close()
      sock = nil
    end
    idx = idx + 1
    local a = addrs[idx]
    if a == nil then return finish(lastErr or herr("ECONNREFUSED", host .. ": no address answered")) end
    local make = a.family == "inet6" and socket.tcp6 or socket.tcp
    if make == nil then
      lastErr = herr("EUNSUPPORTED", "no IPv6 in this luasocket")
      return tryNext()
    end
    local s, e = make()
    if s == nil then
      lastErr = herr("EIO", tostring(e))
      return tryNext()
    end
    sock = s
    s:settimeout(0)
    local ok, cerr = s:connect(a.addr, port)
    if ok then
      return defer(function() finish(nil, s) end)
    elseif inProgress(cerr) then
      writers[s] = function()
        local ok2, e2 = s:connect(a.addr, port)
        if ok2 or e2 == "already connected" then
          finish(nil, s)
        elseif not inProgress(e2) then
          lastErr = herr(sockCode(e2), host .. ": " .. tostring(e2))
          tryNext()
        end
      end
    else
      lastErr = herr(sockCode(cerr), host .. ": " .. tostring(cerr))
      return defer(tryNext)
    end
  end
  tryNext()
  if type(timeoutMs) == "number" and timeoutMs > 0 then
    timer = addTimer(timeoutMs, function()
      timer = nil
      finish(herr("ETIMEDOUT", "connect to " .. host .. " timed out"))
    end)
  end
  return function()
    if finished then return end
    finished = true
    removeTimer(timer)
    if sock ~= nil then
      writers[sock] = nil
      sock:close()
      sock = nil
    end
  end
end

local function fileExists(path)
  return pstat.stat(path) ~= nil
end

-- luasec context parameters: verify the peer against caFile or the system's CAs.
local function tlsParams(opts)
  local p = { mode = "client", protocol = "any", verify = { "peer" }, options = { "all" } }
  if opts.caFile ~= nil then
    p.cafile = opts.caFile
  elseif fileExists("/etc/ssl/certs/ca-certificates.crt") then
    p.cafile = "/etc/ssl/certs/ca-certificates.crt"
  elseif isDirectory("/etc/ssl/certs") then
    p.capath = "/etc/ssl/certs"
  end
  if opts.certFile ~= nil then p.certificate = opts.certFile end
  if opts.keyFile ~= nil then p.key = opts.keyFile end
  return p
end

-- luasec checks the chain; the name is checked here (subjectAltName, else the subject's
-- common name; "*." matches one leftmost label).
local function certNameMatches(cert, name)
  name = name:lower()
  local function dnsMatch(pat)
    pat = tostring(pat):lower()
    if pat == name then return true end
    if pat:sub(1, 2) == "*." and not isIPv4(name) and not isIPv6(name) then
      local i = name:find(".", 1, true)
      return i ~= nil and i > 1 and name:sub(i) == pat:sub(2)
    end
    return false
  end
  local ok, exts = pcall(cert.extensions, cert)
  local san = ok and type(exts) == "table" and exts["2.5.29.17"] or nil
  if san ~= nil then
    if isIPv4(name) or isIPv6(name) then
      local want = name:gsub("%%.*$", "")
      for _, ip in ipairs(san.iPAddress or {}) do
        if tostring(ip):lower() == want then return true end
      end
      return false
    end
    for _, d in ipairs(san.dNSName or {}) do
      if dnsMatch(d) then return true end
    end
    return false
  end
  local sok, subject = pcall(cert.subject, cert)
  if sok and type(subject) == "table" then
    for _, ent in ipairs(subject) do
      if (ent.name == "commonName" or ent.oid == "2.5.4.3") and dnsMatch(ent.value) then return true end
    end
  end
  return false
end

-- TLS over a connected socket, handshake driven by the loop; cb(err, conn). EPROTO for
-- any TLS failure (handshake, chain, name). Returns an abandon function like tcpConnect.
local function tlsHandshake(sock, params, servername, cb)
  local conn, e = ssl.wrap(sock, params)
  if conn == nil then
    sock:close()
    defer(call, cb, herr("EINVAL", "TLS setup: " .. tostring(e)), nil)
    return function() end
  end
  conn:settimeout(0)
  local name = withZone(servername):gsub("%%.*$", "")
  if not isIPv4(name) and not isIPv6(name) and conn.sni ~= nil then conn:sni(name) end
  local finished = false
  local function finish(err)
    if finished then return end
    finished = true
    readers[conn] = nil
    writers[conn] = nil
    if err ~= nil then
      conn:close()
      call(cb, err, nil)
    else
      call(cb, nil, conn)
    end
  end
  local function step()
    local ok, herrmsg = conn:dohandshake()
    if ok then
      local cert = conn:getpeercertificate()
      if cert == nil or not certNameMatches(cert, name) then
        return finish(herr("EPROTO", "TLS: the certificate does not name " .. name))
      end
      return finish(nil)
    elseif herrmsg == "wantread" then
      writers[conn] = nil
      readers[conn] = step
    elseif herrmsg == "wantwrite" then
      readers[conn] = nil
      writers[conn] = step
    else
      finish(herr("EPROTO", "TLS handshake with " .. name .. ": " .. tostring(herrmsg)))
    end
  end
  defer(function() if not finished then step() end end)
  return function()
    if finished then return end
    finished = true
    readers[conn] = nil
    writers[conn] = nil
    conn:close()
  end
end

-- A connected byte stream for the loop: obj (what poll watches), read() -> data ("" when
-- nothing now), eof, err; send(data, i) as luasocket's; close(). Plain sockets are read
-- with read(2) straight into one string per block (luasocket's receive copies through
-- an 8 KiB buffer).
local function plainConn(sock)
  local fd = sock:getfd()
  return {
    obj = sock,
    read = function()
      local data, msg, errnum = unistd.read(fd, BLOCK)
      if data == nil then
        if errnum == EAGAIN or errnum == EINTR or errnum == EWOULDBLOCK then return "", false, nil end
        local code = errnoCode(errnum)
        if code == "EIO" then code = "ECONNRESET" end
        return "", true, herr(code, tostring(msg))
      end
      return data, data == "", nil
    end,
    send = function(data, i) return sock:send(data, i) end,
    close = function() sock:close() end,
  }
end

local function tlsConn(c)
  return {
    obj = c,
    read = function()
      local data, err, partial = c:receive(BLOCK)
      if data ~= nil then return data, false, nil end
      if err == "wantread" or err == "wantwrite" or err == "timeout" then return partial or "", false, nil end
      if err == "closed" then return partial or "", true, nil end
      return partial or "", true, herr("EPROTO", "TLS: " .. tostring(err))
    end,
    send = function(data, i)
      local last, err, lastSent = c:send(data, i)
      if err == "wantwrite" or err == "wantread" then err = "timeout" end
      return last, err, lastSent
    end,
    close = function() c:close() end,
  }
end

---------------------------------------------------------------------------- connect

local function makeStream(c)
  local stream = {}
  local dataHandler, closeHandler, pendingClose
  local pendingData = {}
  local outq = {} -- { data=, pos=, cb= }
  local closed = false

  local function shutdown(e, notify)
    if closed then return end
    closed = true
    readers[c.obj] = nil
    writers[c.obj] = nil
    c.close()
    local q = outq
    outq = {}
    for _, w in ipairs(q) do
      call(w.cb, herr("ECONNRESET", "stream closed before the write completed"), nil)
    end
    if notify then
      if closeHandler ~= nil then call(closeHandler, e) else pendingClose = { e } end
    end
  end

  local function deliver(data)
    if data == "" then return end
    if dataHandler ~= nil then call(dataHandler, data) else pendingData[#pendingData + 1] = data end
  end

  local function onWritable()
    while #outq > 0 and not closed do
      local w = outq[1]
      local last, werr, lastSent = c.send(w.data, w.pos)
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
    if not closed then writers[c.obj] = nil end
  end

  readers[c.obj] = function()
    local data, eof, rerr = c.read()
    deliver(data)
    if eof and not closed then shutdown(rerr, true) end
  end

  stream.write = method(stream, function(data, wcb)
    if closed then return defer(call, wcb, herr("ECONNRESET", "stream is closed"), nil) end
    if type(data) ~= "string" then return defer(call, wcb, herr("EINVAL", "write: data must be a string"), nil) end
    outq[#outq + 1] = { data = data, pos = 1, cb = wcb }
    writers[c.obj] = onWritable
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
    if pendingClose ~= nil then
      local e = pendingClose[1]
      pendingClose = nil
      defer(call, h, e)
    end
  end)
  -- a local close() does not call the onClose handler
  stream.close = method(stream, function() shutdown(nil, false) end)
  return stream
end

local function connect(hostname, port, opts, cb)
  opts = opts or {}
  local finish, fired = once(cb)
  local handle = {}
  local abandon, timer
  local function done(err, stream)
    removeTimer(timer)
    abandon = nil
    finish(err, stream)
  end
  handle.cancel = function()
    if fired() then return end
    removeTimer(timer)
    if abandon ~= nil then abandon() end
    abandon = nil
    defer(finish, herr("ECANCELED", "connect cancelled"), nil)
  end
  if type(hostname) ~= "string" or hostname == "" then
    defer(done, herr("EINVAL", "connect: hostname must be a non-empty string"), nil)
    return handle
  end
  if type(port) ~= "number" or port < 1 or port > 65535 or port ~= math.floor(port) then
    defer(done, herr("EINVAL", "connect: port must be 1-65535"), nil)
    return handle
  end
  if opts.tls then
    local ok, why = loadSsl()
    if ok == nil then
      defer(done, herr("EUNSUPPORTED", "TLS " .. why), nil)
      return handle
    end
  end
  if opts.tls then
    for _, f in ipairs({ "caFile", "certFile", "keyFile" }) do
      if opts[f] ~= nil and not fileExists(opts[f]) then
        defer(done, herr("ENOENT", "connect: " .. f .. " " .. tostring(opts[f]) .. " does not exist"), nil)
        return handle
      end
    end
  end
  local host = hostname
  if host:sub(1, 1) == "[" and host:sub(-1) == "]" then host = host:sub(2, -2) end
  if type(opts.timeoutMs) == "number" and opts.timeoutMs > 0 then
    timer = addTimer(opts.timeoutMs, function()
      timer = nil
      if abandon ~= nil then abandon() end
      done(herr("ETIMEDOUT", "connect to " .. hostname .. " timed out"), nil)
    end)
  end
  abandon = tcpConnect(host, port, nil, function(err, sock)
    if err ~= nil then return done(err, nil) end
    if not opts.tls then return done(nil, makeStream(plainConn(sock))) end
    abandon = tlsHandshake(sock, tlsParams(opts), opts.servername or host, function(terr, conn)
      if terr ~= nil then return done(terr, nil) end
      done(nil, makeStream(tlsConn(conn)))
    end)
  end)
  return handle
end

---------------------------------------------------------------------------- HTTP

local function pctEncode(c)
  return string.format("%%%02X", c:byte())
end

local function isDefaultPort(scheme, port)
  return (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
end

-- { scheme, host, port, target, hostHeader } or nil, code, message. The scheme is
-- case-insensitive; only http and https are fetched. Bytes a request line cannot carry
-- (controls, space, non-ASCII) are percent-encoded; everything else, "[" and "{"
-- included, is sent as written: one URL is one request.
local function parseUrl(url)
  if type(url) ~= "string" then return nil, "EINVAL", "URL must be a string" end
  local scheme, rest = url:match("^(%a[%w+.-]*)://(.*)$")
  if scheme == nil then
    local other = url:match("^(%a[%w+.-]*):")
    if other ~= nil and other:lower() ~= "http" and other:lower() ~= "https" then
      return nil, "EUNSUPPORTED", "unsupported URL scheme " .. other
    end
    return nil, "EINVAL", "not a URL: " .. url
  end
  scheme = scheme:lower()
  if scheme ~= "http" and scheme ~= "https" then return nil, "EUNSUPPORTED", "unsupported URL scheme " .. scheme end
  local authority, target = rest:match("^([^/?#]*)(.*)$")
  target = target:gsub("#.*$", "")
  if target == "" then target = "/" elseif target:sub(1, 1) == "?" then target = "/" .. target end
  authority = authority:match("^.*@(.*)$") or authority
  local host, portStr, bracketed
  if authority:sub(1, 1) == "[" then
    host, portStr = authority:match("^%[([^%]]*)%](.*)$")
    bracketed = true
  else
    host, portStr = authority:match("^([^:]*)(.*)$")
  end
  if host == nil or host == "" then return nil, "EINVAL", "no host in URL " .. url end
  local port = scheme == "https" and 443 or 80
  if portStr ~= "" and portStr ~= ":" then
    local digits = portStr:match("^:(%d+)$")
    if digits == nil or #digits > 5 then return nil, "EINVAL", "bad port in URL " .. url end
    port = tonumber(digits)
    if port < 1 or port > 65535 then return nil, "EINVAL", "bad port in URL " .. url end
  end
  local hostHeader
  if bracketed then
    host = host:gsub("%%25", "%%", 1) -- RFC 6874: the zone's "%" is written %25 in a URL
    local addr = host:match("^([%x:.]+)%%?[%w._~-]*$")
    if addr == nil or not isIPv6(addr) then return nil, "EINVAL", "bad IPv6 address in URL " .. url end
    hostHeader = "[" .. addr .. "]" -- the zone is local to this machine: never sent
  else
    if host:find("[^%w._~!$&'()*+,;=%%-]") then return nil, "EINVAL", "bad host in URL " .. url end
    hostHeader = host
  end
  if not isDefaultPort(scheme, port) then hostHeader = hostHeader .. ":" .. port end
  target = target:gsub("[%z\1-\32\127-\255]", pctEncode)
  return { scheme = scheme, host = host, port = port, target = target, hostHeader = hostHeader }
end

local function resolveUrl(base, loc)
  if loc:match("^%a[%w+.-]*:") then return loc end
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
local TOKEN_BAD = "[^%w!#$%%&'*+.^_`|~-]"

local function trim(s)
  return (s:gsub("^[ \t]+", ""):gsub("[ \t]+$", ""))
end

-- The parsed head of a response: status, headers (lower-cased, last wins), framing
-- ("none" | "length" | "chunked" | "close") and length; or nil, error message (EPROTO).
local function parseHead(hdr)
  local status
  local headers = {}
  local lengths = {}
  local last
  local first = true
  for line in (hdr .. "\r\n"):gmatch("(.-)\r\n") do
    if first then
      status = tonumber(line:match("^HTTP/%d%.%d (%d%d%d)"))
      if status == nil then return nil, "not an HTTP status line" end
      first = false
    elseif line:match("^[ \t]") and last ~= nil then
      headers[last] = headers[last] .. " " .. trim(line) -- obsolete line folding
    else
      local k, v = line:match("^([^:]*):(.*)$")
      if k == nil or k == "" or k:find(TOKEN_BAD) then return nil, "malformed header line" end
      last = k:lower()
      v = trim(v)
      headers[last] = v
      if last == "content-length" then lengths[#lengths + 1] = v end
    end
  end
  local length
  for _, v in ipairs(lengths) do
    for part in (v .. ","):gmatch("([^,]*),") do
      part = trim(part)
      if not part:match("^%d+$") or #part > 15 then return nil, "bad Content-Length " .. v end
      local n = tonumber(part)
      if length ~= nil and n ~= length then return nil, "conflicting Content-Length headers" end
      length = n
    end
  end
  local te = headers["transfer-encoding"]
  if te ~= nil and length ~= nil then return nil, "both Transfer-Encoding and Content-Length" end
  local mode
  if status == 204 or status == 304 or status < 200 then
    mode = "none"
  elseif te ~= nil then
    mode = te:lower():match("chunked[ \t]*$") and "chunked" or "close"
  elseif length ~= nil then
    mode = length == 0 and "none" or "length"
  else
    mode = "close"
  end
  return { status = status, headers = headers, mode = mode, length = length or 0 }
end

local function httpGet(url, opts, cb)
  opts = opts or {}
  local finish = once(cb)
  local maxBytes = type(opts.maxBytes) == "number" and opts.maxBytes or 16777216
  local maxRedirects = type(opts.maxRedirects) == "number" and opts.maxRedirects or 5
  local keepBody = opts.keepBody ~= false
  local tStart = monoMs()
  local done = false
  local redirects = 0
  local abandon, conn, deadline
  local tConnect, tFirst
  local handle = {}

  local function cleanup()
    removeTimer(deadline)
    deadline = nil
    if abandon ~= nil then
      local a = abandon
      abandon = nil
      a()
    end
    if conn ~= nil then
      readers[conn.obj] = nil
      writers[conn.obj] = nil
      conn.close()
      conn = nil
    end
  end
  local function fail(code, msg)
    if done then return end
    done = true
    cleanup()
    finish(herr(code, msg), nil)
  end
  local function succeed(res)
    if done then return end
    done = true
    cleanup()
    finish(nil, res)
  end
  handle.cancel = function()
    if done then return end
    done = true
    cleanup()
    defer(finish, herr("ECANCELED", url .. ": cancelled"), nil)
  end

  if type(opts.timeoutMs) == "number" and opts.timeoutMs > 0 then
    deadline = addTimer(opts.timeoutMs, function()
      deadline = nil
      fail("ETIMEDOUT", url .. ": no complete answer within " .. opts.timeoutMs .. " ms")
    end)
  end

  local extra = {}
  if type(opts.range) == "table" and opts.range[1] ~= nil then
    local lastByte = opts.range[2]
    -- %.0f, not %d: %d goes through a C long, 32 bits on MIPS routers
    extra[#extra + 1] = string.format("Range: bytes=%.0f-%s", opts.range[1],
      lastByte ~= nil and string.format("%.0f", lastByte) or "")
  end
  if type(opts.headers) == "table" then
    for k, v in pairs(opts.headers) do
      local ks, vs = tostring(k), tostring(v)
      local lk = ks:lower()
      if lk ~= "host" and lk ~= "connection" and ks ~= "" and not ks:find(TOKEN_BAD) and not vs:find("[%z\r\n]") then
        extra[#extra + 1] = ks .. ": " .. vs
      end
    end
  end

  local request -- forward

  -- One exchange on a connected stream: send the request, parse the answer.
  local function talk(curUrl, c, reqData)
    conn = c
    local sendPos = 1
    writers[c.obj] = function()
      local lastSent, werr, partial = c.send(reqData, sendPos)
      if lastSent ~= nil then
        writers[c.obj] = nil
      elseif werr == "timeout" then
        sendPos = (partial or (sendPos - 1)) + 1
      else
        fail(sockCode(werr), curUrl .. ": " .. tostring(werr))
      end
    end

    local headBuf = ""
    local head -- parsed head, once complete
    local remaining = 0
    local chunkState = "size" -- size | data | crlf | trailer
    local lineBuf = ""
    local trailerBytes = 0
    local body, bodyBytes = {}, 0

    local function complete()
      succeed({
        status = head.status, headers = head.headers, url = curUrl, redirects = redirects, bytes = bodyBytes,
        body = keepBody and table.concat(body) or nil,
        t = { start = tStart, connect = tConnect, firstByte = tFirst, ["end"] = monoMs() },
      })
    end

    -- bytes i..j of d are body; counted always, kept (without copying a whole block) if asked
    local function addBody(d, i, j)
      local n = j - i + 1
      if n <= 0 then return true end
      bodyBytes = bodyBytes + n
      if bodyBytes > maxBytes then
        fail("ETOOBIG", curUrl .. ": body larger than " .. string.format("%.0f", maxBytes) .. " bytes")
        return false
      end
      if keepBody then
        if i == 1 and j == #d then body[#body + 1] = d else body[#body + 1] = d:sub(i, j) end
      end
      return true
    end

    -- body bytes from d at pos; true once the message is complete
    local function feedBody(d, pos)
      local len = #d
      local mode = head.mode
      if mode == "length" then
        local j = pos + remaining - 1
        if j > len then j = len end
        remaining = remaining - (j - pos + 1)
        if not addBody(d, pos, j) then return false end
        return remaining == 0
      elseif mode == "close" then
        addBody(d, pos, len)
        return false
      end
      while pos <= len do
        if chunkState == "data" then
          local j = pos + remaining - 1
          if j > len then j = len end
          remaining = remaining - (j - pos + 1)
          if not addBody(d, pos, j) then return false end
          pos = j + 1
          if remaining == 0 then chunkState = "crlf" end
        elseif chunkState == "crlf" then
          local ch = d:sub(pos, pos)
          if ch == "\r" and lineBuf == "" then
            lineBuf = "\r"
          elseif ch == "\n" then
            lineBuf = ""
            chunkState = "size"
          else
            fail("EPROTO", curUrl .. ": chunk not followed by CRLF")
            return false
          end
          pos = pos + 1
        else -- a chunk-size line or a trailer line
          local i = d:find("\n", pos, true)
          if i == nil then
            lineBuf = lineBuf .. d:sub(pos)
            if #lineBuf > 4096 then
              fail("EPROTO", curUrl .. ": chunk size or trailer line too long")
              return false
            end
            return false
          end
          local line = lineBuf .. d:sub(pos, i - 1)
          lineBuf = ""
          pos = i + 1
          if line:sub(-1) == "\r" then line = line:sub(1, -2) end
          if chunkState == "size" then
            local hex, ext = line:match("^(%x+)(.*)$")
            if hex == nil or #hex > 12 or not (ext == "" or ext:match("^[ \t]*;") or ext:match("^[ \t]+$")) then
              fail("EPROTO", curUrl .. ": malformed chunk size")
              return false
            end
            local sz = tonumber(hex, 16)
            if sz == 0 then chunkState = "trailer" else remaining = sz; chunkState = "data" end
          else
            trailerBytes = trailerBytes + #line + 2
            if trailerBytes > MAX_HEAD then
              fail("EPROTO", curUrl .. ": trailer too large")
              return false
            end
            if line == "" then return true end
          end
        end
      end
      return false
    end

    readers[c.obj] = function()
      local data, eof, rerr = c.read()
      if done then return end
      if data ~= "" and tFirst == nil then tFirst = monoMs() end
      local pos = 1
      if head == nil then
        local from = #headBuf - 2
        headBuf = headBuf .. data
        local h, i
        while true do
          if headBuf:sub(1, 5) ~= ("HTTP/"):sub(1, #headBuf) then
            return fail("EPROTO", curUrl .. ": the answer is not HTTP")
          end
          i = headBuf:find("\r\n\r\n", from > 1 and from or 1, true)
          if i == nil or i > MAX_HEAD then
            if #headBuf > MAX_HEAD then return fail("EPROTO", curUrl .. ": response header block over 64 KiB") end
            if eof then
              if rerr ~= nil then return fail(rerr.code, curUrl .. ": " .. rerr.message) end
              return fail(headBuf == "" and "ECONNRESET" or "EPROTO",
                curUrl .. ": connection closed before a complete response header")
            end
            return
          end
          local perr
          h, perr = parseHead(headBuf:sub(1, i - 1))
          if h == nil then return fail("EPROTO", curUrl .. ": " .. perr) end
          if h.status >= 200 then break end
          headBuf = headBuf:sub(i + 4) -- interim answer (100 Continue): the real one follows
          from = 1
        end
        data = headBuf
        pos = i + 4
        headBuf = ""
        head = h
        if REDIRECTS[h.status] and h.headers["location"] ~= nil then
          if redirects >= maxRedirects then
            return fail("EHTTP", curUrl .. ": more than " .. maxRedirects .. " redirects")
          end
          redirects = redirects + 1
          readers[c.obj] = nil
          writers[c.obj] = nil
          c.close()
          conn = nil
          return request(resolveUrl(curUrl, h.headers["location"]))
        end
        if h.mode == "length" then
          remaining = h.length
          if remaining > maxBytes then
            return fail("ETOOBIG", curUrl .. ": Content-Length " .. h.headers["content-length"] .. " exceeds " ..
              string.format("%.0f", maxBytes))
          end
        end
        if h.mode == "none" then return complete() end
      end
      if pos <= #data then
        local fin = feedBody(data, pos)
        if done then return end
        if fin then return complete() end
      end
      if eof then
        if head.mode == "close" then return complete() end
        if rerr ~= nil then return fail(rerr.code, curUrl .. ": " .. rerr.message) end
        fail("ECONNRESET", curUrl .. ": connection closed before the body was complete")
      end
    end
  end

  request = function(curUrl)
    local u, code, msg = parseUrl(curUrl)
    if u == nil then return fail(code, msg) end
    if u.scheme == "https" then
      local ok, why = loadSsl()
      if ok == nil then return fail("EUNSUPPORTED", curUrl .. ": https " .. why) end
    end
    local lines = { "GET " .. u.target .. " HTTP/1.1", "Host: " .. u.hostHeader, "Connection: close",
      "User-Agent: miniprobe", "Accept: */*" }
    for _, l in ipairs(extra) do lines[#lines + 1] = l end
    local reqData = table.concat(lines, "\r\n") .. "\r\n\r\n"
    abandon = tcpConnect(u.host, u.port, nil, function(err, sock)
      abandon = nil
      if err ~= nil then return fail(err.code, curUrl .. ": " .. err.message) end
      tConnect = monoMs()
      tFirst = nil
      if u.scheme ~= "https" then return talk(curUrl, plainConn(sock), reqData) end
      abandon = tlsHandshake(sock, tlsParams({}), u.host, function(terr, tconn)
        abandon = nil
        if terr ~= nil then return fail(terr.code, curUrl .. ": " .. terr.message) end
        talk(curUrl, tlsConn(tconn), reqData)
      end)
    end)
  end

  -- the first request starts from the loop, so cancel() right after the call works
  defer(function() if not done then request(url) end end)
  return handle
end

---------------------------------------------------------------------------- tools

-- Which measurement tools this device has. Only what the file system says (PATH lookup,
-- symlink target): a busybox or toybox applet by its link, anything else "unknown" for
-- ping/traceroute until core/tools/probe.ts asks the tool itself.
local function discoverTools()
  local tools = {}
  local names = { "ping", "ping6", "traceroute", "traceroute6", "scamper", "tstat", "busybox", "curl" }
  local pathVar = (os.getenv("PATH") or "") .. ":/usr/sbin:/usr/bin:/sbin:/bin"
  for _, name in ipairs(names) do
    local p = resolveProgram(name, pathVar)
    if p ~= nil then
      local real = (pstdlib.realpath and pstdlib.realpath(p)) or p
      local base = real:match("([^/]+)$") or real
      local flavour
      if base == "busybox" or base:match("^busybox") then flavour = "busybox"
      elseif base == "toybox" then flavour = "toybox"
      elseif name == "ping" or name == "ping6" or name == "traceroute" or name == "traceroute6" then flavour = "unknown"
      else flavour = name end
      tools[name] = { path = p, flavour = flavour }
    end
  end
  return tools
end
M.discoverTools = discoverTools

---------------------------------------------------------------------------- the Host

-- RSS from /proc/self/statm, counted in 4 KiB pages (the page size of Linux on x86 and
-- of common MIPS router kernels; luaposix 33 cannot ask sysconf for it).
local function memory()
  local m = { heapKb = collectgarbage("count") }
  local f = io.open("/proc/self/statm", "r")
  if f ~= nil then
    local line = f:read("*l")
    f:close()
    local pages = line and tonumber(line:match("^%d+%s+(%d+)"))
    if pages ~= nil then m.rssKb = pages * 4 end
  end
  return m
end

-- The collector's pause: a new cycle starts when the heap reaches PAUSE% of what the last
-- one left. Lua's default, 200, lets it double, and glibc/musl keep freed heap pages
-- mapped, so RSS follows the peak: lua5.1 recovering then draining 10,000 queued reports
-- went from 7.5 MB RSS idle to 9.1 / 9.7 MB at 200, and stayed at 7.5 at 100. The price
-- is collector work while garbage flows: the drain rate fell ~15% (medians of 3, lua5.1
-- 1563 -> 1345 reports/s, luajit 7503 -> 6467); recovery CPU did not change.
-- The step multiplier: how much the incremental collector does per unit allocated. At
-- the default 200 garbage still piles up inside a cycle and glibc's heap keeps the holes;
-- at 1000 an idle lua5.1 daemon holds 4.6 instead of 5.0 MB RSS (medians of 4), for ~10%
-- more CPU in allocation-heavy work (the vector suite: 1.08 -> 1.19 s). The Lua bundle's
-- first line sets both, read from here by tools/build.mjs, before any module compiles:
-- the compiler's garbage is where the holes start.
local GC_PAUSE = 100
local GC_STEPMUL = 1000

function M.createHost(opts)
  opts = opts or {}
  collectgarbage("setpause", GC_PAUSE)
  collectgarbage("setstepmul", GC_STEPMUL)
  installSignals()
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
    connect = "socket",
    tls = sslPresent and "luasec" or nil,
  }
  host.tools = discoverTools()
  host.now = method(host, nowMs)
  host.mono = method(host, monoMs)
  host.setTimer = method(host, function(ms, cb) return addTimer(ms, cb) end)
  host.clearTimer = method(host, function(id) removeTimer(id) end)
  -- no timestamps: on a router procd hands stderr to logd, which dates every line
  local levels = { debug = 0, info = 1, warn = 2, error = 3 }
  local minLevel = levels[opts.logLevel or "info"] or 1
  host.log = method(host, function(level, msg)
    if (levels[level] or 3) < minLevel then return end
    io.stderr:write("[" .. tostring(level) .. "] " .. tostring(msg) .. "\n")
    io.stderr:flush()
  end)
  host.setLogLevel = method(host, function(level) minLevel = levels[level] or minLevel end)
  host.write = method(host, function(text)
    io.stdout:write(text)
    io.stdout:flush()
  end)
  host.readStdin = method(host, readStdin)
  host.which = method(host, which)
  host.exec = method(host, exec)
  host.spawn = method(host, spawn)
  host.httpGet = method(host, httpGet)
  host.connect = method(host, connect)
  host.fs = fs
  host.onSignal = method(host, function(handler) signalHandler = handler end)
  host.memory = method(host, memory)
  host.exit = method(host, exitNow)
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
