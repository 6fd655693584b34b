# The root runner: one thread that performs what Supervisor decides. It copies the
# bundle (assets/js: miniprobe.js and the chunks it loads), the interpreter (nativeLibraryDir/libqjs.so) and
# probe.sh into FILES/bin, writes FILES/config.json from the app's settings, then runs
#   su -c "sh FILES/bin/probe.sh run FILES"
# which execs `qjs --std miniprobe.js --config config.json` as root (su's exit status is
# the probe's). Every status line goes to FILES/status (shown on screen) and, with a
# time, to FILES/runner.log; the probe's own output goes to FILES/probe.log.
# Stopping: requestStop() (any thread) sets a flag and interrupts; the runner thread
# then asks Supervisor, and kills the probe through su when it was running.
#
# In Java terms:
#   run() { int a = sup.onStart(); loop { publish(); if (stopping) break;
#     a = a == CHECK_SU ? sup.onSuResult(checkSu())
#       : a == LAUNCH ? launchAndWait()
#       : a == SCHEDULE ? (sleep(sup.delayMs()), sup.onTimer()) : end; }
#     on stop/interrupt: if (sup.onStop() == KILL) stopProbe(); publish(); }

.class public final Lorg/miniprobe/wrapper/RootRunner;
.super Ljava/lang/Thread;

.field private final service:Landroid/app/Service;
.field private final dir:Ljava/io/File;
.field private final sup:Lorg/miniprobe/wrapper/Supervisor;
.field private volatile stopping:Z
.field private volatile suCheck:Ljava/lang/Process;
.field private volatile probe:Ljava/lang/Process;


.method public constructor <init>(Landroid/app/Service;)V
    .registers 3
    const-string v0, "miniprobe-root-runner"
    invoke-direct {p0, v0}, Ljava/lang/Thread;-><init>(Ljava/lang/String;)V
    iput-object p1, p0, Lorg/miniprobe/wrapper/RootRunner;->service:Landroid/app/Service;
    invoke-virtual {p1}, Landroid/app/Service;->getFilesDir()Ljava/io/File;
    move-result-object v0
    iput-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->dir:Ljava/io/File;
    new-instance v0, Lorg/miniprobe/wrapper/Supervisor;
    invoke-direct {v0}, Lorg/miniprobe/wrapper/Supervisor;-><init>()V
    iput-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    return-void
.end method

# Any thread. A pending su prompt is cut short by destroying the su client.
.method public requestStop()V
    .registers 2
    const/4 v0, 0x1
    iput-boolean v0, p0, Lorg/miniprobe/wrapper/RootRunner;->stopping:Z
    iget-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->suCheck:Ljava/lang/Process;
    if-eqz v0, :interrupt
    invoke-virtual {v0}, Ljava/lang/Process;->destroy()V
    :interrupt
    invoke-virtual {p0}, Lorg/miniprobe/wrapper/RootRunner;->interrupt()V
    return-void
.end method

