# BOOT_COMPLETED: start the service again if the user left the probe enabled
# (Supervisor.onBoot decides, the same code the JVM tests check).

.class public Lorg/miniprobe/wrapper/BootReceiver;
.super Landroid/content/BroadcastReceiver;


.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/content/BroadcastReceiver;-><init>()V
    return-void
.end method

.method public onReceive(Landroid/content/Context;Landroid/content/Intent;)V
    .registers 6
    const-string v0, "android.intent.action.BOOT_COMPLETED"
    invoke-virtual {p2}, Landroid/content/Intent;->getAction()Ljava/lang/String;
    move-result-object v1
    invoke-virtual {v0, v1}, Ljava/lang/String;->equals(Ljava/lang/Object;)Z
    move-result v0
    if-eqz v0, :done
    const-string v0, "miniprobe"
    const/4 v1, 0x0
    invoke-virtual {p1, v0, v1}, Landroid/content/Context;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;
    move-result-object v0
    const-string v1, "enabled"
    const/4 v2, 0x0
    invoke-interface {v0, v1, v2}, Landroid/content/SharedPreferences;->getBoolean(Ljava/lang/String;Z)Z
    move-result v0
    new-instance v1, Lorg/miniprobe/wrapper/Supervisor;
    invoke-direct {v1}, Lorg/miniprobe/wrapper/Supervisor;-><init>()V
    invoke-virtual {v1, v0}, Lorg/miniprobe/wrapper/Supervisor;->onBoot(Z)I
    move-result v0
    if-eqz v0, :done
    invoke-static {p1}, Lorg/miniprobe/wrapper/ProbeService;->start(Landroid/content/Context;)V
    :done
    return-void
.end method
