# The root runner's decisions, with no Android dependency: what to do when the user
# starts or stops the probe, when su answers, when the probe dies, when a restart delay
# ends, and after a reboot. RootRunner (the Android side) performs the actions it returns
# and calls it from its one thread only.
#
# This file is the only source of that logic. tests/android/wrapper-logic.test.ts turns
# the classes.dex inside the built APK back into JVM bytecode (enjarify) and runs
# android/test/SupervisorCheck.java against it, so the JVM tests exercise exactly the
# bytecode the phone runs.
#
# In Java terms:
#   int onStart()            user pressed Start, or the service (re)started
#   int onBoot(boolean was)  BOOT_COMPLETED: start again only if the user left it enabled
#   int onSuResult(int v)    verdict of `su -c "id -u"` (suVerdict)
#   int onExit(int code, long ranMs)   the probe process ended
#   int onTimer()            the restart delay is over
#   int onStop()             user pressed Stop or Android destroys the service
# Each returns the next action: NOTHING, CHECK_SU, LAUNCH, SCHEDULE (sleep delayMs()
# then onTimer) or KILL (stop the running probe).

.class public final Lorg/miniprobe/wrapper/Supervisor;
.super Ljava/lang/Object;

# actions
.field public static final NOTHING:I = 0x0
.field public static final CHECK_SU:I = 0x1
.field public static final LAUNCH:I = 0x2
.field public static final SCHEDULE:I = 0x3
.field public static final KILL:I = 0x4

# states
.field public static final STOPPED:I = 0x0
.field public static final CHECKING:I = 0x1
.field public static final RUNNING:I = 0x2
.field public static final WAITING:I = 0x3
.field public static final SU_REFUSED:I = 0x4
.field public static final NO_SU:I = 0x5
.field public static final CONFIG_ERROR:I = 0x6

# su verdicts
.field public static final SU_OK:I = 0x0
.field public static final SU_DENIED:I = 0x1
.field public static final SU_ABSENT:I = 0x2

# Restart delays double from 2 s up to 5 min; a run of at least a minute counts as
# healthy and starts the doubling again, so a probe that dies once a day restarts fast
# while one that dies at start does not spin (or ask su) more than every 5 minutes.
.field public static final BASE_DELAY_MS:J = 0x7d0L
.field public static final MAX_DELAY_MS:J = 0x493e0L
.field public static final HEALTHY_MS:J = 0xea60L

.field private state:I
.field private failures:I
.field private delayMs:J
.field private lastExit:I
.field private enabled:Z


.method public constructor <init>()V
    .registers 2
    invoke-direct {p0}, Ljava/lang/Object;-><init>()V
    const/4 v0, -0x1
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->lastExit:I
    return-void
.end method

.method public state()I
    .registers 2
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    return v0
.end method

.method public failures()I
    .registers 2
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->failures:I
    return v0
.end method

.method public lastExit()I
    .registers 2
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->lastExit:I
    return v0
.end method

.method public delayMs()J
    .registers 3
    iget-wide v0, p0, Lorg/miniprobe/wrapper/Supervisor;->delayMs:J
    return-wide v0
.end method

.method public enabled()Z
    .registers 2
    iget-boolean v0, p0, Lorg/miniprobe/wrapper/Supervisor;->enabled:Z
    return v0
.end method

# Start unless already supervising (a second Start must not launch a second probe).
.method public onStart()I
    .registers 3
    const/4 v0, 0x1
    iput-boolean v0, p0, Lorg/miniprobe/wrapper/Supervisor;->enabled:Z
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    const/4 v1, 0x1
    if-eq v0, v1, :busy
    const/4 v1, 0x2
    if-eq v0, v1, :busy
    const/4 v1, 0x3
    if-eq v0, v1, :busy
    const/4 v0, 0x0
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->failures:I
    const/4 v0, 0x1
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    return v0
    :busy
    const/4 v0, 0x0
    return v0
.end method

# After a reboot nothing of the last run is known but the user's choice: a fresh
# Supervisor starts only if the user had left the probe enabled.
.method public onBoot(Z)I
    .registers 3
    if-nez p1, :go
    const/4 v0, 0x0
    return v0
    :go
    invoke-virtual {p0}, Lorg/miniprobe/wrapper/Supervisor;->onStart()I
    move-result v0
    return v0
.end method