.method public run()V
    .registers 5
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    invoke-virtual {v1}, Lorg/miniprobe/wrapper/Supervisor;->onStart()I
    move-result v0

    :loop
    invoke-direct {p0}, Lorg/miniprobe/wrapper/RootRunner;->publish()V
    iget-boolean v1, p0, Lorg/miniprobe/wrapper/RootRunner;->stopping:Z
    if-nez v1, :stop

    const/4 v1, 0x1
    if-ne v0, v1, :not_check
    :check_start
    invoke-direct {p0}, Lorg/miniprobe/wrapper/RootRunner;->checkSu()I
    move-result v1
    :check_end
    .catch Ljava/lang/InterruptedException; {:check_start .. :check_end} :stop
    iget-object v2, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    invoke-virtual {v2, v1}, Lorg/miniprobe/wrapper/Supervisor;->onSuResult(I)I
    move-result v0
    goto :loop

    :not_check
    const/4 v1, 0x2
    if-ne v0, v1, :not_launch
    :launch_start
    invoke-direct {p0}, Lorg/miniprobe/wrapper/RootRunner;->launchAndWait()I
    move-result v0
    :launch_end
    .catch Ljava/lang/InterruptedException; {:launch_start .. :launch_end} :stop
    goto :loop

    :not_launch
    const/4 v1, 0x3
    if-ne v0, v1, :done
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    invoke-virtual {v1}, Lorg/miniprobe/wrapper/Supervisor;->delayMs()J
    move-result-wide v1
    :sleep_start
    invoke-static {v1, v2}, Ljava/lang/Thread;->sleep(J)V
    :sleep_end
    .catch Ljava/lang/InterruptedException; {:sleep_start .. :sleep_end} :stop
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    invoke-virtual {v1}, Lorg/miniprobe/wrapper/Supervisor;->onTimer()I
    move-result v0
    goto :loop

    # Nothing left to supervise (su refused or absent, configuration refused): the
    # service has no reason to stay in the foreground.
    :done
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->service:Landroid/app/Service;
    invoke-virtual {v1}, Landroid/app/Service;->stopSelf()V
    return-void

    :stop
    # The interrupt that got us here must not also cut the su call that kills the probe.
    invoke-static {}, Ljava/lang/Thread;->interrupted()Z
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    invoke-virtual {v1}, Lorg/miniprobe/wrapper/Supervisor;->onStop()I
    move-result v1
    const/4 v2, 0x4
    if-ne v1, v2, :stopped
    invoke-direct {p0}, Lorg/miniprobe/wrapper/RootRunner;->stopProbe()V
    :stopped
    invoke-direct {p0}, Lorg/miniprobe/wrapper/RootRunner;->publish()V
    return-void
.end method

