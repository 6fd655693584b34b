// JVM checks of the wrapper's root-runner logic (Supervisor). Compiled and run by
// tests/android/wrapper-logic.test.ts against the APK's own classes.dex turned into JVM
// bytecode by enjarify: there is no Java source of Supervisor, only its smali.
// Prints "ok NAME" or "FAIL NAME: why" per check; exits 1 when any check failed.
import org.miniprobe.wrapper.Supervisor;

public final class SupervisorCheck {
  private static int failed = 0;
  private static String current = "";

  private static void eq(Object want, Object got, String what) {
    if (want == null ? got != null : !want.equals(got)) {
      failed++;
      System.out.println("FAIL " + current + ": " + what + ": want " + want + ", got " + got);
      throw new IllegalStateException("stop this check");
    }
  }

  private interface Check { void run() throws Exception; }

  private static void check(String name, Check c) {
    current = name;
    int before = failed;
    try {
      c.run();
    } catch (IllegalStateException e) {
      // already reported
    } catch (Throwable e) {
      failed++;
      System.out.println("FAIL " + name + ": threw " + e);
    }
    if (failed == before) System.out.println("ok " + name);
  }

  private static final long MIN = 60_000L;

  /** A supervisor taken through Start and a granted su: the probe is running. */
  private static Supervisor running() {
    Supervisor s = new Supervisor();
    eq(Supervisor.CHECK_SU, s.onStart(), "start asks su first");
    eq(Supervisor.LAUNCH, s.onSuResult(Supervisor.SU_OK), "granted su launches");
    eq(Supervisor.RUNNING, s.state(), "state");
    return s;
  }