# A refused or absent su ends supervision (asking again in a loop would keep popping
# the root manager's prompt); the user's next Start, or the next boot, asks again.
.method public onSuResult(I)I
    .registers 4
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    const/4 v1, 0x1
    if-eq v0, v1, :checking
    const/4 v0, 0x0
    return v0
    :checking
    if-nez p1, :refused
    const/4 v0, 0x2
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    return v0
    :refused
    const/4 v1, 0x2
    if-ne p1, v1, :denied
    const/4 v0, 0x5
    goto :set
    :denied
    const/4 v0, 0x4
    :set
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    const/4 v0, 0x0
    return v0
.end method

# Exit 64 (usage) or 78 (configuration) means the probe refused its configuration:
# restarting cannot help. Any other end is a death to restart after a delay.
.method public onExit(IJ)I
    .registers 8
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    const/4 v1, 0x2
    if-eq v0, v1, :running
    const/4 v0, 0x0
    return v0
    :running
    iput p1, p0, Lorg/miniprobe/wrapper/Supervisor;->lastExit:I
    const/16 v1, 0x40
    if-eq p1, v1, :config
    const/16 v1, 0x4e
    if-eq p1, v1, :config
    const-wide/32 v0, 0xea60
    cmp-long v0, p2, v0
    if-ltz v0, :short
    const/4 v0, 0x0
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->failures:I
    :short
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->failures:I
    add-int/lit8 v0, v0, 0x1
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->failures:I
    invoke-static {v0}, Lorg/miniprobe/wrapper/Supervisor;->backoffMs(I)J
    move-result-wide v0
    iput-wide v0, p0, Lorg/miniprobe/wrapper/Supervisor;->delayMs:J
    const/4 v0, 0x3
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    return v0
    :config
    const/4 v0, 0x6
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    const/4 v0, 0x0
    return v0
.end method

.method public onTimer()I
    .registers 3
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    const/4 v1, 0x3
    if-eq v0, v1, :due
    const/4 v0, 0x0
    return v0
    :due
    const/4 v0, 0x1
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    return v0
.end method

# Only a running probe needs killing; an exit reported after this is ignored.
.method public onStop()I
    .registers 3
    const/4 v0, 0x0
    iput-boolean v0, p0, Lorg/miniprobe/wrapper/Supervisor;->enabled:Z
    iget v1, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    iput v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    const/4 v0, 0x2
    if-ne v1, v0, :quiet
    const/4 v0, 0x4
    return v0
    :quiet
    const/4 v0, 0x0
    return v0
.end method

# Delay before restart number n (1-based): 2 s * 2^(n-1), at most 5 min.
.method public static backoffMs(I)J
    .registers 6
    const/4 v0, 0x1
    if-gt p0, v0, :grow
    const-wide/16 v0, 0x7d0
    return-wide v0
    :grow
    const/16 v0, 0x10
    if-le p0, v0, :shift
    const-wide/32 v0, 0x493e0
    return-wide v0
    :shift
    add-int/lit8 v2, p0, -0x1
    const-wide/16 v0, 0x7d0
    shl-long v0, v0, v2
    const-wide/32 v2, 0x493e0
    cmp-long v4, v0, v2
    if-lez v4, :ok
    move-wide v0, v2
    :ok
    return-wide v0
.end method

# The verdict on `su -c "id -u"`: exit code (-1 when su could not be started) and the
# first line it printed. Only uid 0 is root: a su that runs the command as someone else
# (or a root manager that denies and prints nothing) is a refusal.
.method public static suVerdict(ILjava/lang/String;)I
    .registers 4
    const/4 v0, -0x1
    if-ne p0, v0, :ran
    const/4 v0, 0x2
    return v0
    :ran
    if-nez p0, :denied
    if-eqz p1, :denied
    invoke-virtual {p1}, Ljava/lang/String;->trim()Ljava/lang/String;
    move-result-object v0
    const-string v1, "0"
    invoke-virtual {v1, v0}, Ljava/lang/String;->equals(Ljava/lang/Object;)Z
    move-result v0
    if-eqz v0, :denied
    const/4 v0, 0x0
    return v0
    :denied
    const/4 v0, 0x1
    return v0
.end method