# Runs `su -c "id -u"`: the root manager may prompt the user here. Returns a verdict.
.method private checkSu()I
    .registers 7
    const/4 v1, -0x1
    const/4 v2, 0x0
    :try_start
    const/4 v3, 0x3
    new-array v3, v3, [Ljava/lang/String;
    const/4 v4, 0x0
    const-string v5, "su"
    aput-object v5, v3, v4
    const/4 v4, 0x1
    const-string v5, "-c"
    aput-object v5, v3, v4
    const/4 v4, 0x2
    const-string v5, "id -u"
    aput-object v5, v3, v4
    invoke-static {}, Ljava/lang/Runtime;->getRuntime()Ljava/lang/Runtime;
    move-result-object v4
    invoke-virtual {v4, v3}, Ljava/lang/Runtime;->exec([Ljava/lang/String;)Ljava/lang/Process;
    move-result-object v0
    iput-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->suCheck:Ljava/lang/Process;
    invoke-virtual {v0}, Ljava/lang/Process;->getOutputStream()Ljava/io/OutputStream;
    move-result-object v3
    invoke-virtual {v3}, Ljava/io/OutputStream;->close()V
    new-instance v3, Ljava/io/BufferedReader;
    new-instance v4, Ljava/io/InputStreamReader;
    invoke-virtual {v0}, Ljava/lang/Process;->getInputStream()Ljava/io/InputStream;
    move-result-object v5
    invoke-direct {v4, v5}, Ljava/io/InputStreamReader;-><init>(Ljava/io/InputStream;)V
    invoke-direct {v3, v4}, Ljava/io/BufferedReader;-><init>(Ljava/io/Reader;)V
    invoke-virtual {v3}, Ljava/io/BufferedReader;->readLine()Ljava/lang/String;
    move-result-object v2
    invoke-virtual {v0}, Ljava/lang/Process;->waitFor()I
    move-result v1
    :try_end
    .catch Ljava/io/IOException; {:try_start .. :try_end} :failed
    goto :verdict
    :failed
    move-exception v3
    const/4 v1, -0x1
    const/4 v2, 0x0
    new-instance v4, Ljava/lang/StringBuilder;
    invoke-direct {v4}, Ljava/lang/StringBuilder;-><init>()V
    const-string v5, "su: "
    invoke-virtual {v4, v5}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v4, v3}, Ljava/lang/StringBuilder;->append(Ljava/lang/Object;)Ljava/lang/StringBuilder;
    invoke-virtual {v4}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v4
    invoke-direct {p0, v4}, Lorg/miniprobe/wrapper/RootRunner;->log(Ljava/lang/String;)V
    :verdict
    const/4 v3, 0x0
    iput-object v3, p0, Lorg/miniprobe/wrapper/RootRunner;->suCheck:Ljava/lang/Process;
    invoke-static {v1, v2}, Lorg/miniprobe/wrapper/Supervisor;->suVerdict(ILjava/lang/String;)I
    move-result v0
    return v0
.end method

# Prepares the files, starts the probe through su and waits for it to end. Returns the
# Supervisor's next action. A failure to prepare or start counts as exit 127 after 0 ms.
.method private launchAndWait()I
    .registers 8
    const/16 v6, 0x7f
    const-wide/16 v2, 0x0
    :try_start
    invoke-direct {p0}, Lorg/miniprobe/wrapper/RootRunner;->prepare()V
    const-string v0, "run"
    invoke-direct {p0, v0}, Lorg/miniprobe/wrapper/RootRunner;->su(Ljava/lang/String;)Ljava/lang/Process;
    move-result-object v0
    iput-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->probe:Ljava/lang/Process;
    const-string v1, "probe started"
    invoke-direct {p0, v1}, Lorg/miniprobe/wrapper/RootRunner;->log(Ljava/lang/String;)V
    invoke-static {}, Landroid/os/SystemClock;->elapsedRealtime()J
    move-result-wide v2
    invoke-virtual {v0}, Ljava/lang/Process;->waitFor()I
    move-result v6
    invoke-static {}, Landroid/os/SystemClock;->elapsedRealtime()J
    move-result-wide v4
    sub-long v2, v4, v2
    :try_end
    .catch Ljava/lang/Exception; {:try_start .. :try_end} :failed
    goto :ended
    :failed
    move-exception v0
    # An interrupt is the stop request: the caller handles it (and kills the probe).
    instance-of v1, v0, Ljava/lang/InterruptedException;
    if-eqz v1, :other
    throw v0
    :other
    const/16 v6, 0x7f
    const-wide/16 v2, 0x0
    new-instance v1, Ljava/lang/StringBuilder;
    invoke-direct {v1}, Ljava/lang/StringBuilder;-><init>()V
    const-string v4, "could not start the probe: "
    invoke-virtual {v1, v4}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1, v0}, Ljava/lang/StringBuilder;->append(Ljava/lang/Object;)Ljava/lang/StringBuilder;
    invoke-virtual {v1}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v1
    invoke-direct {p0, v1}, Lorg/miniprobe/wrapper/RootRunner;->log(Ljava/lang/String;)V
    :ended
    const/4 v0, 0x0
    iput-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->probe:Ljava/lang/Process;
    new-instance v1, Ljava/lang/StringBuilder;
    invoke-direct {v1}, Ljava/lang/StringBuilder;-><init>()V
    const-string v4, "probe ended with code "
    invoke-virtual {v1, v4}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1, v6}, Ljava/lang/StringBuilder;->append(I)Ljava/lang/StringBuilder;
    const-string v4, " after "
    invoke-virtual {v1, v4}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1, v2, v3}, Ljava/lang/StringBuilder;->append(J)Ljava/lang/StringBuilder;
    const-string v4, " ms"
    invoke-virtual {v1, v4}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v1
    invoke-direct {p0, v1}, Lorg/miniprobe/wrapper/RootRunner;->log(Ljava/lang/String;)V
    iget-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    invoke-virtual {v0, v6, v2, v3}, Lorg/miniprobe/wrapper/Supervisor;->onExit(IJ)I
    move-result v0
    return v0
.end method

