import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PORT_ENTRY, freePort, tcpProbe } from './helpers/broker.js';
import { until } from './helpers/clients.js';

describe('daemon mode (-d)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosq-daemon-'));
  let pid = 0;

  afterAll(() => {
    if (pid) {
      try { process.kill(pid); } catch { /* already gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns at once, keeps serving in the background and removes its pid file on SIGTERM', async () => {
    const port = await freePort();
    const pid_file = join(dir, 'broker.pid');
    const conf = join(dir, 'd.conf');
    writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npid_file ${pid_file}\nuser root\n`);

    const started = spawnSync(process.execPath, [PORT_ENTRY, '-c', conf, '-d'], { timeout: 10000 });
    expect(started.status).toBe(0);

    await until(() => existsSync(pid_file) && readFileSync(pid_file, 'utf8').length > 0, 10000);
    pid = Number(readFileSync(pid_file, 'utf8'));
    expect(pid).not.toBe(started.pid);
    let listening = false;
    for (let i = 0; i < 100 && !listening; i++) {
      listening = await tcpProbe(port);
      if (!listening) await new Promise((r) => setTimeout(r, 100));
    }
    expect(listening).toBe(true);

    process.kill(pid, 'SIGTERM');
    await until(() => !existsSync(pid_file), 10000);
    pid = 0;
  });
});
