// Notices that the process which launched this node in the foreground is gone (npx killed without forwarding the signal).
import { readFileSync } from 'node:fs';

interface ProcStat {
  ppid: number;
  pgrp: number;
  /** Start time in clock ticks since boot: with the pid it names one process, whatever reuses the pid later. */
  start: string;
}

/** /proc/<pid>/stat (Linux); null when the process is gone or there is no /proc. */
export function procStat(pid: number | 'self'): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), pgrp: Number(f[2]), start: f[19] ?? '' };
}

/**
 * The processes to follow: the parent, and every further ancestor in this process's group (the foreground job: npx
 * -> sh -> node share it; the interactive shell and init do not). Empty when launched by init or a container runtime.
 */
export function launchers(): { pid: number; start: string }[] {
  const self = procStat('self');
  if (!self) return process.ppid > 1 ? [{ pid: process.ppid, start: '' }] : [];
  const out: { pid: number; start: string }[] = [];
  let pid = self.ppid;
  while (pid > 1 && out.length < 32) {
    const st = procStat(pid);
    if (!st) break;
    if (out.length > 0 && st.pgrp !== self.pgrp) break;
    out.push({ pid, start: st.start });
    pid = st.ppid;
  }
  return out;
}

function alive(p: { pid: number; start: string }): boolean {
  if (p.start === '') {
    // No /proc: the parent is gone when we were re-parented.
    return process.ppid === p.pid;
  }
  const st = procStat(p.pid);
  return st !== null && st.start === p.start;
}

/**
 * Calls `onGone` once, when any launcher exits. Polling is the portable choice: Linux's PR_SET_PDEATHSIG is not
 * reachable from Node, and a launcher killed with SIGKILL sends nothing. Returns a function that stops watching.
 */
export function watchParent(onGone: () => void, intervalMs = 250): () => void {
  const watched = launchers();
  if (watched.length === 0) return () => {};
  const timer = setInterval(() => {
    if (watched.every(alive)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  // The watch alone must not keep the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