# True when s is non-empty and only [A-Za-z0-9/._-]: such a word means the same to
# every shell, so it can go into su's command line unquoted.
.method public static isSafeWord(Ljava/lang/String;)Z
    .registers 5
    if-eqz p0, :no
    invoke-virtual {p0}, Ljava/lang/String;->length()I
    move-result v0
    if-eqz v0, :no
    const/4 v1, 0x0
    :next
    if-ge v1, v0, :yes
    invoke-virtual {p0, v1}, Ljava/lang/String;->charAt(I)C
    move-result v2
    const/16 v3, 0x61
    if-lt v2, v3, :upper
    const/16 v3, 0x7a
    if-le v2, v3, :ok
    :upper
    const/16 v3, 0x41
    if-lt v2, v3, :digit
    const/16 v3, 0x5a
    if-le v2, v3, :ok
    :digit
    const/16 v3, 0x30
    if-lt v2, v3, :punct
    const/16 v3, 0x39
    if-le v2, v3, :ok
    :punct
    const/16 v3, 0x2f
    if-eq v2, v3, :ok
    const/16 v3, 0x2e
    if-eq v2, v3, :ok
    const/16 v3, 0x5f
    if-eq v2, v3, :ok
    const/16 v3, 0x2d
    if-eq v2, v3, :ok
    goto :no
    :ok
    add-int/lit8 v1, v1, 0x1
    goto :next
    :yes
    const/4 v0, 0x1
    return v0
    :no
    const/4 v0, 0x0
    return v0
.end method

# su takes one command line (a shell parses it): "sh DIR/bin/probe.sh VERB DIR". DIR is
# the app's files directory; anything but an absolute safe word is refused.
.method public static suCommand(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;
    .registers 6
    invoke-static {p0}, Lorg/miniprobe/wrapper/Supervisor;->isSafeWord(Ljava/lang/String;)Z
    move-result v0
    if-eqz v0, :bad
    invoke-static {p1}, Lorg/miniprobe/wrapper/Supervisor;->isSafeWord(Ljava/lang/String;)Z
    move-result v0
    if-eqz v0, :bad
    const-string v0, "/"
    invoke-virtual {p1, v0}, Ljava/lang/String;->startsWith(Ljava/lang/String;)Z
    move-result v0
    if-eqz v0, :bad
    new-instance v0, Ljava/lang/StringBuilder;
    invoke-direct {v0}, Ljava/lang/StringBuilder;-><init>()V
    const-string v1, "sh "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0, p1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    const-string v1, "/bin/probe.sh "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0, p0}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    const-string v1, " "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0, p1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v0
    return-object v0
    :bad
    new-instance v0, Ljava/lang/IllegalArgumentException;
    new-instance v1, Ljava/lang/StringBuilder;
    invoke-direct {v1}, Ljava/lang/StringBuilder;-><init>()V
    const-string v2, "su command: unsafe word in "
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1, p0}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    const-string v2, " "
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1, p1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v1
    invoke-direct {v0, v1}, Ljava/lang/IllegalArgumentException;-><init>(Ljava/lang/String;)V
    throw v0
.end method

# One line for the screen and the log.
.method public statusText()Ljava/lang/String;
    .registers 6
    iget v0, p0, Lorg/miniprobe/wrapper/Supervisor;->state:I
    packed-switch v0, :states
    const-string v0, "unknown"
    return-object v0
    :stopped
    const-string v0, "stopped"
    return-object v0
    :checking
    const-string v0, "asking su for root"
    return-object v0
    :running
    const-string v0, "running"
    return-object v0
    :refused
    const-string v0, "su refused: grant root to Miniprobe in the root manager, then press Start"
    return-object v0
    :nosu
    const-string v0, "su not found: the phone is not rooted"
    return-object v0
    :waiting
    new-instance v0, Ljava/lang/StringBuilder;
    invoke-direct {v0}, Ljava/lang/StringBuilder;-><init>()V
    const-string v1, "probe exited with code "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    iget v1, p0, Lorg/miniprobe/wrapper/Supervisor;->lastExit:I
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(I)Ljava/lang/StringBuilder;
    const-string v1, ", restarting in "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    iget-wide v1, p0, Lorg/miniprobe/wrapper/Supervisor;->delayMs:J
    const-wide/16 v3, 0x3e8
    div-long v1, v1, v3
    invoke-virtual {v0, v1, v2}, Ljava/lang/StringBuilder;->append(J)Ljava/lang/StringBuilder;
    const-string v1, " s (restart "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    iget v1, p0, Lorg/miniprobe/wrapper/Supervisor;->failures:I
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(I)Ljava/lang/StringBuilder;
    const-string v1, ")"
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v0
    return-object v0
    :config
    new-instance v0, Ljava/lang/StringBuilder;
    invoke-direct {v0}, Ljava/lang/StringBuilder;-><init>()V
    const-string v1, "probe refused its configuration (exit "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    iget v1, p0, Lorg/miniprobe/wrapper/Supervisor;->lastExit:I
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(I)Ljava/lang/StringBuilder;
    const-string v1, "): check broker and probe id, see probe.log"
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v0
    return-object v0

    :states
    .packed-switch 0x0
        :stopped
        :checking
        :running
        :waiting
        :refused
        :nosu
        :config
    .end packed-switch
.end method
