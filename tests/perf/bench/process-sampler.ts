import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Resident memory of a process in MB (VmRSS in /proc/<pid>/status), or null if it is gone. */
export function rssMb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

/** CPU seconds a process has used (utime + stime in /proc/<pid>/stat), or null if it is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, the 12th and 13th after the name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** The machine's CPU time so far, all cores (/proc/stat's first line): busy and total ticks. */
export function machineCpuTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    if (ticks.length < 5 || ticks.some((t) => !Number.isFinite(t))) return null;
    // user nice system idle iowait irq softirq steal …: idle and iowait are the idle time.
    const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

interface Window {
  peakRss: number;
  firstCpu: number | null;
  firstAt: number;
  lastCpu: number | null;
  lastAt: number;
  peakCpuPercent: number;
}

/**
 * Samples RSS and CPU of named processes once a second. `begin()` opens a window (one offered
 * rate) and `end()` closes it with each process's peak RSS, mean CPU and busiest second.
 */
export class ProcessSampler {
  private readonly windows = new Map<string, Window>();
  private machineAtBegin: { busy: number; total: number } | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => Record<string, number>) {}

  begin(): void {
    this.windows.clear();
    this.machineAtBegin = machineCpuTicks();
    this.sample();
    this.timer ??= setInterval(() => {
      this.sample();
    }, 1000);
  }

  end(): {
    rssMb: Record<string, number>;
    cpuPercent: Record<string, { mean: number; peak: number }>;
    /** The whole machine's CPU over the window, percent of all cores busy (null off Linux). */
    machineCpuPercent: number | null;
  } {
    this.sample();
    const machineNow = machineCpuTicks();
    const begun = this.machineAtBegin;
    const machineCpuPercent =
      machineNow === null || begun === null || machineNow.total <= begun.total
        ? null
        : Math.round(((machineNow.busy - begun.busy) / (machineNow.total - begun.total)) * 100);
    const rss: Record<string, number> = {};
    const cpu: Record<string, { mean: number; peak: number }> = {};
    for (const [name, window] of this.windows) {
      rss[name] = Math.round(window.peakRss);
      const seconds = (window.lastAt - window.firstAt) / 1000;
      const used =
        window.firstCpu === null || window.lastCpu === null ? 0 : window.lastCpu - window.firstCpu;
      cpu[name] = {
        mean: seconds > 0 ? Math.round((used / seconds) * 100) : 0,
        peak: Math.round(window.peakCpuPercent),
      };
    }
    return { rssMb: rss, cpuPercent: cpu, machineCpuPercent };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private sample(): void {
    const now = performance.now();
    for (const [name, pid] of Object.entries(this.pids())) {
      const rss = rssMb(pid);
      const cpu = cpuSeconds(pid);
      const window = this.windows.get(name);
      if (window === undefined) {
        this.windows.set(name, {
          peakRss: rss ?? 0,
          firstCpu: cpu,
          firstAt: now,
          lastCpu: cpu,
          lastAt: now,
          peakCpuPercent: 0,
        });
        continue;
      }
      window.peakRss = Math.max(window.peakRss, rss ?? 0);
      if (cpu !== null && window.lastCpu !== null && now > window.lastAt) {
        const percent = ((cpu - window.lastCpu) / ((now - window.lastAt) / 1000)) * 100;
        window.peakCpuPercent = Math.max(window.peakCpuPercent, percent);
      }
      if (cpu !== null) {
        window.firstCpu ??= cpu;
        window.lastCpu = cpu;
        window.lastAt = now;
      }
    }
  }
}
