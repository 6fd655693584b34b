# The launcher screen, built in code (no layout resources): broker, probe id, Start,
# Stop, the runner's last status (FILES/status; tap it to refresh) and where the logs are.
# Start saves the settings with enabled=true and starts ProbeService; Stop saves
# enabled=false and stops it. BootReceiver reads the same "enabled".

.class public Lorg/miniprobe/wrapper/MainActivity;
.super Landroid/app/Activity;

.implements Landroid/view/View$OnClickListener;

.field private broker:Landroid/widget/EditText;
.field private probeId:Landroid/widget/EditText;
.field private startButton:Landroid/widget/Button;
.field private stopButton:Landroid/widget/Button;
.field private status:Landroid/widget/TextView;


.method public constructor <init>()V
    .registers 1
    invoke-direct {p0}, Landroid/app/Activity;-><init>()V
    return-void
.end method

.method private prefs()Landroid/content/SharedPreferences;
    .registers 3
    const-string v0, "miniprobe"
    const/4 v1, 0x0
    invoke-virtual {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->getSharedPreferences(Ljava/lang/String;I)Landroid/content/SharedPreferences;
    move-result-object v0
    return-object v0
.end method

.method private text(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/TextView;
    .registers 5
    new-instance v0, Landroid/widget/TextView;
    invoke-direct {v0, p0}, Landroid/widget/TextView;-><init>(Landroid/content/Context;)V
    invoke-virtual {v0, p2}, Landroid/widget/TextView;->setText(Ljava/lang/CharSequence;)V
    invoke-virtual {p1, v0}, Landroid/widget/LinearLayout;->addView(Landroid/view/View;)V
    return-object v0
.end method

# An input prefilled from the settings.
.method private edit(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/EditText;
    .registers 6
    new-instance v0, Landroid/widget/EditText;
    invoke-direct {v0, p0}, Landroid/widget/EditText;-><init>(Landroid/content/Context;)V
    invoke-direct {p0}, Lorg/miniprobe/wrapper/MainActivity;->prefs()Landroid/content/SharedPreferences;
    move-result-object v1
    const-string v2, ""
    invoke-interface {v1, p2, v2}, Landroid/content/SharedPreferences;->getString(Ljava/lang/String;Ljava/lang/String;)Ljava/lang/String;
    move-result-object v1
    invoke-virtual {v0, v1}, Landroid/widget/EditText;->setText(Ljava/lang/CharSequence;)V
    const/4 v1, 0x1
    invoke-virtual {v0, v1}, Landroid/widget/EditText;->setSingleLine(Z)V
    invoke-virtual {p1, v0}, Landroid/widget/LinearLayout;->addView(Landroid/view/View;)V
    return-object v0
.end method

.method private button(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/Button;
    .registers 5
    new-instance v0, Landroid/widget/Button;
    invoke-direct {v0, p0}, Landroid/widget/Button;-><init>(Landroid/content/Context;)V
    invoke-virtual {v0, p2}, Landroid/widget/Button;->setText(Ljava/lang/CharSequence;)V
    invoke-virtual {v0, p0}, Landroid/widget/Button;->setOnClickListener(Landroid/view/View$OnClickListener;)V
    invoke-virtual {p1, v0}, Landroid/widget/LinearLayout;->addView(Landroid/view/View;)V
    return-object v0
.end method

.method protected onCreate(Landroid/os/Bundle;)V
    .registers 6
    invoke-super {p0, p1}, Landroid/app/Activity;->onCreate(Landroid/os/Bundle;)V
    new-instance v0, Landroid/widget/LinearLayout;
    invoke-direct {v0, p0}, Landroid/widget/LinearLayout;-><init>(Landroid/content/Context;)V
    const/4 v1, 0x1
    invoke-virtual {v0, v1}, Landroid/widget/LinearLayout;->setOrientation(I)V
    const/16 v1, 0x20
    invoke-virtual {v0, v1, v1, v1, v1}, Landroid/widget/LinearLayout;->setPadding(IIII)V

    const-string v1, "Broker (mqtt://host:1883 or mqtts://host:8883)"
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->text(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/TextView;
    const-string v1, "broker"
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->edit(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/EditText;
    move-result-object v1
    iput-object v1, p0, Lorg/miniprobe/wrapper/MainActivity;->broker:Landroid/widget/EditText;

    const-string v1, "Probe id"
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->text(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/TextView;
    const-string v1, "probeId"
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->edit(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/EditText;
    move-result-object v1
    iput-object v1, p0, Lorg/miniprobe/wrapper/MainActivity;->probeId:Landroid/widget/EditText;

    const-string v1, "Start"
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->button(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/Button;
    move-result-object v1
    iput-object v1, p0, Lorg/miniprobe/wrapper/MainActivity;->startButton:Landroid/widget/Button;
    const-string v1, "Stop"
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->button(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/Button;
    move-result-object v1
    iput-object v1, p0, Lorg/miniprobe/wrapper/MainActivity;->stopButton:Landroid/widget/Button;

    const-string v1, ""
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->text(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/TextView;
    move-result-object v1
    invoke-virtual {v1, p0}, Landroid/widget/TextView;->setOnClickListener(Landroid/view/View$OnClickListener;)V
    iput-object v1, p0, Lorg/miniprobe/wrapper/MainActivity;->status:Landroid/widget/TextView;

    new-instance v1, Ljava/lang/StringBuilder;
    invoke-direct {v1}, Ljava/lang/StringBuilder;-><init>()V
    const-string v2, "Logs: "
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {p0}, Lorg/miniprobe/wrapper/MainActivity;->getFilesDir()Ljava/io/File;
    move-result-object v2
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/Object;)Ljava/lang/StringBuilder;
    const-string v2, "/probe.log (the probe) and runner.log (su, starts, exits). Tap the status to refresh it."
    invoke-virtual {v1, v2}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v1}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v1
    invoke-direct {p0, v0, v1}, Lorg/miniprobe/wrapper/MainActivity;->text(Landroid/widget/LinearLayout;Ljava/lang/String;)Landroid/widget/TextView;

    invoke-virtual {p0, v0}, Lorg/miniprobe/wrapper/MainActivity;->setContentView(Landroid/view/View;)V
    return-void
.end method

.method protected onResume()V
    .registers 1
    invoke-super {p0}, Landroid/app/Activity;->onResume()V
    invoke-direct {p0}, Lorg/miniprobe/wrapper/MainActivity;->refresh()V
    return-void
.end method

# Shows FILES/status, the line the root runner wrote last.
.method private refresh()V
    .registers 6
    const-string v0, "not started yet"
    :try_start
    new-instance v3, Ljava/io/File;
    invoke-virtual {p0}, Lorg/miniprobe/wrapper/MainActivity;->getFilesDir()Ljava/io/File;
    move-result-object v4
    const-string v2, "status"
    invoke-direct {v3, v4, v2}, Ljava/io/File;-><init>(Ljava/io/File;Ljava/lang/String;)V
    new-instance v2, Ljava/io/FileReader;
    invoke-direct {v2, v3}, Ljava/io/FileReader;-><init>(Ljava/io/File;)V
    new-instance v1, Ljava/io/BufferedReader;
    invoke-direct {v1, v2}, Ljava/io/BufferedReader;-><init>(Ljava/io/Reader;)V
    invoke-virtual {v1}, Ljava/io/BufferedReader;->readLine()Ljava/lang/String;
    move-result-object v2
    invoke-virtual {v1}, Ljava/io/BufferedReader;->close()V
    if-eqz v2, :show
    move-object v0, v2
    :try_end
    .catch Ljava/io/IOException; {:try_start .. :try_end} :show
    :show
    invoke-direct {p0, v0}, Lorg/miniprobe/wrapper/MainActivity;->showStatus(Ljava/lang/String;)V
    return-void
.end method

.method private showStatus(Ljava/lang/String;)V
    .registers 5
    new-instance v0, Ljava/lang/StringBuilder;
    invoke-direct {v0}, Ljava/lang/StringBuilder;-><init>()V
    const-string v1, "Status: "
    invoke-virtual {v0, v1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0, p1}, Ljava/lang/StringBuilder;->append(Ljava/lang/String;)Ljava/lang/StringBuilder;
    invoke-virtual {v0}, Ljava/lang/StringBuilder;->toString()Ljava/lang/String;
    move-result-object v0
    iget-object v1, p0, Lorg/miniprobe/wrapper/MainActivity;->status:Landroid/widget/TextView;
    invoke-virtual {v1, v0}, Landroid/widget/TextView;->setText(Ljava/lang/CharSequence;)V
    return-void
.end method

# editor.putString(key, field's text, trimmed)
.method private static putText(Landroid/content/SharedPreferences$Editor;Ljava/lang/String;Landroid/widget/EditText;)V
    .registers 4
    invoke-virtual {p2}, Landroid/widget/EditText;->getText()Landroid/text/Editable;
    move-result-object v0
    invoke-virtual {v0}, Ljava/lang/Object;->toString()Ljava/lang/String;
    move-result-object v0
    invoke-virtual {v0}, Ljava/lang/String;->trim()Ljava/lang/String;
    move-result-object v0
    invoke-interface {p0, p1, v0}, Landroid/content/SharedPreferences$Editor;->putString(Ljava/lang/String;Ljava/lang/String;)Landroid/content/SharedPreferences$Editor;
    return-void
.end method

.method public onClick(Landroid/view/View;)V
    .registers 6
    iget-object v0, p0, Lorg/miniprobe/wrapper/MainActivity;->startButton:Landroid/widget/Button;
    if-ne p1, v0, :not_start
    invoke-direct {p0}, Lorg/miniprobe/wrapper/MainActivity;->prefs()Landroid/content/SharedPreferences;
    move-result-object v0
    invoke-interface {v0}, Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;
    move-result-object v0
    const-string v1, "broker"
    iget-object v2, p0, Lorg/miniprobe/wrapper/MainActivity;->broker:Landroid/widget/EditText;
    invoke-static {v0, v1, v2}, Lorg/miniprobe/wrapper/MainActivity;->putText(Landroid/content/SharedPreferences$Editor;Ljava/lang/String;Landroid/widget/EditText;)V
    const-string v1, "probeId"
    iget-object v2, p0, Lorg/miniprobe/wrapper/MainActivity;->probeId:Landroid/widget/EditText;
    invoke-static {v0, v1, v2}, Lorg/miniprobe/wrapper/MainActivity;->putText(Landroid/content/SharedPreferences$Editor;Ljava/lang/String;Landroid/widget/EditText;)V
    const-string v1, "enabled"
    const/4 v2, 0x1
    invoke-interface {v0, v1, v2}, Landroid/content/SharedPreferences$Editor;->putBoolean(Ljava/lang/String;Z)Landroid/content/SharedPreferences$Editor;
    # commit, not apply: the service reads the settings right away on another thread.
    invoke-interface {v0}, Landroid/content/SharedPreferences$Editor;->commit()Z
    invoke-static {p0}, Lorg/miniprobe/wrapper/ProbeService;->start(Landroid/content/Context;)V
    const-string v0, "starting (the root manager may ask to grant root)"
    invoke-direct {p0, v0}, Lorg/miniprobe/wrapper/MainActivity;->showStatus(Ljava/lang/String;)V
    return-void

    :not_start
    iget-object v0, p0, Lorg/miniprobe/wrapper/MainActivity;->stopButton:Landroid/widget/Button;
    if-ne p1, v0, :other
    invoke-direct {p0}, Lorg/miniprobe/wrapper/MainActivity;->prefs()Landroid/content/SharedPreferences;
    move-result-object v0
    invoke-interface {v0}, Landroid/content/SharedPreferences;->edit()Landroid/content/SharedPreferences$Editor;
    move-result-object v0
    const-string v1, "enabled"
    const/4 v2, 0x0
    invoke-interface {v0, v1, v2}, Landroid/content/SharedPreferences$Editor;->putBoolean(Ljava/lang/String;Z)Landroid/content/SharedPreferences$Editor;
    invoke-interface {v0}, Landroid/content/SharedPreferences$Editor;->commit()Z
    invoke-static {p0}, Lorg/miniprobe/wrapper/ProbeService;->stop(Landroid/content/Context;)V
    const-string v0, "stopping"
    invoke-direct {p0, v0}, Lorg/miniprobe/wrapper/MainActivity;->showStatus(Ljava/lang/String;)V
    return-void

    :other
    invoke-direct {p0}, Lorg/miniprobe/wrapper/MainActivity;->refresh()V
    return-void
.end method
