# The foreground service that keeps the root runner alive: Android kills background
# apps, not a service with an ongoing notification. START_STICKY: when Android kills
# the app anyway, it recreates the service, whose new runner stops the old probe
# (probe.sh finds it by its pid file) before starting another.

.class public Lorg/miniprobe/wrapper/ProbeService;
.super Landroid/app/Service;

.field private runner:Lorg/miniprobe/wrapper/RootRunner;


.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Service;-><init>()V
    return-void
.end method

# Starts the service from an Activity or the boot receiver (API 26+ needs
# startForegroundService from the background).
.method public static start(Landroid/content/Context;)V
    .registers 4
    new-instance v0, Landroid/content/Intent;
    const-class v1, Lorg/miniprobe/wrapper/ProbeService;
    invoke-direct {v0, p0, v1}, Landroid/content/Intent;-><init>(Landroid/content/Context;Ljava/lang/Class;)V
    sget v1, Landroid/os/Build$VERSION;->SDK_INT:I
    const/16 v2, 0x1a
    if-lt v1, v2, :old
    invoke-virtual {p0, v0}, Landroid/content/Context;->startForegroundService(Landroid/content/Intent;)Landroid/content/ComponentName;
    return-void
    :old
    invoke-virtual {p0, v0}, Landroid/content/Context;->startService(Landroid/content/Intent;)Landroid/content/ComponentName;
    return-void
.end method

.method public static stop(Landroid/content/Context;)V
    .registers 3
    new-instance v0, Landroid/content/Intent;
    const-class v1, Lorg/miniprobe/wrapper/ProbeService;
    invoke-direct {v0, p0, v1}, Landroid/content/Intent;-><init>(Landroid/content/Context;Ljava/lang/Class;)V
    invoke-virtual {p0, v0}, Landroid/content/Context;->stopService(Landroid/content/Intent;)Z
    return-void
.end method

.method public onStartCommand(Landroid/content/Intent;II)I
    .registers 6
    invoke-direct {p0}, Lorg/miniprobe/wrapper/ProbeService;->notification()Landroid/app/Notification;
    move-result-object v0
    const/4 v1, 0x1
    invoke-virtual {p0, v1, v0}, Lorg/miniprobe/wrapper/ProbeService;->startForeground(ILandroid/app/Notification;)V
    iget-object v0, p0, Lorg/miniprobe/wrapper/ProbeService;->runner:Lorg/miniprobe/wrapper/RootRunner;
    if-eqz v0, :fresh
    invoke-virtual {v0}, Lorg/miniprobe/wrapper/RootRunner;->isAlive()Z
    move-result v1
    if-nez v1, :keep
    :fresh
    new-instance v0, Lorg/miniprobe/wrapper/RootRunner;
    invoke-direct {v0, p0}, Lorg/miniprobe/wrapper/RootRunner;-><init>(Landroid/app/Service;)V
    iput-object v0, p0, Lorg/miniprobe/wrapper/ProbeService;->runner:Lorg/miniprobe/wrapper/RootRunner;
    invoke-virtual {v0}, Lorg/miniprobe/wrapper/RootRunner;->start()V
    :keep
    const/4 v0, 0x1
    return v0
.end method

.method public onDestroy()V
    .registers 2
    iget-object v0, p0, Lorg/miniprobe/wrapper/ProbeService;->runner:Lorg/miniprobe/wrapper/RootRunner;
    if-eqz v0, :gone
    invoke-virtual {v0}, Lorg/miniprobe/wrapper/RootRunner;->requestStop()V
    const/4 v0, 0x0
    iput-object v0, p0, Lorg/miniprobe/wrapper/ProbeService;->runner:Lorg/miniprobe/wrapper/RootRunner;
    :gone
    invoke-super {p0}, Landroid/app/Service;->onDestroy()V
    return-void
.end method

.method public onBind(Landroid/content/Intent;)Landroid/os/IBinder;
    .registers 3
    const/4 v0, 0x0
    return-object v0
.end method

# The ongoing notification (a channel first on API 26+). Its icon is the app's icon,
# a shape drawable (res/drawable/ic_probe.xml).
.method private notification()Landroid/app/Notification;
    .registers 6
    sget v0, Landroid/os/Build$VERSION;->SDK_INT:I
    const/16 v1, 0x1a
    if-lt v0, v1, :old
    const-string v0, "notification"
    invoke-virtual {p0, v0}, Lorg/miniprobe/wrapper/ProbeService;->getSystemService(Ljava/lang/String;)Ljava/lang/Object;
    move-result-object v0
    check-cast v0, Landroid/app/NotificationManager;
    new-instance v1, Landroid/app/NotificationChannel;
    const-string v2, "miniprobe"
    const-string v3, "Miniprobe"
    const/4 v4, 0x2
    invoke-direct {v1, v2, v3, v4}, Landroid/app/NotificationChannel;-><init>(Ljava/lang/String;Ljava/lang/CharSequence;I)V
    invoke-virtual {v0, v1}, Landroid/app/NotificationManager;->createNotificationChannel(Landroid/app/NotificationChannel;)V
    new-instance v0, Landroid/app/Notification$Builder;
    invoke-direct {v0, p0, v2}, Landroid/app/Notification$Builder;-><init>(Landroid/content/Context;Ljava/lang/String;)V
    goto :fill
    :old
    new-instance v0, Landroid/app/Notification$Builder;
    invoke-direct {v0, p0}, Landroid/app/Notification$Builder;-><init>(Landroid/content/Context;)V
    :fill
    const-string v1, "Miniprobe"
    invoke-virtual {v0, v1}, Landroid/app/Notification$Builder;->setContentTitle(Ljava/lang/CharSequence;)Landroid/app/Notification$Builder;
    const-string v1, "measurement probe supervised as root"
    invoke-virtual {v0, v1}, Landroid/app/Notification$Builder;->setContentText(Ljava/lang/CharSequence;)Landroid/app/Notification$Builder;
    invoke-virtual {p0}, Lorg/miniprobe/wrapper/ProbeService;->getApplicationInfo()Landroid/content/pm/ApplicationInfo;
    move-result-object v1
    iget v1, v1, Landroid/content/pm/ApplicationInfo;->icon:I
    invoke-virtual {v0, v1}, Landroid/app/Notification$Builder;->setSmallIcon(I)Landroid/app/Notification$Builder;
    const/4 v1, 0x1
    invoke-virtual {v0, v1}, Landroid/app/Notification$Builder;->setOngoing(Z)Landroid/app/Notification$Builder;
    invoke-virtual {v0}, Landroid/app/Notification$Builder;->build()Landroid/app/Notification;
    move-result-object v0
    return-object v0
.end method