# su -c "sh FILES/bin/probe.sh VERB FILES"; stdin closed at once.
.method private su(Ljava/lang/String;)Ljava/lang/Process;
    .registers 7
    const/4 v0, 0x3
    new-array v0, v0, [Ljava/lang/String;
    const/4 v1, 0x0
    const-string v2, "su"
    aput-object v2, v0, v1
    const/4 v1, 0x1
    const-string v2, "-c"
    aput-object v2, v0, v1
    iget-object v2, p0, Lorg/miniprobe/wrapper/RootRunner;->dir:Ljava/io/File;
    invoke-virtual {v2}, Ljava/io/File;->getPath()Ljava/lang/String;
    move-result-object v2
    invoke-static {p1, v2}, Lorg/miniprobe/wrapper/Supervisor;->suCommand(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v2
    const/4 v1, 0x2
    aput-object v2, v0, v1
    invoke-static {}, Ljava/lang/Runtime;->getRuntime()Ljava/lang/Runtime;
    move-result-object v1
    invoke-virtual {v1, v0}, Ljava/lang/Runtime;->exec([Ljava/lang/String;)Ljava/lang/Process;
    move-result-object v0
    invoke-virtual {v0}, Ljava/lang/Process;->getOutputStream()Ljava/io/OutputStream;
    move-result-object v1
    invoke-virtual {v1}, Ljava/io/OutputStream;->close()V
    return-object v0
.end method

# probe.sh stop: SIGTERM to the probe (it exits by itself), SIGKILL after 5 s.
.method private stopProbe()V
    .registers 4
    :try_start
    const-string v0, "stop"
    invoke-direct {p0, v0}, Lorg/miniprobe/wrapper/RootRunner;->su(Ljava/lang/String;)Ljava/lang/Process;
    move-result-object v0
    invoke-virtual {v0}, Ljava/lang/Process;->waitFor()I
    :try_end
    .catch Ljava/lang/Exception; {:try_start .. :try_end} :failed
    goto :client
    :failed
    move-exception v0
    new-instance v1, Ljava/lang/StringBuilder;
    invoke-direct {v1}, Ljava/lang/StringBuilder;-><init>()V
    const-string v2, "stopping the probe: "
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1, v0}, Ljava/lang/StringBuilder;->append(Ljava/lang/Object;)Ljava/lang/StringBuilder;
    invoke-virtual {v1}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v1
    invoke-direct {p0, v1}, Lorg/miniprobe/wrapper/RootRunner;->log(Ljava/lang/String;)V
    :client
    iget-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->probe:Ljava/lang/Process;
    if-eqz v0, :done
    invoke-virtual {v0}, Ljava/lang/Process;->destroy()V
    :done
    return-void
.end method

# FILES/bin/{miniprobe.js and its chunks,probe.sh,qjs} fresh from the APK (an update
# replaces them), and FILES/config.json from the settings.
.method private prepare()V
    .registers 9
    new-instance v0, Ljava/io/File;
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->dir:Ljava/io/File;
    const-string v2, "bin"
    invoke-direct {v0, v1, v2}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-virtual {v0}, Ljava/io/File;->mkdirs()Z
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->service:Landroid/app/Service;
    invoke-virtual {v1}, Landroid/app/Service;->getAssets()Landroid/content/res/AssetManager;
    move-result-object v1

    # Every file of assets/js: v5 the names, v6 the index, v7 the count.
    const-string v2, "js"
    invoke-virtual {v1, v2}, Landroid/content/res/AssetManager;->list(Ljava/lang/String;)[Ljava/lang/String;
    move-result-object v5
    array-length v7, v5
    const/4 v6, 0x0
    :js_next
    if-ge v6, v7, :js_done
    aget-object v2, v5, v6
    new-instance v3, Ljava/lang/StringBuilder;
    invoke-direct {v3}, Ljava/lang/StringBuilder;-><init>()V
    const-string v4, "js/"
    invoke-virtual {v3, v4}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v3, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v3}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v3
    invoke-virtual {v1, v3}, Landroid/content/res/AssetManager;->open(Ljava/lang/String;)Ljava/io/InputStream;
    move-result-object v3
    new-instance v4, Ljava/io/File;
    invoke-direct {v4, v0, v2}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-static {v3, v4}, Lorg/miniprobe/wrapper/RootRunner;->copy(Ljava/io/InputStream;Ljava/io/File;)V
    add-int/lit8 v6, v6, 0x1
    goto :js_next
    :js_done

    const-string v2, "probe.sh"
    invoke-virtual {v1, v2}, Landroid/content/res/AssetManager;->open(Ljava/lang/String;)Ljava/io/InputStream;
    move-result-object v3
    new-instance v4, Ljava/io/File;
    invoke-direct {v4, v0, v2}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-static {v3, v4}, Lorg/miniprobe/wrapper/RootRunner;->copy(Ljava/io/InputStream;Ljava/io/File;)V

    # The installer unpacked lib/<abi>/libqjs.so for this phone's CPU.
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->service:Landroid/app/Service;
    invoke-virtual {v1}, Landroid/app/Service;->getApplicationInfo()Landroid/content/pm/ApplicationInfo;
    move-result-object v1
    iget-object v1, v1, Landroid/content/pm/ApplicationInfo;->nativeLibraryDir:Ljava/lang/String;
    new-instance v2, Ljava/io/File;
    const-string v3, "libqjs.so"
    invoke-direct {v2, v1, v3}, Ljava/io/File;-><init>(Ljava/lang/String;Ljava/lang/String;)V
    new-instance v3, Ljava/io/FileInputStream;
    invoke-direct {v3, v2}, Ljava/io/FileInputStream;-><init>(Ljava/io/File;)V
    new-instance v4, Ljava/io/File;
    const-string v2, "qjs"
    invoke-direct {v4, v0, v2}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-static {v3, v4}, Lorg/miniprobe/wrapper/RootRunner;->copy(Ljava/io/InputStream;Ljava/io/File;)V
    const/4 v2, 0x1
    const/4 v3, 0x0
    invoke-virtual {v4, v2, v3}, Ljava/io/File;->setExecutable(ZZ)Z

    invoke-direct {p0}, Lorg/miniprobe/wrapper/RootRunner;->writeConfig()V
    return-void
.end method

# Copies through DST.tmp and a rename: the old qjs may still be running (ETXTBSY on
# open for writing), and a half-written file never carries the final name.
.method private static copy(Ljava/io/InputStream;Ljava/io/File;)V
    .registers 8
    new-instance v0, Ljava/io/File;
    new-instance v1, Ljava/lang/StringBuilder;
    invoke-direct {v1}, Ljava/lang/StringBuilder;-><init>()V
    invoke-virtual {p1}, Ljava/io/File;->getPath()Ljava/lang/String;
    move-result-object v2
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    const-string v2, ".tmp"
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v1
    invoke-direct {v0, v1}, Ljava/io/File;-><init>(Ljava/lang/String;)V
    new-instance v1, Ljava/io/FileOutputStream;
    invoke-direct {v1, v0}, Ljava/io/FileOutputStream;-><init>(Ljava/io/File;)V
    const/high16 v2, 0x10000
    new-array v2, v2, [B
    :more
    invoke-virtual {p0, v2}, Ljava/io/InputStream;->read([B)I
    move-result v3
    if-ltz v3, :eof
    const/4 v4, 0x0
    invoke-virtual {v1, v2, v4, v3}, Ljava/io/FileOutputStream;->write([BII)V
    goto :more
    :eof
    invoke-virtual {v1}, Ljava/io/FileOutputStream;->close()V
    invoke-virtual {p0}, Ljava/io/InputStream;->close()V
    invoke-virtual {v0, p1}, Ljava/io/File;->renameTo(Ljava/io/File;)Z
    move-result v3
    if-nez v3, :ok
    new-instance v3, Ljava/io/IOException;
    const-string v4, "rename failed"
    invoke-direct {v3, v4}, Ljava/io/IOException;-><init>(Ljava/lang/String;)V
    throw v3
    :ok
    return-void
.end method

# config.json keeps every key it already has (username, password, ... written by hand
# with adb) and takes broker and probeId from the settings screen, queueDir FILES/queue.
.method private writeConfig()V
    .registers 8
    new-instance v0, Ljava/io/File;
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->dir:Ljava/io/File;
    const-string v2, "config.json"
    invoke-direct {v0, v1, v2}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    :read_start
    new-instance v1, Ljava/util/Scanner;
    invoke-direct {v1, v0}, Ljava/util/Scanner;-><init>(Ljava/io/File;)V
    const-string v2, "\\A"
    invoke-virtual {v1, v2}, Ljava/util/Scanner;->useDelimiter(Ljava/lang/String;)Ljava/util/Scanner;
    invoke-virtual {v1}, Ljava/util/Scanner;->next()Ljava/lang/String;
    move-result-object v2
    invoke-virtual {v1}, Ljava/util/Scanner;->close()V
    new-instance v1, Lorg/json/JSONObject;
    invoke-direct {v1, v2}, Lorg/json/JSONObject;-><init>(Ljava/lang/String;)V
    :read_end
    .catch Ljava/lang/Exception; {:read_start .. :read_end} :fresh
    goto :fill
    :fresh
    new-instance v1, Lorg/json/JSONObject;
    invoke-direct {v1}, Lorg/json/JSONObject;-><init>()V
    :fill
    iget-object v2, p0, Lorg/miniprobe/wrapper/RootRunner;->service:Landroid/app/Service;
    const-string v3, "miniprobe"
    const/4 v4, 0x0
    invoke-virtual {v2, v3, v4}, Landroid/app/Service;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;
    move-result-object v2
    const-string v3, "broker"
    invoke-static {v1, v2, v3, v3}, Lorg/miniprobe/wrapper/RootRunner;->putSetting(Lorg/json/JSONObject;Landroid/content/SharedPreferences;Ljava/lang/String;Ljava/lang/String;)V
    const-string v3, "probeId"
    invoke-static {v1, v2, v3, v3}, Lorg/miniprobe/wrapper/RootRunner;->putSetting(Lorg/json/JSONObject;Landroid/content/SharedPreferences;Ljava/lang/String;Ljava/lang/String;)V
    new-instance v2, Ljava/io/File;
    iget-object v3, p0, Lorg/miniprobe/wrapper/RootRunner;->dir:Ljava/io/File;
    const-string v4, "queue"
    invoke-direct {v2, v3, v4}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-virtual {v2}, Ljava/io/File;->getPath()Ljava/lang/String;
    move-result-object v2
    const-string v3, "queueDir"
    invoke-virtual {v1, v3, v2}, Lorg/json/JSONObject;->put(Ljava/lang/String;Ljava/lang/Object;)Lorg/json/JSONObject;
    const/4 v2, 0x2
    invoke-virtual {v1, v2}, Lorg/json/JSONObject;->toString(I)Ljava/lang/String;
    move-result-object v2
    new-instance v3, Ljava/io/FileWriter;
    invoke-direct {v3, v0}, Ljava/io/FileWriter;-><init>(Ljava/io/File;)V
    invoke-virtual {v3, v2}, Ljava/io/FileWriter;->write(Ljava/lang/String;)V
    const-string v2, "\n"
    invoke-virtual {v3, v2}, Ljava/io/FileWriter;->write(Ljava/lang/String;)V
    invoke-virtual {v3}, Ljava/io/FileWriter;->close()V
    return-void
.end method

# json[key] = prefs[pref] when the setting is non-empty.
.method private static putSetting(Lorg/json/JSONObject;Landroid/content/SharedPreferences;Ljava/lang/String;Ljava/lang/String;)V
    .registers 6
    const-string v0, ""
    invoke-interface {p1, p3, v0}, Landroid/content/SharedPreferences;->getString(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v0
    if-eqz v0, :skip
    invoke-virtual {v0}, Ljava/lang/String;->trim()Ljava/lang/String;
    move-result-object v0
    invoke-virtual {v0}, Ljava/lang/String;->length()I
    move-result v1
    if-eqz v1, :skip
    invoke-virtual {p0, p2, v0}, Lorg/json/JSONObject;->put(Ljava/lang/String;Ljava/lang/Object;)Lorg/json/JSONObject;
    :skip
    return-void
.end method

# The status line for the screen (FILES/status) and the log.
.method private publish()V
    .registers 6
    iget-object v0, p0, Lorg/miniprobe/wrapper/RootRunner;->sup:Lorg/miniprobe/wrapper/Supervisor;
    invoke-virtual {v0}, Lorg/miniprobe/wrapper/Supervisor;->statusText()Ljava/lang/String;
    move-result-object v0
    :try_start
    new-instance v1, Ljava/io/FileWriter;
    new-instance v2, Ljava/io/File;
    iget-object v3, p0, Lorg/miniprobe/wrapper/RootRunner;->dir:Ljava/io/File;
    const-string v4, "status"
    invoke-direct {v2, v3, v4}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-direct {v1, v2}, Ljava/io/FileWriter;-><init>(Ljava/io/File;)V
    invoke-virtual {v1, v0}, Ljava/io/FileWriter;->write(Ljava/lang/String;)V
    invoke-virtual {v1}, Ljava/io/FileWriter;->close()V
    :try_end
    .catch Ljava/io/IOException; {:try_start .. :try_end} :logged
    :logged
    invoke-direct {p0, v0}, Lorg/miniprobe/wrapper/RootRunner;->log(Ljava/lang/String;)V
    return-void
.end method

# Appends "DATE message" to FILES/runner.log; past 256 KB it becomes runner.log.1.
.method private log(Ljava/lang/String;)V
    .registers 8
    :try_start
    new-instance v0, Ljava/io/File;
    iget-object v1, p0, Lorg/miniprobe/wrapper/RootRunner;->dir:Ljava/io/File;
    const-string v2, "runner.log"
    invoke-direct {v0, v1, v2}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-virtual {v0}, Ljava/io/File;->length()J
    move-result-wide v2
    const-wide/32 v4, 0x40000
    cmp-long v2, v2, v4
    if-lez v2, :append
    new-instance v2, Ljava/io/File;
    const-string v3, "runner.log.1"
    invoke-direct {v2, v1, v3}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    invoke-virtual {v0, v2}, Ljava/io/File;->renameTo(Ljava/io/File;)Z
    :append
    new-instance v1, Ljava/io/FileWriter;
    const/4 v2, 0x1
    invoke-direct {v1, v0, v2}, Ljava/io/FileWriter;-><init>(Ljava/io/File;Z)V
    new-instance v2, Ljava/util/Date;
    invoke-direct {v2}, Ljava/util/Date;-><init>()V
    invoke-virtual {v2}, Ljava/util/Date;->toString()Ljava/lang/String;
    move-result-object v2
    invoke-virtual {v1, v2}, Ljava/io/FileWriter;->write(Ljava/lang/String;)V
    const-string v2, " "
    invoke-virtual {v1, v2}, Ljava/io/FileWriter;->write(Ljava/lang/String;)V
    invoke-virtual {v1, p1}, Ljava/io/FileWriter;->write(Ljava/lang/String;)V
    const-string v2, "\n"
    invoke-virtual {v1, v2}, Ljava/io/FileWriter;->write(Ljava/lang/String;)V
    invoke-virtual {v1}, Ljava/io/FileWriter;->close()V
    :try_end
    .catch Ljava/io/IOException; {:try_start .. :try_end} :ignored
    :ignored
    return-void
.end method