  public static void main(String[] args) {
    check("constants the smali code uses as literals", () -> {
      eq(0, Supervisor.NOTHING, "NOTHING");
      eq(1, Supervisor.CHECK_SU, "CHECK_SU");
      eq(2, Supervisor.LAUNCH, "LAUNCH");
      eq(3, Supervisor.SCHEDULE, "SCHEDULE");
      eq(4, Supervisor.KILL, "KILL");
      eq(2000L, Supervisor.BASE_DELAY_MS, "BASE_DELAY_MS");
      eq(300_000L, Supervisor.MAX_DELAY_MS, "MAX_DELAY_MS");
      eq(60_000L, Supervisor.HEALTHY_MS, "HEALTHY_MS");
    });

    check("a fresh supervisor is stopped", () -> {
      Supervisor s = new Supervisor();
      eq(Supervisor.STOPPED, s.state(), "state");
      eq("stopped", s.statusText(), "status");
      eq(false, s.enabled(), "enabled");
      eq(Supervisor.NOTHING, s.onTimer(), "a stray timer does nothing");
      eq(Supervisor.NOTHING, s.onExit(1, 5), "a stray exit does nothing");
    });

    check("probe dies: restart after a delay that doubles up to 5 minutes", () -> {
      Supervisor s = running();
      long[] want = {2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000};
      for (int i = 0; i < want.length; i++) {
        eq(Supervisor.SCHEDULE, s.onExit(1, 500), "death " + (i + 1) + " schedules a restart");
        eq(Supervisor.WAITING, s.state(), "state while waiting");
        eq(want[i], s.delayMs(), "delay before restart " + (i + 1));
        eq(i + 1, s.failures(), "failures");
        eq(Supervisor.CHECK_SU, s.onTimer(), "timer asks su again");
        eq(Supervisor.LAUNCH, s.onSuResult(Supervisor.SU_OK), "and launches");
      }
      eq(Supervisor.SCHEDULE, s.onExit(137, 1000), "killed by the OOM killer");
      eq("probe exited with code 137, restarting in 300 s (restart 11)", s.statusText(), "status");
    });

    check("probe dies after a healthy run: the delay starts again at 2 s", () -> {
      Supervisor s = running();
      s.onExit(1, 10);
      s.onTimer();
      s.onSuResult(Supervisor.SU_OK);
      s.onExit(1, 10);
      eq(4000L, s.delayMs(), "second quick death");
      s.onTimer();
      s.onSuResult(Supervisor.SU_OK);
      eq(Supervisor.SCHEDULE, s.onExit(1, MIN), "death after a minute");
      eq(2000L, s.delayMs(), "delay reset");
      eq(1, s.failures(), "failures reset");
      eq("probe exited with code 1, restarting in 2 s (restart 1)", s.statusText(), "status");
    });

    check("backoff table", () -> {
      eq(2000L, Supervisor.backoffMs(0), "n=0");
      eq(2000L, Supervisor.backoffMs(1), "n=1");
      eq(256000L, Supervisor.backoffMs(8), "n=8");
      eq(300000L, Supervisor.backoffMs(9), "n=9");
      eq(300000L, Supervisor.backoffMs(40), "n=40 (no shift overflow)");
      eq(300000L, Supervisor.backoffMs(Integer.MAX_VALUE), "n=MAX_VALUE");
    });

    check("probe refuses its configuration: no restart loop", () -> {
      for (int code : new int[] {64, 78}) {
        Supervisor s = running();
        eq(Supervisor.NOTHING, s.onExit(code, 100), "exit " + code);
        eq(Supervisor.CONFIG_ERROR, s.state(), "state");
        eq(Supervisor.NOTHING, s.onTimer(), "no timer pending");
        eq("probe refused its configuration (exit " + code + "): check broker and probe id, see probe.log",
            s.statusText(), "status");
        eq(Supervisor.CHECK_SU, s.onStart(), "the user's next Start tries again");
      }
    });

    check("su refused: supervision ends with a status that says so", () -> {
      Supervisor s = new Supervisor();
      s.onStart();
      int verdict = Supervisor.suVerdict(1, null); // Magisk: "Permission denied", exit 1
      eq(Supervisor.SU_DENIED, verdict, "verdict");
      eq(Supervisor.NOTHING, s.onSuResult(verdict), "nothing launched");
      eq(Supervisor.SU_REFUSED, s.state(), "state");
      eq("su refused: grant root to Miniprobe in the root manager, then press Start", s.statusText(), "status");
      eq(true, s.enabled(), "stays enabled: the next boot asks again");
      eq(Supervisor.NOTHING, s.onTimer(), "no retry loop");
      eq(Supervisor.NOTHING, s.onExit(1, 1), "no exit counted");
      eq(Supervisor.CHECK_SU, s.onStart(), "Start asks su again");
      eq(Supervisor.LAUNCH, s.onSuResult(Supervisor.SU_OK), "granted this time");
    });

    check("su refused on a restart: the dead probe is not relaunched", () -> {
      Supervisor s = running();
      s.onExit(1, 10);
      eq(Supervisor.CHECK_SU, s.onTimer(), "restart asks su");
      eq(Supervisor.NOTHING, s.onSuResult(Supervisor.SU_DENIED), "grant revoked");
      eq(Supervisor.SU_REFUSED, s.state(), "state");
    });

    check("su absent: the phone is not rooted", () -> {
      Supervisor s = new Supervisor();
      s.onStart();
      int verdict = Supervisor.suVerdict(-1, null); // exec("su") threw IOException
      eq(Supervisor.SU_ABSENT, verdict, "verdict");
      eq(Supervisor.NOTHING, s.onSuResult(verdict), "nothing launched");
      eq(Supervisor.NO_SU, s.state(), "state");
      eq("su not found: the phone is not rooted", s.statusText(), "status");
    });

    check("su verdicts: only uid 0 is root", () -> {
      eq(Supervisor.SU_OK, Supervisor.suVerdict(0, "0"), "0");
      eq(Supervisor.SU_OK, Supervisor.suVerdict(0, " 0 \n"), "0 with blanks");
      eq(Supervisor.SU_DENIED, Supervisor.suVerdict(0, "10123"), "su ran it as the app");
      eq(Supervisor.SU_DENIED, Supervisor.suVerdict(0, null), "no output");
      eq(Supervisor.SU_DENIED, Supervisor.suVerdict(0, ""), "empty line");
      eq(Supervisor.SU_DENIED, Supervisor.suVerdict(1, "0"), "exit 1");
      eq(Supervisor.SU_DENIED, Supervisor.suVerdict(255, null), "exit 255");
      eq(Supervisor.SU_ABSENT, Supervisor.suVerdict(-1, "0"), "could not start");
    });

    check("after a reboot: start only if the user left it enabled", () -> {
      Supervisor off = new Supervisor();
      eq(Supervisor.NOTHING, off.onBoot(false), "disabled before the reboot");
      eq(Supervisor.STOPPED, off.state(), "stays stopped");
      eq(false, off.enabled(), "not enabled");
      Supervisor on = new Supervisor();
      eq(Supervisor.CHECK_SU, on.onBoot(true), "enabled before the reboot");
      eq(0, on.failures(), "no failures carried over");
      eq(Supervisor.LAUNCH, on.onSuResult(Supervisor.SU_OK), "launch");
    });

    check("a second Start does not launch a second probe", () -> {
      Supervisor s = new Supervisor();
      s.onStart();
      eq(Supervisor.NOTHING, s.onStart(), "while asking su");
      s.onSuResult(Supervisor.SU_OK);
      eq(Supervisor.NOTHING, s.onStart(), "while running");
      s.onExit(1, 10);
      eq(Supervisor.NOTHING, s.onStart(), "while waiting to restart");
      eq(Supervisor.CHECK_SU, s.onTimer(), "the pending restart still happens");
    });

    check("stop: kill only a running probe; late events are ignored", () -> {
      Supervisor s = running();
      eq(Supervisor.KILL, s.onStop(), "running probe is killed");
      eq(Supervisor.STOPPED, s.state(), "state");
      eq(false, s.enabled(), "disabled");
      eq(Supervisor.NOTHING, s.onExit(143, 5 * MIN), "the killed probe's exit");
      eq(Supervisor.STOPPED, s.state(), "still stopped");
      Supervisor w = running();
      w.onExit(1, 1);
      eq(Supervisor.NOTHING, w.onStop(), "stop while waiting");
      eq(Supervisor.NOTHING, w.onTimer(), "the restart timer firing later");
      Supervisor c = new Supervisor();
      c.onStart();
      eq(Supervisor.NOTHING, c.onStop(), "stop while su is asking");
      eq(Supervisor.NOTHING, c.onSuResult(Supervisor.SU_OK), "a grant arriving after stop");
      eq(Supervisor.STOPPED, c.state(), "still stopped");
    });

    check("su command line: only safe words reach the shell", () -> {
      String dir = "/data/user/0/org.miniprobe.wrapper/files";
      eq("sh " + dir + "/bin/probe.sh run " + dir, Supervisor.suCommand("run", dir), "run");
      eq("sh " + dir + "/bin/probe.sh stop " + dir, Supervisor.suCommand("stop", dir), "stop");
      for (String bad : new String[] {"relative/files", "", "/x y", "/x;reboot", "/$(reboot)", "/x'", "/x\"", "/x\n", "/x`id`", "/ü"}) {
        try {
          Supervisor.suCommand("run", bad);
          eq("IllegalArgumentException", "accepted", "dir " + bad);
        } catch (IllegalArgumentException e) {
          eq(true, e.getMessage().startsWith("su command: unsafe word in "), "message for " + bad);
        }
      }
      try {
        Supervisor.suCommand("run;reboot", dir);
        eq("IllegalArgumentException", "accepted", "verb");
      } catch (IllegalArgumentException e) {
        // refused
      }
      eq(true, Supervisor.isSafeWord("AZaz09/._-"), "every allowed character");
      eq(false, Supervisor.isSafeWord(null), "null");
    });

    // The root runner (copying assets/js, probe.sh and qjs; running su) needs a phone to run,
    // but its bytecode can be checked here: -Xverify:all verifies every method when the
    // class links, so a register misused in the smali fails this check.
    check("the root runner's bytecode passes the JVM verifier", () -> {
      Class<?> c = Class.forName("org.miniprobe.wrapper.RootRunner", true, SupervisorCheck.class.getClassLoader());
      eq("org.miniprobe.wrapper.RootRunner", c.getName(), "class");
    });

    System.out.println(failed == 0 ? "all checks passed" : failed + " checks failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}
